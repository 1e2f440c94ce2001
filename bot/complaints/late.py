"""When a complaint's answer is due, and the escalation to the service managers when it is late.

The due time: `complaint_answer_within` (a workspace setting, default 5 working days) after the complaint was
recorded, at the same time of day in the organisation's zone. Working days are the organisation's working calendar's
(the workspace setting `working_calendar`: the days one of its calendars opens, less that calendar's public holidays
and closures; Monday to Friday while it names none), counted as bot.calendars.working_days counts them: a complaint
is about the relationship, not one SLA's service hours, so one calendar for every customer keeps the promise the
same for all of them.

The escalation is a reminder row (bot.reminders, kind `complaint.late`), scheduled when the complaint is recorded,
due at its due time; answering or closing it cancels the row. When it falls due with the complaint still open, each
service manager (the workspace admins while none is granted) gets one DM, and the complaint is marked escalated.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot import audit, outbox, reminders
from bot.calendars import working_days
from bot.cover import recipients as service_managers
from bot.parsing.recurrence import read_offset
from bot.workspace import settings as workspace_settings
from models import Complaint, ComplaintStatus, Party

LATE = "complaint.late"  # the reminders' kind
TEMPLATE = "complaint_late.yml.j2"


def due_at(session: Session, team_id: str, recorded_at: datetime, org_tz: str) -> datetime:
    """The answer's due time: the setting's working days (of the organisation's working calendar) or days after
    `recorded_at`."""
    offset = read_offset(workspace_settings.get(session, team_id, "complaint_answer_within"))
    local = recorded_at.astimezone(ZoneInfo(org_tz))
    if offset.unit == "day":
        day = local.date() + timedelta(days=offset.amount)
    else:
        calendar = working_days.organisation_calendar(session, team_id)
        day = working_days.add_working_days(local.date(), offset.amount,
                                            lambda d: working_days.is_working_day(d, calendar))
    return datetime.combine(day, local.timetz().replace(tzinfo=None), ZoneInfo(org_tz)).astimezone(ZoneInfo("UTC"))


def _prefix(complaint: Complaint) -> str:
    return f"complaint:{complaint.id}:"


def schedule(session: Session, complaint: Complaint, now: datetime) -> None:
    reminders.schedule(session, complaint.team_id, f"{_prefix(complaint)}late", LATE, complaint.due_at, "", now,
                       subject_id=complaint.id)


def stop(session: Session, complaint: Complaint) -> int:
    """Answered or closed: the escalation is not sent."""
    return reminders.cancel(session, complaint.team_id, _prefix(complaint))


@reminders.handles(LATE)
def _late_due(session: Session, due: reminders.Due) -> bool:
    """Tell each service manager once that the answer is late; nothing (the row cancelled) if it was answered."""
    row = due.reminder
    complaint = session.get(Complaint, row.subject_id)
    if complaint is None or complaint.team_id != row.team_id or complaint.status != ComplaintStatus.OPEN.value:
        return False
    customer = session.get(Party, complaint.customer_id)
    context = {"number": complaint.number, "customer": customer.name if customer else "",
               "owner": complaint.owner_user_id, "complainant": complaint.complainant,
               "due": complaint.due_at.strftime("%Y-%m-%d %H:%M UTC"),
               "late_since": row.due_at.strftime("%Y-%m-%d %H:%M UTC") if due.late else None}
    for user in service_managers(session, complaint.team_id):
        outbox.enqueue(session, complaint.team_id, f"{reminders.outbox_key(row)}:{user}", user, TEMPLATE, context,
                       due.now)
    before = audit.snapshot(complaint, "escalated_at")
    complaint.escalated_at = due.now
    session.add(complaint)
    audit.record(session, audit.by_the_bot(complaint.team_id, due.now), "complaint.escalate", "complaint",
                 complaint.id, number=complaint.number, **audit.change(before, complaint))
    return True
