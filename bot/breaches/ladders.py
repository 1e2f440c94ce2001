"""Escalation ladders (issue 17, ISO/IEC 20000-1 8.3.3): the steps a target's alert climbs as its clock (or its
period's error budget) is used up, and after the breach.

A ladder is steps in time order, each a point and what is done there:

    50% group; 75% group manager; breach; +30m service-managers priority

- the point: a percentage of the ticket's clock used (response or resolution) or of the period's error budget
  burned (availability and metric goals); `breach` (100%); or a time after the breach (`+30m`, `+2h`);
- what is done: `group` (a post in the owning support group's notice channel), `manager` (a DM to the group's
  contacts with the managerial role), `service-managers` (a DM to each service manager, or the admins while none is
  granted; the alert counts as escalated), `priority` (the ticket's priority raised through the organisation's
  callback: an HTTP POST signed with HMAC-SHA256, bot.breaches.callbacks). `breach` alone does nothing more than
  the alert's own move to breached.

Which ladder a target climbs: its own, else the organisation's (`/slm settings ladder <steps>`, a setting), else
the built-in one. A target's own ladder is one of its agreement's terms (`LadderChange`, proposed as a new version
by `/slm ladder <sla> <target> <steps>`): stated in the document and the version's difference, and climbed once a
version stating it is agreed (`in_force`). The built-in ladder is which is today's behaviour unchanged: the alert at the
target's warning level, its edit at the breach, and the service managers told when nobody acknowledges it in the
priority's time (`escalate_p1`...). A set ladder replaces that unacknowledged escalation (a `service-managers` step
is where the service managers hear); the alert still opens at the target's warning level, or at the ladder's
first step if that comes sooner.

Once-only and in order: the ladder is copied onto the breach when it opens (a ladder changed later applies to new
alerts), each step that runs is a line of the breach's timeline (`"step": n`), and the breach row is locked while
it moves. Percentage steps run in the sweep that finds them reached, earlier ones first; steps after the breach are
reminder rows (kind `breach.ladder`) due at the breach plus their time, so a bot that was down runs each, in order,
once, saying it is late. A resolved alert climbs no further (its rows are cancelled). An acknowledged one does:
the ladder is the organisation's clock, not a nag. A re-opened alert resumes its climb: the steps that ran are not
run again, those not yet run run when due (at once, if their time passed while it was resolved).

The ladder as typed is read by bot.parsing.ladder (pure); the rest works in the caller's transaction.
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Callable

from sqlmodel import Session, select

from bot import audit, cover, outbox, paging, parsing, reminders, service_map
from bot.breaches import callbacks
from bot.errors import Command, InvalidInput, NotFound
from bot.measurements.states import Level, TargetState
# The ladder as typed (bot.parsing.ladder), named here too: the breaches' callers need not know where it is read.
from bot.parsing.ladder import (ACTIONS, DEFAULT, EXAMPLE, GROUP, MANAGER, PRIORITY,  # noqa: F401
                                SERVICE_MANAGERS, Step, canonical, first_percent, parse, read_setting)
from bot.workspace import settings as workspace_settings
from bot.workspace.actor import Actor
from bot.workspace.permissions import Capability, require
from models import (Agreement, AgreementVersion, Breach, BreachState, ContactRole, Party, PartyKind, Target,
                    TargetLadder)

LADDER = "breach.ladder"  # the reminders' kind: a step after the breach
STEP = "breach_step.yml.j2"
LATE_AFTER = reminders.LATE_AFTER
CLIMBS = ("ticket", "availability", "metric")  # a burn-rate warning (budget) keeps today's behaviour

# The alert's move (a timeline line, every copy edited, the line in every thread) and its words, handed over by
# bot.breaches.alerts as it loads: it calls this module, so this module does not import it.
_ALERTS: dict[str, Callable] = {}


def alerts_are(move: Callable, context: Callable) -> None:
    _ALERTS.update(move=move, context=context)


# ---- which ladder ------------------------------------------------------------------------------------------------
def organisation_ladder(session: Session, team_id: str) -> tuple[Step, ...] | None:
    value = workspace_settings.get(session, team_id, "ladder")
    return None if value == DEFAULT else parse(value)


def in_force(session: Session, team_id: str, agreement_ids: Collection[int]) -> dict[int, tuple[Step, ...]]:
    """Each target's own ladder as its agreement's agreed version states it (a proposed one is not climbed), by
    target id; a target stating none is not in it.

    An agreement whose latest version is the agreed one states what its targets' rows say (every change is a new
    version): their column is read. Only one with a version proposed since has its agreed version's content read.
    A version made before ladders were terms has no "ladder" in its targets: for those the ladder set by command
    then (a target_ladder row) is still the one climbed, until a version stating ladders is agreed. Migration 0027
    copied those rows into the targets, so the next version states them and the customer sees them."""
    ids = list(agreement_ids)
    if not ids:
        return {}
    agreed = session.exec(select(Agreement.id, Agreement.agreed_version, Agreement.latest_version).where(
        Agreement.team_id == team_id, Agreement.id.in_(ids), Agreement.agreed_version.is_not(None))).all()
    settled = [a for a, number, latest in agreed if number == latest]
    pending = [a for a, number, latest in agreed if number != latest]
    own: dict[int, tuple[Step, ...]] = {}
    if settled:
        # The targets' rows are the agreed version's only while it is still the latest: asked in the same statement,
        # so a proposal committed since the read above (PostgreSQL reads each statement afresh) is not taken for
        # agreed. An agreement no longer settled then comes back without a row and is read as pending.
        still = set()
        for agreement_id, target_id, steps in session.exec(
                select(Agreement.id, Target.id, Target.ladder).outerjoin(
                    Target, (Target.agreement_id == Agreement.id) & Target.ladder.is_not(None)
                    & (Target.retired == False)).where(  # noqa: E712
                    Agreement.id.in_(settled), Agreement.agreed_version == Agreement.latest_version)):
            still.add(agreement_id)
            if target_id is not None:
                own[target_id] = parse(steps)
        pending += [a for a in settled if a not in still]
    if not pending:
        return own
    contents = session.exec(select(AgreementVersion.agreement_id, AgreementVersion.content).join(
        Agreement, (AgreementVersion.agreement_id == Agreement.id)
        & (AgreementVersion.number == Agreement.agreed_version)).where(Agreement.id.in_(pending))).all()
    target_ids = {(a, k): i for i, a, k in session.exec(select(Target.id, Target.agreement_id, Target.key)
                                                        .where(Target.agreement_id.in_(pending)))}
    before_terms: list[int] = []
    for agreement_id, content in contents:
        for t in (content or {}).get("targets", []):
            target_id = target_ids.get((agreement_id, t["key"]))
            if target_id is None:
                continue
            if "ladder" not in t:
                before_terms.append(target_id)
            elif t["ladder"]:
                own[target_id] = parse(t["ladder"])
    if before_terms:
        for row in session.exec(select(TargetLadder).where(TargetLadder.target_id.in_(before_terms))):
            own[row.target_id] = parse(row.steps)
    return own


def ladders_of(session: Session, team_id: str, agreement_ids: Collection[int]
               ) -> tuple[dict[int, tuple[Step, ...]], tuple[Step, ...] | None]:
    """The own ladders in force of these agreements' targets, and the organisation's (None: the built-in): read once
    a sweep."""
    return in_force(session, team_id, agreement_ids), organisation_ladder(session, team_id)


def effective(session: Session, target: Target) -> tuple[Step, ...] | None:
    """The ladder a new alert of the target climbs now: its own as agreed, else the organisation's."""
    own, organisation = ladders_of(session, target.team_id, [target.agreement_id])
    return own.get(target.id, organisation)


