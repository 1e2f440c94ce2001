"""Presenters: the plain data a template shows, worked out in Python.

A template keeps only layout, loops and simple conditionals on fields computed here: which gap a button
carries, whether a waiver lapsed, whether an action is overdue. Presenters read the domain; they build no
mrkdwn (the templates escape every value where it lands, see `messages`).
"""
