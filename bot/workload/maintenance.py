"""Planned maintenance windows of a service, and telling its customers ahead of time.

A window is announced when it is planned, to the notice channel of each customer of the service (the customers
linked to it on the map, and the customers of the agreements that cover it), and again `maintenance_notice` (a
setting, default 2 days) before it starts: a reminder row, sent once through the outbox. Cancelling a window cancels
its reminder, withdraws an announcement not yet sent, edits in place (through the outbox, an update of the message)
each announcement and reminder already sent of it, so the channel's history shows it cancelled, and announces the
cancel where the window was announced. A series' announcement is edited once none of its windows is planned.
Downtime inside a planned window is not counted against availability (bot.measurements.exclusions).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from bot import audit, outbox, parsing, reminders
from bot.errors import SLASH_COMMAND, Command, InvalidInput, NotFound
from bot.parsing import windows
from bot.workspace import settings as workspace_settings
from bot.workspace.actor import Actor
from bot.workspace.permissions import Capability, require
from models import (Agreement, AgreementService, MaintenanceStatus, MaintenanceWindow, Outbox, OutboxKind,
                    OutboxStatus, Party, PartyKind, Service, ServiceLink)
from models.base import name_key

REMIND = "maintenance.remind"
TEMPLATE = "maintenance_notice.yml.j2"
LIVE_AGREEMENTS = ("negotiating", "agreed", "active")


def key_prefix(window_id: int) -> str:
    return f"maintenance:{window_id}:"


def service_named(session: Session, team_id: str, name: str) -> Service:
    found = session.exec(select(Service).where(Service.team_id == team_id, Service.name_key == name_key(name))).first()
    if found is None:
        known = ", ".join(session.exec(select(Service.name).where(Service.team_id == team_id)
                                       .order_by(Service.name_key).limit(10)))
        raise NotFound(f"I know no service “{name[:80]}”." + (f" Services: {known}." if known else ""))
    return found


def split_service(session: Session, team_id: str, text: str) -> tuple[Service, str]:
    """`<service> <when>`: the longest leading words that name a service (quotes optional), and the rest."""
    text = " ".join((text or "").split())
    if text.startswith('"') and '"' in text[1:]:
        name, rest = text[1:].split('"', 1)
        return service_named(session, team_id, name), rest.strip()
    words = text.split(" ")
    for n in range(len(words) - 1, 0, -1):
        found = session.exec(select(Service).where(Service.team_id == team_id,
                                                   Service.name_key == name_key(" ".join(words[:n])))).first()
        if found is not None:
            return found, " ".join(words[n:])
    raise InvalidInput({"service": f"“{text[:80]}” does not start with the name of a service I know: name the "
                                   f"service, then when, like "
                                   f"{Command('maintenance', 'add', 'Payroll 2026-12-05 22:00-02:00 Europe/London')} "
                                   f"or {Command('maintenance', 'add', 'Payroll Sat 22:00 for 4h')}."})


def notice_channels(session: Session, team_id: str, service_id: int) -> list[str]:
    """The notice channels of the service's customers: linked on the map, or the counterparty of an SLA covering it."""
    linked = select(ServiceLink.party_id).where(ServiceLink.team_id == team_id, ServiceLink.service_id == service_id)
    covering = select(Agreement.counterparty_id).join(
        AgreementService, AgreementService.agreement_id == Agreement.id).where(
        Agreement.team_id == team_id, AgreementService.service_id == service_id, Agreement.kind == "sla",
        Agreement.status.in_(LIVE_AGREEMENTS))
    rows = session.exec(select(Party.channel_id).where(
        Party.team_id == team_id, Party.kind == PartyKind.CUSTOMER.value, Party.channel_id.is_not(None),
        Party.id.in_(linked) | Party.id.in_(covering)).order_by(Party.name_key))
    return list(dict.fromkeys(c for c in rows if c))


def notice_before(session: Session, team_id: str) -> timedelta:
    return timedelta(minutes=parsing.parse_duration(workspace_settings.get(session, team_id, "maintenance_notice")).minutes)


def reminded(session: Session, window: MaintenanceWindow, before: timedelta | None = None) -> bool:
    """Whether the window is reminded `maintenance_notice` before it starts: one planned inside its notice time is
    announced once, when planned, and neither the announcement nor the reply may promise a reminder."""
    before = notice_before(session, window.team_id) if before is None else before
    return window.starts_at - before > window.created_at


def context(window: MaintenanceWindow, service: str, what: str, late: bool = False) -> dict:
    span = windows.Span(window.starts_at, window.ends_at, window.tz)
    return {"id": window.id, "service": service, "when": windows.format_window(span), "what": what, "late": late,
            "length": windows.format_length(window.ends_at - window.starts_at)}


