"""A contract's reviews: the owner is reminded when one is due (once, through bot.reminders and the outbox), with
what to review it against, and records the outcome with a button: continue, renegotiate or exit.

The reminder is a bot.reminders row of kind `contract.review`, keyed
"contract_review:<agreement id>:<due date>:<n>", due at 09:00 in the organisation's zone on the due date, to the
contract's owner (bot.suppliers.care.owner_of). A new owner or cadence cancels the pending row and schedules its
replacement; a row that falls due when the review was already decided (or the contract retired) sends nothing.

The DM holds the contract's targets, each beside the SLA targets it sits beneath (the tree of cover,
`target_link`), and the requirements still unanswered of those SLAs' customers. Recording the outcome writes one
`contract_review` row per due date (a second press changes nothing), audits it, and schedules the next review
`review_months` after the due date. An exit says the last day to give notice: the renewal date (or, without one,
the contract's end) less its notice period.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, select

from bot import audit, outbox, reminders
from bot.agreements.targets import describe
from bot.errors import DomainError, InvalidInput, NotFound
from bot.suppliers.care import care_of, months_later, owner_of
from bot.workspace.actor import Actor
from bot.workspace.permissions import Capability, require
from models import (Agreement, AgreementKind, AgreementStatus, ContractCare, ContractReview, Party, Reminder,
                    ReminderStatus, Requirement, ReviewOutcome, Target, TargetLink)
from models.requirements import Status as RequirementStatus

KIND = "contract.review"
TEMPLATE = "contract_review_due.yml.j2"
REMIND_AT = time(9, 0)
UNANSWERED = (RequirementStatus.CAPTURED.value, RequirementStatus.CLARIFIED.value)
ENDED = (AgreementStatus.EXPIRED.value, AgreementStatus.RETIRED.value)
MAX_LINES = 10


def prefix(agreement_id: int) -> str:
    return f"contract_review:{agreement_id}:"


def due_at(day: date, tz: str) -> datetime:
    return datetime.combine(day, REMIND_AT, ZoneInfo(tz))


def schedule_next(session: Session, actor: Actor, agreement: Agreement, care: ContractCare) -> Reminder | None:
    """The reminder of the next review, to the owner, once; a pending one for another day or person is cancelled."""
    owner = owner_of(session, agreement, care)
    wanted = care.next_review_on if care.review_months else None
    pending = list(reminders.pending(session, agreement.team_id, prefix(agreement.id)))
    keep = None
    for row in pending:
        same = owner and wanted and row.recipient == owner and row.context.get("due_on") == wanted.isoformat()
        if keep is None and same:
            keep = row
            continue
        row.status = ReminderStatus.CANCELLED.value
        session.add(row)
    if keep is not None or not (owner and wanted) or agreement.status in ENDED:
        return keep
    day_prefix = f"{prefix(agreement.id)}{wanted.isoformat()}:"
    made = session.exec(select(func.count()).select_from(Reminder).where(
        Reminder.team_id == agreement.team_id, Reminder.key.startswith(day_prefix, autoescape=True))).one()
    session.flush()
    return reminders.schedule(session, agreement.team_id, f"{day_prefix}{made + 1}", KIND,
                              max(due_at(wanted, actor.org_tz), actor.at()), owner, actor.at(),
                              subject_id=agreement.id, context={"due_on": wanted.isoformat(), "tz": actor.org_tz})


def notice_by(agreement: Agreement) -> date | None:
    """The last day to give notice: the renewal date (else the end of the term) less the notice period."""
    if agreement.notice_days is None:
        return None
    return (agreement.renewal_date or agreement.end_date) - timedelta(days=agreement.notice_days)


def decided(session: Session, agreement_id: int, due_on: date) -> ContractReview | None:
    return session.exec(select(ContractReview).where(ContractReview.agreement_id == agreement_id,
                                                     ContractReview.due_on == due_on)).first()


def _describe(t: Target) -> str:
    return describe(t.kind, t.level, t.duration, t.goal, t.metric_name, t.threshold)


def beneath(session: Session, agreement: Agreement) -> tuple[list[dict], list[Agreement]]:
    """Each of the contract's targets with the SLA targets it sits beneath, and those SLAs."""
    from bot import agreements

    rows, slas = [], {}
    for t in agreements.targets_of(session, agreement):
        above = []
        for link in session.exec(select(TargetLink).where(TargetLink.leg_target_id == t.id)
                                 .order_by(TargetLink.sla_target_id)):
            sla_target = session.get(Target, link.sla_target_id)
            sla = session.get(Agreement, sla_target.agreement_id)
            if sla.status in ENDED or sla_target.retired:
                continue
            slas[sla.id] = sla
            above.append(f"{sla.name} {sla_target.key} {_describe(sla_target)} (stage {link.stage})")
        rows.append({"key": t.key, "target": _describe(t), "above": above})
    return rows, list(slas.values())


def open_requirements(session: Session, slas: list[Agreement]) -> tuple[list[str], int]:
    customers = sorted({a.counterparty_id for a in slas}) or [-1]
    where = (Requirement.customer_id.in_(customers), Requirement.status.in_(UNANSWERED))
    rows = list(session.exec(select(Requirement).where(*where).order_by(Requirement.number).limit(MAX_LINES)))
    total = session.exec(select(func.count()).select_from(Requirement).where(*where)).one()
    names = {p.id: p.name for p in session.exec(select(Party).where(Party.id.in_(customers)))}
    return ([f"#{r.number} {names.get(r.customer_id, '')}: {' '.join(r.statement.split())[:200]} ({r.priority})"
             for r in rows], max(total - MAX_LINES, 0))


