"""`slm-bot forget-user <slack id> [--team T] [--dry-run]`: remove or anonymise one person's personal data.

Per table, one of two things, and why:
- removed: rows that exist only because of the person and prove nothing once they are gone: their profile (name,
  time zone), the roles granted them, their contacts for parties, their answers to review invitations, and the
  messages queued to them (DMs and their App Home), sent or not (what was said to them is theirs), and the comments
  they left with a satisfaction rating (their words).
- anonymised to FORMER_PERSON ("a former contact" wherever a message names them): rows that are evidence of what an
  organisation agreed or did, where *that someone did it* must stay true after the name goes: a sign-off ("someone
  for the customer agreed version 3"), who asked for a requirement, who closed an action or a review, who recorded,
  created or changed anything (`created_by` and the like), who acknowledged a breach. A requirement also loses the
  person's quoted message (their words, not the requirement's); an open action loses its owner (it needs a new one,
  and its party still owns it); a review keeps that a former contact attended; a breach alert no longer updates a
  copy in their DMs; a reminder to them is cancelled; a satisfaction rating still counts, as a former contact's. A complaint keeps that a former contact made it, without
  their words; a party they owned the relationship with, and an open complaint they owned, lose their owner. So do a
  contract they owned and an open supplier dispute they owned (a closed one keeps that a former contact owned it);
  who agreed an exclusion, closed a dispute, cancelled a maintenance window, removed a workload limit or set a
  ladder or the priority callback becomes a former contact.
- not edited: the audit trail (evidence, and hash-chained: an edit would break its proof). Its records keep the
  bare Slack id, which after this no longer leads to a name anywhere in the bot. Agreement documents and review
  minutes are not rewritten either: they are the signed or posted text, kept whole (their hashes are evidence).

Everything happens in one transaction (one person's rows are few): the whole forgetting, or none of it; a dry run
is the same transaction rolled back. One audit record per workspace touched says that it ran, with the counts.
"""
from __future__ import annotations

import argparse
import re
import sys
from datetime import datetime, timezone

from sqlalchemy import String, cast, delete, or_, select, update
from sqlmodel import SQLModel

from bot import audit
from bot.workspace.actor import Actor
from bot.service_map.records import SLACK_USER
from models import (
    Action,
    ActionStatus,
    AuditEvent,
    Breach,
    Complaint,
    ComplaintStatus,
    Contact,
    ContactRole,
    ContractCare,
    DisputeStatus,
    Exclusion,
    LadderCallback,
    MaintenanceWindow,
    Member,
    Outbox,
    OutboxStatus,
    Party,
    Reminder,
    ReminderStatus,
    Requirement,
    Review,
    ReviewArrangement,
    ReviewRsvp,
    RoleGrant,
    SatisfactionAsk,
    Signoff,
    SlaReview,
    SupplierDispute,
    TargetLadder,
    Ticket,
    WorkloadLimit,
)
from models.workspace import FORMER_PERSON

BOT = "slm-bot"

_REMOVED = (Member, RoleGrant, Contact, ReviewRsvp)  # each by its user_id
# Who made or changed a row, on every table that says so (models.base.Stamped and its like): anonymised.
_STAMPS = ("created_by", "updated_by", "revoked_by")
# Who did something a record must still show was done by someone: anonymised.
_ACTORS = ((Signoff, "user_id"), (Requirement, "confirmed_by"), (Action, "plan_accepted_by"),
           (Action, "closed_by"), (ReviewArrangement, "proposed_by"), (ReviewArrangement, "agreed_by"),
           (Review, "closed_by"), (SlaReview, "recorded_by"), (Breach, "acknowledged_by"), (Breach, "escalated_by"),
           (Complaint, "answered_by"), (Complaint, "closed_by"),
           # issue 17: who agreed an exclusion (the customer's contact), closed a dispute, cancelled a maintenance
           # window, removed a workload limit, set a target's ladder or the priority callback
           (Exclusion, "agreed_by"), (SupplierDispute, "closed_by"), (MaintenanceWindow, "cancelled_by"),
           (WorkloadLimit, "removed_by"), (TargetLadder, "set_by"), (LadderCallback, "set_by"))