def of_breach(breach: Breach) -> tuple[Step, ...] | None:
    """The ladder copied onto the breach when it opened (None: the built-in, today's behaviour)."""
    text = breach.timeline[0].get("ladder") if breach.timeline else None
    return parse(text) if text else None


def done(breach: Breach) -> set[int]:
    return {e["step"] for e in breach.timeline if e.get("what") == "step" and "step" in e}


# ---- a target's own ladder: one of its agreement's terms ------------------------------------------------------------
def find_agreement(session: Session, team_id: str, agreement_name: str) -> Agreement:
    wanted = " ".join(agreement_name.split()).casefold()
    found = [a for a in session.exec(select(Agreement).where(Agreement.team_id == team_id))
             if " ".join(a.name.split()).casefold() == wanted]
    if not found:
        raise NotFound(f"No agreement is called “{agreement_name}”. {Command('sla', 'list')} shows them.")
    return found[0]


@dataclass
class LadderChange:
    """A target's own ladder, for bot.agreements.propose: the steps as typed, or `default` (the organisation's
    again). Like any term it is in force once a version stating it is agreed; audited before and after."""

    key: str
    typed: str
    target: Target | None = field(default=None, init=False)  # the target changed, once applied

    def apply(self, session: Session, actor: Actor, agreement: Agreement, _clauses) -> None:
        require(actor, Capability.SET_LADDER)
        key = self.key.strip().upper()
        target = session.exec(select(Target).where(Target.agreement_id == agreement.id, Target.key == key,
                                                   Target.retired == False)).first()  # noqa: E712
        if target is None:
            raise NotFound(f"{agreement.name} has no target {key}.")
        try:
            value = None if clears(self.typed) else canonical(parse(self.typed))
        except parsing.ParseError as err:
            raise InvalidInput({"steps": str(err)}) from None
        before, target.ladder = target.ladder, value
        session.add(target)
        self.target = target
        audit.record(session, actor, "ladder.set", "target", target.id, key=target.key, agreement=agreement.id,
                     before=before, after=value)