def review_context(session: Session, agreement: Agreement, due_on: date, *, late: bool = False,
                   decided_row: ContractReview | None = None) -> dict:
    party = session.get(Party, agreement.counterparty_id)
    rows, slas = beneath(session, agreement)
    wanted, wanted_more = open_requirements(session, slas)
    notice = notice_by(agreement)
    return {"name": agreement.name, "kind": AgreementKind(agreement.kind).label, "supplier": party.name,
            "due_on": due_on.isoformat(), "late": late, "targets": rows, "requirements": wanted,
            "requirements_more": wanted_more, "end": agreement.end_date.isoformat(),
            "renewal": agreement.renewal_date.isoformat() if agreement.renewal_date else None,
            "notice_days": agreement.notice_days, "notice_by": notice.isoformat() if notice else None,
            "value": f"{agreement.id}:{due_on.isoformat()}",
            "decided": {"by": decided_row.created_by, "words": outcome_words(decided_row)} if decided_row else None}


def outcome_words(row: ContractReview) -> str:
    words = {ReviewOutcome.CONTINUE.value: "continue as it is", ReviewOutcome.RENEGOTIATE.value: "renegotiate",
             ReviewOutcome.EXIT.value: "exit"}[row.outcome]
    out = f"decided to {words}"
    if row.outcome == ReviewOutcome.EXIT.value:
        out += (f": give notice by {row.notice_by.isoformat()}" if row.notice_by
                else ": it has no notice period on record")
    if row.next_review_on:
        out += f". Next review due {row.next_review_on.isoformat()}"
    return out + "."


@reminders.handles(KIND)
def _remind_owner(session: Session, due: reminders.Due) -> bool:
    row = due.reminder
    agreement = session.get(Agreement, row.subject_id) if row.subject_id else None
    if agreement is None or agreement.team_id != row.team_id or agreement.status in ENDED:
        return False
    care = care_of(session, agreement)
    day = date.fromisoformat(row.context["due_on"])
    if care is None or care.next_review_on != day or decided(session, agreement.id, day) is not None:
        return False  # moved or decided meanwhile: nothing to remind of
    outbox.enqueue(session, row.team_id, reminders.outbox_key(row), row.recipient, TEMPLATE,
                   {"c": review_context(session, agreement, day, late=due.late)}, due.now)
    return True


def read_value(value: str) -> tuple[int, date]:
    try:
        agreement_id, _, day = value.partition(":")
        return int(agreement_id), date.fromisoformat(day)
    except ValueError:
        raise NotFound("That review is not one I know.") from None


def record_outcome(session: Session, actor: Actor, agreement_id: int, due_on: date, outcome: str) -> ContractReview:
    """The owner (or a service manager) records what the review decided; the next review is scheduled from it."""
    agreement = session.get(Agreement, agreement_id)
    if agreement is None or agreement.team_id != actor.team_id:
        raise NotFound("That contract no longer exists.")
    if owner_of(session, agreement) != actor.user_id or actor.external:  # the owner (one of ours) decides; else whoever keeps the contracts
        require(actor, Capability.MANAGE_CONTRACTS)
    try:
        chosen = ReviewOutcome(outcome)
    except ValueError:
        raise InvalidInput({"outcome": "Choose continue, renegotiate or exit."}) from None
    # Two presses at once: the contract's care row is locked first (on PostgreSQL; SQLite's unit of work holds the
    # write lock already), so the second press waits for the first to commit and then finds its outcome: "done
    # already", not an IntegrityError on uq_contract_review_due.
    session.exec(select(ContractCare).where(ContractCare.agreement_id == agreement.id).with_for_update()
                 .execution_options(populate_existing=True)).first()
    earlier = decided(session, agreement.id, due_on)
    if earlier is not None:
        raise DomainError(f"The review of {agreement.name} due {due_on.isoformat()} is done already: "
                          f"{outcome_words(earlier)}")
    care = care_of(session, agreement)
    if care is None or care.next_review_on != due_on:
        raise DomainError(f"The review of {agreement.name} due {due_on.isoformat()} is no longer the one due "
                          "(its cadence changed since).")
    next_on = months_later(due_on, care.review_months) if care.review_months else None
    row = ContractReview(team_id=actor.team_id, agreement_id=agreement.id, due_on=due_on, outcome=chosen.value,
                         notice_by=notice_by(agreement) if chosen == ReviewOutcome.EXIT else None,
                         next_review_on=next_on, created_at=actor.at(), created_by=actor.user_id)
    session.add(row)
    was = audit.snapshot(care, "next_review_on")
    care.next_review_on = next_on
    session.add(care)
    session.flush()
    audit.record(session, actor, "contract.review", "agreement", agreement.id, due_on=due_on.isoformat(),
                 outcome=chosen.value, notice_by=row.notice_by, before=was,
                 after={"next_review_on": next_on, "outcome": chosen.value})
    schedule_next(session, actor, agreement, care)
    return row
