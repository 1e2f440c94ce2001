"""A breach's life: from the evaluation's state to one alert per recipient, edited in place, with its thread."""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot import audit, cover, home_refresh, outbox, service_map
from bot.breaches import ladders, owner_notice, routing
from bot.breaches.escalation import NOT_YET, schedule_escalation, stop_escalation
from bot.breaches.words import left_beside
from bot.errors import Command, DomainError, NotFound, PermissionDenied, Person
from bot.measurements.states import Level, Subject, TargetState
from bot.workspace.actor import Actor
from bot.workspace.permissions import Capability, can, require
from models import Agreement, AgreementKind, Breach, BreachState, Party, Target, Ticket
from models.outbox import OutboxKind

log = logging.getLogger(__name__)

ALERT = "breach_alert.yml.j2"
NOTE = "breach_note.yml.j2"
ESCALATED = "breach_escalated.yml.j2"
REFUSED = "breach_channel_refused.yml.j2"
OPEN = (BreachState.WARNING.value, BreachState.BREACHED.value, BreachState.ACKNOWLEDGED.value)
_RANK = {Level.OK.value: 0, Level.WARNING.value: 1, Level.BREACHED.value: 2}


# ---- keys: one message per breach and recipient, its edits and thread lines following it ----------------------
def key_prefix(breach_id: int) -> str:
    """What every outbox key of one breach starts with: its copies, their edits and thread lines, escalations."""
    return f"breach:{breach_id}:"


def post_key(breach: Breach, recipient: str) -> str:
    return f"{key_prefix(breach.id)}{recipient}"


def _edit_key(breach: Breach, recipient: str) -> str:
    return f"{post_key(breach, recipient)}:r{breach.revision}"


@outbox.on_refused("breach:")
def _channel_refused(session: Session, held: outbox.Claim, error: str, now: datetime) -> None:
    """The owning group's channel refused the alert (the bot is not in it, or it is gone): the service managers get
    the alert by DM at once, with why, rather than hearing nothing for hours. Once: the keys make it so."""
    parts = held.key.split(":")
    if len(parts) != 3 or not parts[1].isdigit() or not held.channel.startswith(("C", "G")):
        return  # an edit, a thread line, or a DM: only a channel's first post is rerouted
    breach = session.get(Breach, int(parts[1]))
    if breach is None or breach.team_id != held.team_id:
        return
    managers = [user for user in cover.recipients(session, breach.team_id) if user not in breach.recipients]
    if managers:
        breach.recipients = [*breach.recipients, *managers]  # a new list: the JSON column sees the change
        session.add(breach)
        _queue_post(session, breach, now)
    shown = alert_context(session, breach)
    said = {"channel_id": held.channel, "error": error, "target": f"{shown['target_key']} {shown['what']}",
            "agreement": shown["agreement"], "owner": shown["owner"]}
    for user in cover.recipients(session, breach.team_id):
        outbox.enqueue(session, breach.team_id, f"{post_key(breach, held.channel)}:refused:{user}", user, REFUSED,
                       said, now)


@outbox.on_sent("breach:")
def _alert_sent(session: Session, held: outbox.Claim, message_ts: str | None, now: datetime) -> None:
    """The first copy's ts is kept on the breach: where its alert is."""
    parts = held.key.split(":")
    if len(parts) != 3 or not parts[1].isdigit():
        return
    breach = session.get(Breach, int(parts[1]))
    if breach is not None and breach.channel == parts[2] and breach.message_ts is None:
        breach.message_ts = message_ts
        session.add(breach)


