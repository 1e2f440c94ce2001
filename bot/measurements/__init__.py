"""Measurements: what actually happened (ticket events, outages, metric samples), measured against every agreed
target: ticket clocks in each target's calendar, period compliance, and the error budget's burn rate.

Nothing here is stored: clocks and compliance are computed from the events, so a corrected event or a
changed calendar or target computes them again.
"""