def add(session: Session, actor: Actor, service: Service, when: str) -> tuple[MaintenanceWindow, list[str]]:
    """Plan a window (or a recurring series of them, one row each), announce it now to the service's customers, and
    schedule the reminder before each. Returns the (first) window and the channels told."""
    require(actor, Capability.PLAN_MAINTENANCE)
    now = actor.at()
    try:
        if windows.is_series(when):
            series = windows.parse_series(when, actor.tz, now)
            spans = [windows.Span(start, start + series.length, series.tz) for start in series.starts]
        else:
            series, spans = None, [windows.parse_window(when, actor.tz, now)]
    except parsing.ParseError as err:
        raise InvalidInput({"when": str(err)}) from None
    if spans[-1].end <= now:
        raise InvalidInput({"when": f"{windows.format_window(spans[-1])} is over already: a maintenance window is "
                                    "planned ahead."})
    if spans[0].start <= now:  # (a series lists only occurrences to come) its downtime would be left out after the fact
        raise InvalidInput({"when": f"{windows.format_window(spans[0])} has begun: a maintenance window is planned "
                                    "ahead, so the customers are told before it starts. Time already lost that both "
                                    f"sides agree to leave out is an exclusion ({SLASH_COMMAND} exclusion add)."})
    rows: list[MaintenanceWindow] = []
    for span in spans:
        row = MaintenanceWindow(team_id=actor.team_id, service_id=service.id, starts_at=span.start, ends_at=span.end,
                                tz=span.tz, text=" ".join(when.split())[:200], created_at=now, created_by=actor.user_id,
                                series_id=rows[0].id if rows else None)
        session.add(row)
        session.flush()
        if series is not None and not rows:
            row.series_id = row.id
        rows.append(row)
        audit.record(session, actor, "maintenance.add", "maintenance_window", row.id, after=audit.snapshot(row))
    first = rows[0]
    channels = notice_channels(session, actor.team_id, service.id)
    before = notice_before(session, actor.team_id)
    announced = context(first, service.name, "planned") | {"reminded": reminded(session, first)}
    if series is not None:
        announced |= {"series": series.description, "count": len(rows),
                      "last": windows.format_window(windows.Span(rows[-1].starts_at, rows[-1].ends_at, rows[-1].tz))}
    for channel in channels:
        outbox.enqueue(session, actor.team_id, f"{key_prefix(first.id)}announce:{channel}", channel, TEMPLATE,
                       announced, now)
    for row in rows:
        if reminded(session, row, before):
            reminders.schedule(session, actor.team_id, f"{key_prefix(row.id)}remind", REMIND, row.starts_at - before,
                               "", now, subject_id=row.id)
    return first, channels


def _lock_series(session: Session, window: MaintenanceWindow) -> None:
    """Lock the window's series (or the window alone), in id order, and read it afresh (PostgreSQL; SQLite lets one
    writer in at a time anyway): what a cancel and a reminder of it both take first, so one waits for the other."""
    session.exec(select(MaintenanceWindow).where(
        MaintenanceWindow.team_id == window.team_id,
        (MaintenanceWindow.series_id == window.series_id) if window.series_id is not None
        else (MaintenanceWindow.id == window.id))
        .order_by(MaintenanceWindow.id).with_for_update().execution_options(populate_existing=True)).all()


@reminders.handles(REMIND)
def remind_when_due(session: Session, due: reminders.Due) -> bool:
    window = session.get(MaintenanceWindow, due.reminder.subject_id)
    if window is not None:
        # The lock a cancel takes, before the window is looked at: a cancel not yet committed is waited for and
        # seen, not read past. (The reminder row's compare-and-set in reminders.send_one also keeps the two apart;
        # this makes the check below sound on its own, in the same order as the cancel: windows, then reminders.)
        _lock_series(session, window)
    if window is None or window.status != MaintenanceStatus.PLANNED.value or window.starts_at <= due.now:
        return False  # cancelled, gone, or begun: nothing to remind anyone of
    service = session.get(Service, window.service_id)
    for channel in notice_channels(session, window.team_id, window.service_id):
        outbox.enqueue(session, window.team_id, f"{reminders.outbox_key(due.reminder)}:{channel}", channel, TEMPLATE,
                       context(window, service.name if service else "?", "reminder", due.late), due.now)
    return True


def get(session: Session, team_id: str, window_id: int) -> MaintenanceWindow:
    row = session.get(MaintenanceWindow, window_id)
    if row is None or row.team_id != team_id:
        raise NotFound(f"There is no maintenance window #{window_id}: ", Command("maintenance", "list"), " shows them.")
    return row