class Forgetting:
    def __init__(self, session, user_id: str, team_id: str | None):
        self.s, self.user, self.team = session, user_id, team_id
        self.touched: dict[str, dict[str, int]] = {}   # table -> {"removed"|"anonymised": count}
        self.teams: set[str] = set()
        self.no_approver: list[Party] = []  # parties whose last approver this person was

    def _count(self, table: str, how: str, rows: int) -> None:
        if rows:
            self.touched.setdefault(table, {}).setdefault(how, 0)
            self.touched[table][how] += rows

    def _scoped(self, model, *where):
        return [*where, *([model.team_id == self.team] if self.team else [])]

    def _note_teams(self, model, *where) -> None:
        self.teams.update(self.s.execute(select(model.team_id).where(*self._scoped(model, *where))).scalars())

    def _delete(self, model, *where) -> None:
        self._note_teams(model, *where)
        self._count(model.__tablename__, "removed",
                    self.s.execute(delete(model).where(*self._scoped(model, *where)),
                                   execution_options={"synchronize_session": False}).rowcount)

    def _set(self, model, column: str, value, *where, also: dict | None = None) -> None:
        """Where `column` names the person: set it to `value` (and the columns of `also`); counted per column."""
        where = (getattr(model, column) == self.user, *where)
        self._note_teams(model, *where)
        self._count(f"{model.__tablename__}.{column}", "anonymised",
                    self.s.execute(update(model).where(*self._scoped(model, *where)).values({column: value, **(also or {})}),
                                   execution_options={"synchronize_session": False}).rowcount)

    def _json_rows(self, model, *columns: str):
        """The rows whose JSON columns mention the id at all (then changed in Python, the same on both databases)."""
        mentions = or_(*(cast(getattr(model, c), String).contains(self.user) for c in columns))
        return self.s.execute(select(model).where(*self._scoped(model, mentions))).scalars()

    def run(self) -> dict[str, dict[str, int]]:
        approves = {c.party_id for c in self.s.execute(select(Contact).where(*self._scoped(
            Contact, Contact.user_id == self.user, Contact.role == ContactRole.APPROVER.value))).scalars()}
        for model in _REMOVED:
            self._delete(model, model.user_id == self.user)
        still = set(self.s.execute(select(Contact.party_id).where(
            Contact.party_id.in_(approves), Contact.role == ContactRole.APPROVER.value)).scalars())
        self.no_approver = list(self.s.execute(select(Party).where(Party.id.in_(approves - still))
                                               .order_by(Party.team_id, Party.name)).scalars())
        # Queued to them: never sent now; sent: what was said to them is theirs. One being sent this moment stays.
        self._delete(Outbox, Outbox.channel == self.user, Outbox.status != OutboxStatus.SENDING.value)
        self._set(Reminder, "recipient", FORMER_PERSON, Reminder.status == ReminderStatus.PENDING.value,
                  also={"status": ReminderStatus.CANCELLED.value})  # nothing more is sent to them
        self._set(Reminder, "recipient", FORMER_PERSON)
        for row in self.s.execute(select(Reminder).where(*self._scoped(Reminder, Reminder.key.contains(self.user)))).scalars():
            parts = row.key.split(":")  # "review:12:attendee:U0BOB:5wd": the id is one part, exactly
            if self.user in parts:  # still unique with the row's own id in its place
                row.key = ":".join(f"{FORMER_PERSON}{row.id}" if p == self.user else p for p in parts)
                self._changed(row, "key")
        self._set(Requirement, "said_by", FORMER_PERSON, also={"source_quote": ""})  # their quoted message goes too
        for model, column in _ACTORS:
            self._set(model, column, FORMER_PERSON)
        open_ = (ActionStatus.OPEN.value, ActionStatus.IN_PROGRESS.value)
        self._set(Action, "owner_user_id", None, Action.status.in_(open_))
        self._set(Action, "owner_user_id", FORMER_PERSON, Action.status.not_in(open_))
        # Issue 17: a contract they owned loses its owner (its supplier's relationship owner, or a new one, is
        # reminded); an open dispute they owned too, a closed one keeps that a former contact owned it.
        self._set(ContractCare, "owner_user_id", None)
        self._set(SupplierDispute, "owner_user_id", None, SupplierDispute.status == DisputeStatus.OPEN.value)
        self._set(SupplierDispute, "owner_user_id", FORMER_PERSON)
        self._set(Ticket, "requester", None)  # the requester as the sender sent it: nothing measured needs it
        # Issue 17: their ratings still count in an SLA's figures, as a former contact's; their comments go.
        said = (SatisfactionAsk.user_id == self.user, SatisfactionAsk.comment.is_not(None))
        self._note_teams(SatisfactionAsk, *said)
        self._count("satisfaction_ask.comment", "removed",
                    self.s.execute(update(SatisfactionAsk).where(*self._scoped(SatisfactionAsk, *said)).values(comment=None),
                                   execution_options={"synchronize_session": False}).rowcount)
        self._set(SatisfactionAsk, "user_id", FORMER_PERSON)
        for row in self.s.execute(select(SatisfactionAsk).where(*self._scoped(
                SatisfactionAsk, SatisfactionAsk.key.contains(self.user)))).scalars():
            parts = row.key.split(":")  # "review:12:U0BOB": the id is one part, exactly
            if self.user in parts:
                row.key = ":".join(f"{FORMER_PERSON}{row.id}" if p == self.user else p for p in parts)
                self._changed(row, "key")
        # Issue 17: a complaint keeps that a former contact complained, not their words; an open one loses its owner
        # (the service managers answer it, or a new owner is named), a closed one keeps that a former contact owned
        # it; a party they owned the relationship with needs a new owner.
        self._set(Complaint, "complainant", FORMER_PERSON, also={"text": ""})
        self._set(Complaint, "owner_user_id", None, Complaint.status != ComplaintStatus.CLOSED.value)
        self._set(Complaint, "owner_user_id", FORMER_PERSON)
        self._set(Party, "owner_user_id", None)
        for table in SQLModel.metadata.sorted_tables:
            if table.name == AuditEvent.__tablename__:
                continue
            for column in _STAMPS:
                if column in table.c:
                    self._stamp(table, column)
        self._lists()
        return self.touched

    def _stamp(self, table, column: str) -> None:
        col = table.c[column]
        where = [col == self.user, *([table.c.team_id == self.team] if self.team else [])]
        self.teams.update(self.s.execute(select(table.c.team_id).where(*where)).scalars())
        self._count(f"{table.name}.{column}", "anonymised",
                    self.s.execute(update(table).where(*where).values({column: FORMER_PERSON})).rowcount)

    def _lists(self) -> None:
        """The JSON lists that name people: arrangements' invitees, reviews' attendance, breach alerts' copies."""
        for row in self._json_rows(ReviewArrangement, "attendee_user_ids"):
            if self.user in row.attendee_user_ids:  # no longer invited: the arrangement stands without them
                row.attendee_user_ids = [u for u in row.attendee_user_ids if u != self.user]
                self._changed(row, "attendee_user_ids")
        for row in self._json_rows(Review, "attended"):
            if self.user in row.attended:  # the minutes' attendance: a former contact was there
                row.attended = [FORMER_PERSON if u == self.user else u for u in row.attended]
                self._changed(row, "attended")
        for row in self._json_rows(Breach, "recipients", "timeline"):
            recipients = [c for c in row.recipients if c != self.user]  # no more updates to a copy in their DMs
            timeline = [{**t, "by": FORMER_PERSON} if t.get("by") == self.user else t for t in row.timeline]
            if (recipients, timeline) != (row.recipients, row.timeline):
                row.recipients, row.timeline = recipients, timeline
                self._changed(row, "recipients, timeline")

    def _changed(self, row, column: str) -> None:
        self.s.add(row)
        self.teams.add(row.team_id)
        self._count(f"{row.__tablename__}.{column}", "anonymised", 1)


