"""A workspace uninstalled the bot (`app_uninstalled`) or revoked its tokens (`tokens_revoked`): its tokens go
(Bolt's own revocation handlers delete them from the store), what it had queued is cancelled rather than sent
later, and the audit trail says so. Its data stays: a reinstall resumes where it left off."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, select

from bot import audit
from bot.workspace.actor import Actor
from models import CallbackDelivery, DeliveryStatus, Outbox, OutboxStatus, WorkspaceUninstall

BOT = "slm-bot"
UNSENT = (OutboxStatus.PENDING.value, OutboxStatus.SENDING.value)


def cancel_pending(session: Session, team_id: str, why: str) -> int:
    """Every unsent outbox row of the workspace cancelled; returns how many. A claim in flight loses its attempt
    token, so its sender's answer settles nothing (bot.outbox._settle) and the row is not made pending again."""
    result = session.exec(update(Outbox).where(Outbox.team_id == team_id, Outbox.status.in_(UNSENT))
                          .values(status=OutboxStatus.CANCELLED.value, last_error=why[:500], attempt_token=None))
    return result.rowcount or 0


GONE = "not sent: the workspace uninstalled slm-bot"


def _cancel_callbacks(session: Session, which, why: str) -> int:
    """The ladders' priority callbacks (bot.breaches.callbacks) not yet sent, cancelled like the outbox's rows. A
    POST in flight settles nothing after: its claim's attempts still match, but the row is no longer pending."""
    result = session.exec(update(CallbackDelivery)
                          .where(which, CallbackDelivery.status == DeliveryStatus.PENDING.value)
                          .values(status=DeliveryStatus.CANCELLED.value, last_error=why[:300])
                          .execution_options(synchronize_session=False))
    return result.rowcount or 0


def uninstalled(session: Session, team_id: str, now: datetime, *, event: str) -> int:
    """Record the uninstall and cancel what was queued; returns the rows cancelled. Until it installs again, what the
    scheduled jobs queue for it is cancelled too (`cancel_for_the_gone`)."""
    mark = session.get(WorkspaceUninstall, team_id) or WorkspaceUninstall(team_id=team_id, at=now, event=event)
    mark.at, mark.event = now, event
    session.add(mark)
    cancelled = cancel_pending(session, team_id, f"{GONE} ({event})")
    cancelled += _cancel_callbacks(session, CallbackDelivery.team_id == team_id, f"{GONE} ({event})")
    audit.record(session, Actor(team_id=team_id, user_id=BOT, now=now), "workspace.uninstall", "workspace", None,
                 event=event, outbox_cancelled=cancelled)
    return cancelled


def cancel_for_the_gone(session: Session) -> int:
    """Each delivery round (either mode): what was queued since for a workspace that uninstalled the bot is
    cancelled, so its schedules send nothing (their rows are kept, marked)."""
    gone = select(WorkspaceUninstall.team_id)
    result = session.exec(update(Outbox).where(Outbox.team_id.in_(gone), Outbox.status == OutboxStatus.PENDING.value)
                          .values(status=OutboxStatus.CANCELLED.value, last_error=GONE, attempt_token=None))
    return (result.rowcount or 0) + _cancel_callbacks(session, CallbackDelivery.team_id.in_(gone), GONE)


def token_mode_start(session: Session) -> int:
    """Token mode, at start: the bot was started with a bot token, so its workspace has it installed (a reinstall
    issues a new token, which the operator sets before starting again); the uninstall marks go. Returns how many."""
    marks = list(session.exec(select(WorkspaceUninstall)))
    for mark in marks:
        session.delete(mark)
    return len(marks)


def installed(session: Session, team_id: str, now: datetime, *, installer: str | None, team_name: str | None) -> None:
    """Installed (again): its schedules resume."""
    mark = session.get(WorkspaceUninstall, team_id)
    if mark is not None:
        session.delete(mark)
    audit.record(session, Actor(team_id=team_id, user_id=BOT, now=now), "workspace.install", "workspace", None,
                 installer=installer, team_name=team_name)
