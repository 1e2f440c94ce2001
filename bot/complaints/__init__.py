"""Complaints (issue 17, ISO/IEC 20000-1 8.3.2): recorded, owned, answered by a due time, closed with the outcome,
and escalated to the service managers when the answer is late.

- `records`: recording a complaint (the owner DMed, the escalation scheduled), answering it, closing it;
- `late`: when the answer is due (`complaint_answer_within`), and the escalation (a reminder row) when it is late;
- `listing`: a page of complaints, and the counts of a period for the review pack and the relationship view.

Callers use the public API re-exported here (`complaints.record(...)`).
"""
from bot.complaints import late, listing
from bot.complaints.listing import ComplaintLine, Counts, counts, page
from bot.complaints.records import (ComplaintInput, answer, close, get, may_answer, record, require_may_answer,
                                    sla_for)

__all__ = ["late", "listing", "ComplaintLine", "Counts", "counts", "page", "ComplaintInput", "answer", "close",
           "get", "may_answer", "record", "require_may_answer", "sla_for"]
