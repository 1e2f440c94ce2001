"""What an SLA promises besides its targets (issue 17; ISO/IEC 20000-1 8.3.3):

* limits: workload limits ("up to 400 tickets a month") kept per SLA, each naming the targets it excuses when a
  period goes over it; the measured workload per period against them, and the notice at each period's end.
* maintenance: planned maintenance windows of a service, announced to its customers when planned and a setting's
  time before (`maintenance_notice`), and a cancel announced where the window was.
* exclusions: spans both sides agreed to leave out of an SLA's measurements (force majeure, the customer's own
  outage), with who recorded and who agreed them.

What the measurements leave out is read by bot.measurements.exclusions (below this package).
"""
from bot.workload import exclusions, limits, maintenance  # noqa: F401