def proposed(session: Session, target: Target) -> tuple[Step, ...] | None:
    """The ladder a new alert of the target climbs once the latest version is agreed."""
    return parse(target.ladder) if target.ladder else organisation_ladder(session, target.team_id)


def clears(typed: str) -> bool:
    """Whether a target's ladder as typed is `default`: the target climbs the organisation's ladder again."""
    return (typed or "").strip().lower() in (DEFAULT, "none", "organisation", "organization")


def raises_priority(steps: tuple[Step, ...] | None) -> bool:
    return any(PRIORITY in step.actions for step in steps or ())


def describe(steps: tuple[Step, ...] | None) -> str:
    return canonical(steps) if steps else ("the built-in ladder: the alert at the target's warning level, its edit "
                                           "at the breach, the service managers when nobody acknowledges it in "
                                           "the priority's time")


def listing(session: Session, team_id: str, offset: int = 0, size: int = 20) -> paging.Page:
    """A page of the targets with a ladder of their own, in force or proposed, for `/slm ladder` (plain data:
    agreement, target, the steps in force (None: the organisation's), and those a version not yet agreed proposes
    when they differ, with its number). Every target that may have one is read: a workspace has hundreds, not
    millions, and what is in force is in the versions' content."""
    pending = (Agreement.agreed_version.is_not(None)) & (Agreement.latest_version != Agreement.agreed_version)
    candidates = session.exec(select(Agreement.id, Agreement.name, Agreement.latest_version, Target.id, Target.key,
                                     Target.ladder).join(Target, Target.agreement_id == Agreement.id).where(
        Agreement.team_id == team_id, Target.retired == False,  # noqa: E712
        Target.ladder.is_not(None) | Target.id.in_(select(TargetLadder.target_id)) | pending)
        .order_by(Agreement.name_key, Target.id)).all()
    agreed = in_force(session, team_id, {row[0] for row in candidates})
    rows = []
    for _agreement_id, name, latest, target_id, key, working in candidates:
        steps = canonical(agreed[target_id]) if target_id in agreed else None
        if steps is None and working is None:
            continue
        rows.append({"agreement": name, "target": key, "steps": steps,
                     "proposed": (working or DEFAULT) if working != steps else None, "version": latest})
    offset = paging.start(offset, len(rows))
    return paging.Page(rows[offset:offset + size], len(rows), offset, size)


# ---- climbing -----------------------------------------------------------------------------------------------------
def climbing(state: TargetState, ladder: tuple[Step, ...] | None) -> TargetState:
    """A state below its target's warning level but at its ladder's first step warns: the alert opens at the
    ladder's first step when that comes before the warning level."""
    first = first_percent(ladder)
    if (state.level == Level.OK and not state.ended and first is not None and state.percent_used >= first
            and state.subject.value in CLIMBS):
        return replace(state, level=Level.WARNING)
    return state


LOWERED = "lowered"  # a timeline line's mark: the breach was taken back to its warning level (alerts._lower_level)


def _reopened(breach: Breach) -> int:
    """How many times the alert's steps after the breach were called off and may be scheduled again: each re-open of
    a resolved alert, and each breach taken back to the warning level."""
    return sum(1 for e in breach.timeline if e.get("what") == "reopened" or e.get(LOWERED))


def _prefix(breach: Breach) -> str:
    return f"breach:{breach.id}:ladder:"


def climb(session: Session, breach: Breach, state, now: datetime, *, opened: bool = False) -> int:
    """Run every percentage step the state has reached and not yet run, earlier ones first; schedule the steps after
    the breach once it has breached. Returns how many steps ran."""
    steps = of_breach(breach)
    if steps is None or breach.state == BreachState.RESOLVED.value:
        return 0
    ran = done(breach)
    reached = [i for i, step in enumerate(steps) if step.percent is not None and i not in ran
               and (state.percent_used >= step.percent or (step.percent == 100 and breach.breached_at is not None))]
    for i in reached:
        late = _late_by(steps[i], state)
        run_step(session, breach, i, steps[i], now, late=late, alert_is_the_notice=opened and i == reached[0])
    if breach.breached_at is not None:
        schedule_after(session, breach, steps, now)
    return len(reached)


def _late_by(step: Step, state) -> timedelta | None:
    """How long ago the clock reached this step, when more than LATE_AFTER (the bot was away): from the clock's
    business time used, as the ticket's clock counts it; None when on time or not known (period goals)."""
    if state.used is None or not state.allowed:
        return None
    over = state.used - state.allowed * (step.percent / 100)
    return over if over > LATE_AFTER else None