# ---- what the alert says ----------------------------------------------------------------------------------------
def alert_context(session: Session, breach: Breach) -> dict:
    """Everything the alert and its edits show, as plain data (the template escapes and formats it)."""
    target = session.get(Target, breach.target_id)
    agreement = session.get(Agreement, breach.agreement_id)
    counterparty = session.get(Party, agreement.counterparty_id)
    owner = session.get(Party, breach.owner_party_id) if breach.owner_party_id else None
    legs = [leg for leg, _p, _a in routing.legs_of(session, target)] if agreement.kind == AgreementKind.SLA.value else []
    last = next((e for e in reversed(breach.timeline) if "summary" in e), {})
    actions = [e["action"] for e in breach.timeline if e.get("action")]
    return {
        "breach_id": breach.id, "state": breach.state, "level": breach.level, "subject": breach.subject,
        "what": routing.promise(target), "target_key": target.key,
        "agreement": agreement.name, "agreement_kind": "SLA" if agreement.kind == AgreementKind.SLA.value
        else AgreementKind(agreement.kind).label, "customer": counterparty.name,
        "ticket": breach.ticket_ref, "summary": breach.summary, "percent": round(breach.percent_used),
        "left": last.get("left", ""),
        "legs": [{"kind": leg.kind, "owner": leg.owner, "promise": leg.promise} for leg in legs],
        "owner": owner.name if owner else None,
        "owner_without_channel": bool(owner and owner.kind == "support_group" and not owner.channel_id),
        "no_leg": agreement.kind == AgreementKind.SLA.value and not legs, "overrun": routing.overrun(session, breach),
        "supplier_involved": any(leg.kind == "UC" for leg in legs) or agreement.kind == AgreementKind.UC.value,
        "acknowledged_by": breach.acknowledged_by, "escalated": breach.escalated_at is not None,
        "escalated_by": breach.escalated_by, "resolved": breach.state == BreachState.RESOLVED.value,
        "missed": breach.breached_at is not None, "actions": actions,
        "handed_over": breach.state == BreachState.RESOLVED.value
        and any(e.get("note") == GOAL_BREACHED for e in breach.timeline),
        "cleared": breach.state == BreachState.RESOLVED.value and next(
            (e["what"] for e in reversed(breach.timeline) if e["what"] in (BreachState.RESOLVED.value, CLEARED)),
            None) == CLEARED,
        "as_of": int(breach.updated_at.timestamp()), "as_of_text": breach.updated_at.strftime("%Y-%m-%d %H:%M UTC"),
    }


# ---- moving a breach ----------------------------------------------------------------------------------------------
def _queue_post(session: Session, breach: Breach, now: datetime) -> None:
    context = alert_context(session, breach)
    for recipient in breach.recipients:
        outbox.enqueue(session, breach.team_id, post_key(breach, recipient), recipient, ALERT, {"ctx": context}, now)


def _move(session: Session, breach: Breach, now: datetime, what: str, *, by: str | None = None,
          note: str = "", state: TargetState | None = None, action: int | None = None,
          extra: dict | None = None) -> None:
    """One step of the breach: a line on its timeline, every copy edited, the line in every copy's thread.
    `extra`: more to keep on the timeline's line (a ladder step's number)."""
    event = {"at": now.isoformat(), "what": what, "by": by, "note": note, **(extra or {})}
    if action is not None:
        event["action"] = action  # a remedial action's number: the alert lists them
    if state is not None:
        event.update(summary=state.summary, left=left_beside(state))
        breach.percent_used, breach.summary = state.percent_used, state.summary[:500]
    breach.timeline = [*breach.timeline, event]  # a new list: the JSON column sees the change
    breach.revision += 1
    breach.updated_at = now
    session.add(breach)
    session.flush()
    home_refresh.refresh_party(session, breach.team_id, breach.owner_party_id, now)
    context = alert_context(session, breach)
    line = {**event, "epoch": int(now.timestamp()), "time_text": now.strftime("%Y-%m-%d %H:%M UTC"),
            "summary": event.get("summary", ""), "left": event.get("left", "")}
    for recipient in breach.recipients:
        parent = post_key(breach, recipient)
        outbox.enqueue(session, breach.team_id, _edit_key(breach, recipient), recipient, ALERT, {"ctx": context}, now,
                       kind=OutboxKind.UPDATE, parent_key=parent)
        outbox.enqueue(session, breach.team_id, _edit_key(breach, recipient) + ":note", recipient, NOTE,
                       {"line": line}, now, parent_key=parent)


def by_key(session: Session, team_id: str, key: str, *, lock: bool = False) -> Breach | None:
    q = select(Breach).where(Breach.team_id == team_id, Breach.key == key[:200])
    return session.exec(q.with_for_update() if lock else q).first()