def forget(session, user_id: str, team_id: str | None, now: datetime) -> dict[str, dict[str, int]]:
    """Forget the person (in one workspace, or in all), recording that it ran; what was touched, per table."""
    return _forget(session, user_id, team_id, now).touched


def _forget(session, user_id: str, team_id: str | None, now: datetime) -> Forgetting:
    forgetting = Forgetting(session, user_id, team_id)
    touched = forgetting.run()
    session.flush()
    for team in sorted(forgetting.teams | ({team_id} if team_id else set())):
        audit.record(session, Actor(team_id=team, user_id=BOT, now=now), "member.forget", "member", None,
                     user=user_id, touched=touched or "nothing")
    return forgetting


def add_parser(sub) -> None:
    p = sub.add_parser("forget-user", help="remove or anonymise one person's personal data, and say what it touched")
    p.add_argument("user", help="the person's Slack user id, U…")
    p.add_argument("--team", help="only in this Slack workspace (T…); every workspace without it")
    p.add_argument("--dry-run", action="store_true", help="say what it would touch, and change nothing")


def run(args: argparse.Namespace, db, now: datetime | None = None) -> int:
    if not SLACK_USER.fullmatch(args.user):
        print(f"slm-bot: {args.user} is not a Slack user id (like U0123ABCD)", file=sys.stderr)
        return 2
    if args.team and not re.fullmatch(r"[TE][A-Z0-9]{2,31}", args.team):
        print(f"slm-bot: --team {args.team} is not a Slack team id (like T0123ABCD)", file=sys.stderr)
        return 2
    now = now or datetime.now(timezone.utc)
    with db.session() as session:
        forgetting = _forget(session, args.user, args.team, now)
        touched = forgetting.touched
        # Read before the rollback: a dry run's rows are gone with it.
        orphaned = [(p.team_id, p.kind, p.name) for p in forgetting.no_approver]
        if args.dry_run:
            session.rollback()
    where = f" in {args.team}" if args.team else ""
    verb = "would touch" if args.dry_run else "touched"
    if not touched:
        print(f"slm-bot: forget-user {args.user}{where}: nothing to {verb.split()[-1]}; nothing held of them")
        return 0
    print(f"slm-bot: forget-user {args.user}{where}{' (dry run: nothing changed)' if args.dry_run else ''} {verb}:")
    for table, hows in sorted(touched.items()):
        print(f"  {table}: " + ", ".join(f"{n} {how}" for how, n in sorted(hows.items())))
    for team, kind, name in orphaned:
        print(f"  warning: {kind} {name} (in {team}) {'would be' if args.dry_run else 'is'} left with no approver: "
              "none of its agreements can be agreed until someone is made its approver again")
    trail = len({team for team, *_ in orphaned} | forgetting.teams | ({args.team} if args.team else set()))
    print(f"  audit_event: {trail} appended (a member.forget record in the audit trail of each workspace touched; "
          "the trail itself is never edited)")
    return 0