def cancel(session: Session, actor: Actor, window_id: int) -> tuple[MaintenanceWindow, list[str]]:
    """Cancel a planned window: its reminder and any announcement not yet sent are withdrawn, and the cancel is
    announced where the window was announced. A second cancel changes nothing."""
    require(actor, Capability.PLAN_MAINTENANCE)
    row = get(session, actor.team_id, window_id)
    # Its series' windows (or it alone) locked, read afresh: two cancels at once, of one window or of the last two
    # planned of a series, go one after the other, so the second sees the first's cancel (else neither would see
    # the series' announcement left with nothing planned, and it would never be edited). Its reminder takes the same.
    _lock_series(session, row)
    if row.status == MaintenanceStatus.CANCELLED.value:
        raise InvalidInput({"window": f"Maintenance window #{window_id} was cancelled already."})
    now = actor.at()
    if row.starts_at <= now:  # "will not take place" would be untrue, and its downtime counted again after the fact
        said = windows.format_window(windows.Span(row.starts_at, row.ends_at, row.tz))
        raise InvalidInput({"window": f"Maintenance window #{window_id} ({said}) has begun: only a window not yet "
                                      "begun can be cancelled. Downtime inside it stays left out of the SLA, as "
                                      "announced; nothing was changed."})
    before = audit.snapshot(row)
    row.status, row.cancelled_at, row.cancelled_by = MaintenanceStatus.CANCELLED.value, now, actor.user_id
    session.add(row)
    reminders.cancel(session, actor.team_id, key_prefix(row.id))
    session.flush()
    head = row.series_id or row.id  # a series is announced once, under its first window
    still_planned = row.series_id is not None and session.exec(select(MaintenanceWindow.id).where(
        MaintenanceWindow.series_id == row.series_id,
        MaintenanceWindow.status == MaintenanceStatus.PLANNED.value)).first() is not None
    announcement = Outbox.key.startswith(f"{key_prefix(head)}announce:", autoescape=True)
    reminder = (Outbox.key.startswith(f"{key_prefix(row.id)}remind", autoescape=True)
                | Outbox.key.startswith(f"reminder:{key_prefix(row.id)}", autoescape=True))
    # What is still waiting in the outbox (a reminder Slack held up, an announcement not yet sent) and surely never
    # reached Slack is withdrawn: it would otherwise go out after the cancel, saying the window is on. One an earlier
    # attempt may have posted (`maybe_sent`) is edited like one sent, once its sender has settled whether it was.
    session.exec(update(Outbox).where(
        Outbox.team_id == actor.team_id, Outbox.status == OutboxStatus.PENDING.value,
        Outbox.kind == OutboxKind.MESSAGE.value, Outbox.maybe_sent.is_(False),
        reminder if still_planned else (announcement | reminder)).values(
        status=OutboxStatus.CANCELLED.value, last_error="the maintenance window was cancelled")
        .execution_options(synchronize_session=False))
    told = list(session.exec(select(Outbox).where(
        Outbox.team_id == actor.team_id, Outbox.kind == OutboxKind.MESSAGE.value,
        Outbox.status.in_((OutboxStatus.SENT.value, OutboxStatus.SENDING.value))
        | ((Outbox.status == OutboxStatus.PENDING.value) & Outbox.maybe_sent.is_(True)),
        announcement | reminder).order_by(Outbox.id)))
    for message in told:
        if message.key.startswith(f"{key_prefix(head)}announce:") and still_planned:
            continue  # the series' announcement stands for the windows still planned; the cancel below says which
        # In place: the announcement (or reminder) now says it is cancelled; a message still being sent is edited
        # once it is (the update follows it).
        outbox.enqueue(session, actor.team_id, f"{message.key}:cancelled", message.channel, TEMPLATE,
                       {**message.context, "withdrawn": True}, now, kind=OutboxKind.UPDATE, parent_key=message.key)
    announced = list(dict.fromkeys(m.channel for m in told if m.status == OutboxStatus.SENT.value))
    service = session.get(Service, row.service_id)
    for channel in announced:
        outbox.enqueue(session, actor.team_id, f"{key_prefix(row.id)}cancelled:{channel}", channel, TEMPLATE,
                       context(row, service.name if service else "?", "cancelled"), now)
    audit.record(session, actor, "maintenance.cancel", "maintenance_window", row.id, before=before,
                 after=audit.snapshot(row))
    return row, announced


@dataclass(frozen=True)
class Listed:
    id: int
    service: str
    when: str
    status: str


def upcoming(session: Session, team_id: str, now: datetime, limit: int = 40) -> tuple[list[Listed], int]:
    """The windows not yet over and not cancelled, soonest first, and how many there are in all."""
    q = select(MaintenanceWindow, Service.name).join(Service, Service.id == MaintenanceWindow.service_id).where(
        MaintenanceWindow.team_id == team_id, MaintenanceWindow.ends_at > now,
        MaintenanceWindow.status != MaintenanceStatus.CANCELLED.value)
    rows = list(session.exec(q.order_by(MaintenanceWindow.starts_at, MaintenanceWindow.id)))
    return [Listed(w.id, name, windows.format_window(windows.Span(w.starts_at, w.ends_at, w.tz)), w.status)
            for w, name in rows[:limit]], len(rows)