def _open(session: Session, state: TargetState, now: datetime,
          ladder: tuple[ladders.Step, ...] | None = None) -> Breach | None:
    target = session.get(Target, state.target_id)
    agreement = session.get(Agreement, state.agreement_id)
    if target is None or agreement is None or target.team_id != state.team_id:
        log.warning("breach %s: its target %s is gone; no alert", state.key, state.target_id)
        return None
    ticket = session.get(Ticket, state.ticket_id) if state.ticket_id else None
    route = routing.route(session, state.team_id, target, agreement, state.assigned_group_id)
    if not route.recipients:
        log.warning("breach %s: nobody to tell (no owner's channel, no service manager, no admin known)", state.key)
        return None
    breached = state.level == Level.BREACHED
    breach = Breach(team_id=state.team_id, key=state.key[:200], target_id=target.id, agreement_id=agreement.id,
                    subject=state.subject.value, ticket_id=state.ticket_id, ticket_ref=state.ticket_ref,
                    priority=(ticket.priority if ticket else target.level), state=state.level.value,
                    level=state.level.value, percent_used=state.percent_used, summary=state.summary[:500],
                    owner_party_id=route.owner.id if route.owner else None, channel=route.recipients[0],
                    recipients=route.recipients, opened_at=now, warned_at=state.warned_at or now,
                    breached_at=(state.breached_at or now) if breached else None, updated_at=now,
                    timeline=[{"at": now.isoformat(), "what": state.level.value, "by": None, "note": "",
                               "summary": state.summary, "left": left_beside(state)}])
    if ladder and state.subject.value in ladders.CLIMBS:  # copied: a ladder changed later applies to new alerts
        breach.timeline[0]["ladder"] = ladders.canonical(ladder)
    if state.ended:  # it ended before anyone heard (history imported late): said once, already resolved
        breach.state, breach.resolved_at = BreachState.RESOLVED.value, now
    try:
        with session.begin_nested():
            session.add(breach)
    except IntegrityError:  # another replica opened it at the same moment: theirs stands, and its alert
        return None
    owner_notice.first(session, breach, now, _queue_post)  # issue 17: the relationship owner's DM, then the alert
    schedule_escalation(session, breach, now)  # nothing when it was already over, or when it climbs a ladder
    home_refresh.refresh_party(session, breach.team_id, breach.owner_party_id, now)
    ladders.climb(session, breach, state, now, opened=True)
    return breach


# A burn-rate warning ends when its period's goal breaches (the burn no longer warns: the budget is spent). It did
# not end "within target": it ends handed over to the goal's own alert.
GOAL_BREACHED = "the period's goal is breached: see its own alert"
# A ticket's alert ends too when its clock falls back within target while the ticket is still open (an exclusion or
# a maintenance window recorded after it opened, or a corrected event): it is "back within target", never
# "resolved", which a reader takes for the ticket's own resolution. It opens again if the clock breaches later.
CLEARED = "cleared"


def apply(session: Session, state: TargetState, now: datetime, *, goal_breached: bool = False,
          ladder: tuple[ladders.Step, ...] | None = None) -> Breach | None:
    """Move the breach of one evaluated state forward; the breach, when there is one. `goal_breached`: the same
    target's period goal is breached in this evaluation (what a burn-rate warning that stops has turned into)."""
    breach = by_key(session, state.team_id, state.key, lock=True)
    if breach is None:
        return _open(session, state, now, ladder) if state.level != Level.OK else None
    over = state.ended or state.level == Level.OK
    if breach.state == BreachState.RESOLVED.value:
        if over:
            return _correct(session, breach, state, now)
        breach.state, breach.resolved_at = state.level.value, None  # a reopened ticket: its clock runs again
        _raise_level(breach, state, now)
        _move(session, breach, now, "reopened", state=state)
        schedule_escalation(session, breach, now)
        ladders.climb(session, breach, state, now)
        return breach
    if _RANK[state.level.value] > _RANK[breach.level]:
        _raise_level(breach, state, now)
        breach.state = BreachState.BREACHED.value
        _move(session, breach, now, BreachState.BREACHED.value, state=state)
    elif not over and breach.subject == Subject.TICKET.value and _RANK[state.level.value] < _RANK[breach.level]:
        _lower_level(session, breach, state, now)
    if over:
        breach.state, breach.resolved_at = BreachState.RESOLVED.value, now
        if breach.breached_at is not None and state.level != Level.BREACHED:  # a corrected event: in time after all
            breach.breached_at, breach.level = None, state.level.value
        handed_over = breach.subject == Subject.BUDGET.value and goal_breached and not breach.breached_at
        stop_escalation(session, breach)
        ladders.stop(session, breach)
        if breach.subject == Subject.TICKET.value and not state.ended and not breach.breached_at:
            _move(session, breach, now, CLEARED, note="the ticket is still open", state=state)
        else:
            _move(session, breach, now, BreachState.RESOLVED.value,
                  note=GOAL_BREACHED if handed_over else "target missed" if breach.breached_at else "within target",
                  state=state)
    else:
        ladders.climb(session, breach, state, now)
    return breach