def schedule_after(session: Session, breach: Breach, steps: tuple[Step, ...], now: datetime) -> None:
    """A reminder for each step after the breach not run yet. A ladder climbs once per alert: a re-opened alert
    resumes where it stopped (the steps run already are not run again, their outbox and callback keys name the
    step alone); the steps its resolution cancelled are scheduled again under a key carrying the re-open count (the
    cancelled row keeps the old one), and run when due, or at once if that time passed while it was resolved. So
    too for a breach taken back to its warning level and breached again: its steps still to run count from the new
    breach."""
    ran, again = done(breach), _reopened(breach)
    for i, step in enumerate(steps):
        if step.after is None or i in ran:
            continue
        reminders.schedule(session, breach.team_id, f"{_prefix(breach)}{again}:{i}", LADDER,
                           breach.breached_at + timedelta(minutes=step.after), breach.channel[:32], now,
                           subject_id=breach.id, context={"step": i})


def stop(session: Session, breach: Breach) -> int:
    """The alert is over: the steps still to come are not run."""
    return reminders.cancel(session, breach.team_id, _prefix(breach))


@reminders.handles(LADDER)
def step_when_due(session: Session, due: reminders.Due) -> bool:
    breach = session.exec(select(Breach).where(Breach.team_id == due.reminder.team_id,
                                               Breach.id == due.reminder.subject_id).with_for_update()).first()
    steps = of_breach(breach) if breach is not None else None
    i = (due.reminder.context or {}).get("step")
    if steps is None or i is None or i >= len(steps) or breach.state == BreachState.RESOLVED.value \
            or i in done(breach):
        return False
    # Late only from when it could have run: a step scheduled after its time (the alert re-opened after it was due)
    # runs at once without saying the bot was away.
    since = max(due.reminder.due_at, due.reminder.created_at)
    late = due.now - since if due.now - since > LATE_AFTER else None
    run_step(session, breach, i, steps[i], due.now, late=late)
    return True


def _hm(delta: timedelta) -> str:
    return parsing.format_duration(parsing.Duration(minutes=int(delta.total_seconds() // 60))).replace(" ", "")


def run_step(session: Session, breach: Breach, i: int, step: Step, now: datetime, *, late: timedelta | None,
             alert_is_the_notice: bool = False) -> None:
    """Do what the step says, each message once (its outbox key names the step), and say so in the alert's thread."""
    context = _ALERTS["context"](session, breach)
    owner = session.get(Party, breach.owner_party_id) if breach.owner_party_id else None
    said: list[str] = []
    late_text = f"late by {_hm(late)}" if late else None
    message = {"ctx": context, "when": step.when, "late": late_text}

    def send(recipient: str, why: str) -> None:
        outbox.enqueue(session, breach.team_id, f"breach:{breach.id}:step:{i}:{recipient}", recipient,
                       STEP, {**message, "why": why}, now)

    for action in step.actions:
        if action == GROUP:
            if owner is None or owner.kind != PartyKind.SUPPORT_GROUP.value:
                said.append("no support group owns it to notify")
            elif not owner.channel_id:
                said.append(f"{owner.name} has no notice channel to notify (see {Command('party', 'edit')})")
            elif alert_is_the_notice and owner.channel_id in breach.recipients:
                said.append(f"{owner.name} notified (this alert)")
            else:
                send(owner.channel_id, "group")
                said.append(f"{owner.name} notified")
        elif action == MANAGER:
            managers = (service_map.contacts_of(session, breach.team_id, owner.id)[ContactRole.MANAGERIAL]
                        if owner is not None else [])
            for user in managers:
                send(user, "manager")
            said.append(f"escalated to {owner.name}'s manager" if managers else
                        f"{owner.name if owner else 'the owner'} has no manager (a managerial contact) to escalate to")
        elif action == SERVICE_MANAGERS:
            for user in cover.recipients(session, breach.team_id):
                send(user, "service-managers")
            if breach.escalated_at is None:
                breach.escalated_at = now
            said.append("the service managers told")
        elif action == PRIORITY:
            said.append(callbacks.raise_priority(session, breach, i, step, now))
    note = f"{step.when}: " + ("; ".join(said) if said else "the target is breached")
    if late_text:
        note += f" ({late_text}: the bot was unavailable when it fell due)"
    _ALERTS["move"](session, breach, now, "step", note=note, extra={"step": i})


def callback_failed(session: Session, team_id: str, breach_id: int | None, what: str, now: datetime) -> None:
    """A priority callback refused or given up on: said in its alert's thread, so someone raises it by hand."""
    breach = session.exec(select(Breach).where(Breach.team_id == team_id, Breach.id == breach_id)
                          .with_for_update()).first() if breach_id else None
    if breach is not None:
        _ALERTS["move"](session, breach, now, "step",
                        note=f"the priority callback failed ({what}): raise {breach.ticket_ref}'s priority by hand")