def _correct(session: Session, breach: Breach, state: TargetState, now: datetime) -> Breach:
    """A resolved breach whose clock, computed again from corrected events, now says the opposite about the
    target: the alert is edited to say so, and its thread says what changed."""
    missed = state.level == Level.BREACHED
    if missed == (breach.breached_at is not None):
        return breach
    breach.breached_at = (state.breached_at or now) if missed else None
    breach.level = state.level.value
    _move(session, breach, now, "corrected",
          note="the target was missed after all" if missed else "the target was met after all", state=state)
    return breach


# An open ticket's clock breached, then fell back to its warning level (an exclusion or a maintenance window recorded
# after it breached, or a corrected event): the alert says "Warning" again, not a breach the clock no longer shows.
# Its ladder's steps after the breach ("+30m ...") are not run for a breach that is not there; they are scheduled
# again from the new breach, should the clock run past the target again (ladders.schedule_after).
BACK_TO_WARNING = "no longer breached, the ticket still open and at its warning level"


def _lower_level(session: Session, breach: Breach, state: TargetState, now: datetime) -> None:
    breach.level, breach.breached_at = state.level.value, None
    if breach.state == BreachState.BREACHED.value:  # one acknowledged stays acknowledged
        breach.state = BreachState.WARNING.value
    ladders.stop(session, breach)
    _move(session, breach, now, "corrected", note=BACK_TO_WARNING, state=state, extra={ladders.LOWERED: True})


def _raise_level(breach: Breach, state: TargetState, now: datetime) -> None:
    if _RANK[state.level.value] > _RANK[breach.level]:
        breach.level = state.level.value
    if state.level == Level.BREACHED and breach.breached_at is None:
        breach.breached_at = state.breached_at or now


def _keys_with_breaches(session: Session, team_id: str, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for at in range(0, len(keys), 500):
        found.update(session.exec(select(Breach.key).where(Breach.team_id == team_id,
                                                           Breach.key.in_(keys[at:at + 500]))).all())
    return found


def sweep(session: Session, team_id: str, states: list[TargetState], now: datetime) -> list[Breach]:
    """Every state that warns or breaches gets its breach; every open breach whose state is back within target,
    or whose clock stopped, is resolved. (Escalation is a reminder row each: bot.breaches.escalation.)"""
    mine = [s for s in states if s.team_id == team_id]
    own, organisation = ladders.ladders_of(session, team_id, {s.agreement_id for s in mine})
    ladder_of = {s.target_id: own.get(s.target_id, organisation) for s in mine}
    mine = [ladders.climbing(s, ladder_of[s.target_id]) for s in mine]  # a ladder's first step may warn sooner
    known = _keys_with_breaches(session, team_id, [s.key[:200] for s in mine if s.level == Level.OK])
    # Most states are OK and never breached: those are passed over without a query each.
    goals_breached = {s.target_id for s in mine
                      if s.subject in (Subject.AVAILABILITY, Subject.METRIC) and s.level == Level.BREACHED}
    moved = [b for s in mine if (s.level != Level.OK or s.key[:200] in known)
             and (b := apply(session, s, now, goal_breached=s.target_id in goals_breached,
                             ladder=ladder_of[s.target_id]))]
    # A period's goal is evaluated for the current period only: a breach of a period no longer evaluated is over.
    evaluated = {s.key[:200] for s in mine}
    for breach in open_breaches(session, team_id):
        if breach.subject != Subject.TICKET.value and breach.key not in evaluated:
            breach.state, breach.resolved_at = BreachState.RESOLVED.value, now
            stop_escalation(session, breach)
            ladders.stop(session, breach)
            _move(session, breach, now, BreachState.RESOLVED.value, note="its period is over")
            moved.append(breach)
    return moved


# ---- what people do with an alert ---------------------------------------------------------------------------------
def get(session: Session, team_id: str, breach_id: int, *, lock: bool = False) -> Breach:
    q = select(Breach).where(Breach.team_id == team_id, Breach.id == breach_id)
    breach = session.exec(q.with_for_update() if lock else q).first()
    if breach is None:
        raise NotFound("That breach alert is not known here.")
    return breach


# Competency 6.4: remedial actions are determined with the support groups, so the group that owns the breached
# target records its own remedy, as it acknowledges the alert; the customer and other groups do neither.
REMEDY_REFUSED = ("Only a contact of the support group that owns this target, a service manager or a workspace admin "
                  "can record a remedial action on this alert.")


def may_act_on(session: Session, actor: Actor, breach: Breach) -> bool:
    """Service managers and admins, and anyone who speaks for the owning support group: who may acknowledge the
    alert and record a remedial action from it."""
    if can(actor, Capability.ACKNOWLEDGE_BREACH):
        return True
    if breach.owner_party_id is None:
        return False
    contacts = service_map.contacts_of(session, actor.team_id, breach.owner_party_id)
    return any(actor.user_id in users for users in contacts.values())


def acknowledge(session: Session, actor: Actor, breach_id: int) -> Breach:
    breach = get(session, actor.team_id, breach_id, lock=True)
    if not may_act_on(session, actor, breach):
        owner = session.get(Party, breach.owner_party_id) if breach.owner_party_id else None
        raise PermissionDenied("Only a service manager, a workspace admin"
                               + (f" or a contact of {owner.name}" if owner else "") + " can acknowledge this alert.")
    if breach.state == BreachState.RESOLVED.value:
        raise DomainError("This breach is resolved already; there is nothing to acknowledge.")
    if breach.acknowledged_at is not None and breach.state == BreachState.ACKNOWLEDGED.value:
        raise DomainError("This alert was acknowledged already.")
    was = audit.snapshot(breach, "state", "acknowledged_at", "acknowledged_by")
    breach.state, breach.acknowledged_at, breach.acknowledged_by = BreachState.ACKNOWLEDGED.value, actor.at(), actor.user_id
    stop_escalation(session, breach)
    _move(session, breach, actor.at(), BreachState.ACKNOWLEDGED.value, by=actor.user_id)
    audit.record(session, actor, "breach.acknowledge", "breach", breach.id, key=breach.key, **audit.change(was, breach))
    return breach


def escalate(session: Session, breach: Breach, now: datetime, *, by: str | None,
             due_since: datetime | None = None) -> int:
    """Tell every service manager by DM (once each), and say so on the alert; returns how many were told.
    `due_since`: the escalation fell due then but the bot was down; the DM says so."""
    breach.escalated_at, breach.escalated_by = now, by
    _move(session, breach, now, "escalated", by=by)
    context = alert_context(session, breach)
    late = due_since.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC") if due_since else None
    # Whoever pressed Escalate knows already: the DM goes to the other service managers.
    return sum(outbox.enqueue(session, breach.team_id, f"breach:{breach.id}:escalated:{user}", user, ESCALATED,
                              {"ctx": context, "late_since": late}, now)
               for user in cover.recipients(session, breach.team_id) if user != by)


def escalate_by_hand(session: Session, actor: Actor, breach_id: int) -> Breach:
    require(actor, Capability.ESCALATE_BREACH)
    breach = get(session, actor.team_id, breach_id, lock=True)
    if breach.state == BreachState.RESOLVED.value:
        raise DomainError("This breach is resolved already; there is nothing to escalate.")
    if breach.escalated_at is not None:
        raise DomainError("This alert was escalated already.")
    if not [user for user in cover.recipients(session, breach.team_id) if user != actor.user_id]:
        grant = ("grant a colleague the role first: ", Command("role", "grant", "@person", "service-manager"), ".")
        if breach.acknowledged_at is None:
            raise DomainError("You are the only service manager, so there is nobody to escalate to. Acknowledge the "
                              "alert to say you have it, or ", *grant)
        by = (" by ", Person(breach.acknowledged_by), ". ") if breach.acknowledged_by else (". ",)
        raise DomainError("You are the only service manager, so there is nobody to escalate to. The alert is "
                          "acknowledged already", *by, "For someone else to take it, ", *grant)
    stop_escalation(session, breach)
    escalate(session, breach, actor.at(), by=actor.user_id)
    audit.record(session, actor, "breach.escalate", "breach", breach.id, key=breach.key, **audit.change(NOT_YET, breach))
    return breach


def open_breaches(session: Session, team_id: str) -> list[Breach]:
    return list(session.exec(select(Breach).where(Breach.team_id == team_id, Breach.state.in_(OPEN))
                             .order_by(Breach.opened_at, Breach.id)))


ladders.alerts_are(_move, alert_context)  # the ladder's steps move the alert and speak of it as it does
