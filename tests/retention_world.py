"""Rows of one workspace's past, written straight into the tables (what ingestion and the bot's flows would have left
there years ago), for the retention and forget-user tests."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from models import (
    Action,
    Agreement,
    Breach,
    MetricSample,
    Outage,
    Outbox,
    Party,
    Review,
    Service,
    Target,
    Ticket,
    TicketEvent,
)

YEAR = timedelta(days=365)


class World:
    """One service, one SLA with one target, and helpers to add rows of each kind at a given time."""

    def __init__(self, session, team: str, now: datetime):
        self.s, self.team, self.now = session, team, now
        stamp = {"team_id": team, "created_at": now - 10 * YEAR, "created_by": "U0ALICE"}
        self.service = self._add(Service(name="Payroll", name_key="payroll", **stamp))
        self.party = self._add(Party(kind="customer", name="Finance", name_key="finance", **stamp))
        self.sla = self._add(Agreement(kind="sla", name="Payroll SLA", name_key="payroll sla", counterparty_id=self.party.id,
                                       start_date=date(2016, 1, 1), end_date=date(2030, 12, 31), status="active",
                                       agreed_version=1, latest_version=1, **stamp))
        self.target = self._add(Target(agreement_id=self.sla.id, key="T1", kind="resolution", level="P1",
                                       duration="4 business hours", goal="95%", **stamp))
        self._n = 0

    def _add(self, row):
        self.s.add(row)
        self.s.flush()
        return row

    def _id(self, kind: str) -> str:
        self._n += 1
        return f"{kind}-{self._n}"

    def outage(self, ended_ago: timedelta | None, started_ago: timedelta | None = None) -> int:
        started = self.now - (started_ago or (ended_ago or YEAR) + timedelta(hours=1))
        ended = self.now - ended_ago if ended_ago is not None else None
        return self._add(Outage(team_id=self.team, external_id=self._id("outage"), service_id=self.service.id,
                                started_at=started, ended_at=ended, received_at=started, updated_at=started)).id

    def ticket(self, resolved_ago: timedelta | None, events: int = 2) -> int:
        opened = self.now - (resolved_ago or YEAR) - timedelta(days=1)
        resolved = self.now - resolved_ago if resolved_ago is not None else None
        t = self._add(Ticket(team_id=self.team, external_id=self._id("INC"), service_id=self.service.id, priority="P1",
                             requester="U0BOB", opened_at=opened, resolved_at=resolved, updated_at=resolved or opened))
        for i in range(events):
            self._add(TicketEvent(team_id=self.team, external_id=self._id("ev"), ticket_id=t.id,
                                  kind="opened" if i == 0 else "resolved", at=opened + timedelta(hours=i),
                                  received_at=opened))
        return t.id

    def sample(self, ago: timedelta) -> int:
        return self._add(MetricSample(team_id=self.team, external_id=self._id("m"), service_id=self.service.id,
                                      metric_name="p95", metric_key="p95", value=1.0, at=self.now - ago,
                                      received_at=self.now - ago)).id

    def breach(self, resolved_ago: timedelta | None, ticket_id: int | None = None) -> int:
        at = self.now - (resolved_ago or YEAR) - timedelta(days=1)
        resolved = self.now - resolved_ago if resolved_ago is not None else None
        return self._add(Breach(team_id=self.team, key=self._id("breach"), target_id=self.target.id,
                                agreement_id=self.sla.id, subject="ticket", ticket_id=ticket_id, level="breached",
                                state="resolved" if resolved else "breached", channel="C0OPS", opened_at=at,
                                resolved_at=resolved, updated_at=resolved or at,
                                recipients=["C0OPS", "U0BOB"],
                                timeline=[{"at": at.isoformat(), "what": "acknowledged", "by": "U0BOB", "note": ""}],
                                acknowledged_by="U0BOB")).id

    def action(self, status: str, moved_ago: timedelta, verified: bool = False, owner: str = "U0BOB") -> int:
        at, title = self.now - moved_ago, self._id("action")
        return self._add(Action(team_id=self.team, number=self._n, kind="remedial", title=title, owner_user_id=owner, due=at.date(), status=status,
                                done_at=at if status == "done" else None, verified_at=at if verified else None,
                                verification="88% -> 97%" if verified else None, updated_at=at,
                                created_at=at - YEAR, created_by="U0ALICE", closed_by=owner if status != "open" else None)).id

    def review(self, status: str, ago: timedelta, attended: list[str] | None = None) -> int:
        at = self.now - ago
        start = (at - timedelta(days=30)).date()
        return self._add(Review(team_id=self.team, agreement_id=self.sla.id, scheduled_for=at, format="meeting",
                                channel_id="C0REV", period_start=start, period_end=at.date(), status=status,
                                closed_at=at if status == "closed" else None, attended=attended or [],
                                created_at=at - YEAR)).id

    def message(self, sent_ago: timedelta | None, channel: str = "C0OPS", parent_key: str | None = None,
                key: str | None = None) -> int:
        at = self.now - (sent_ago or timedelta(0))
        return self._add(Outbox(team_id=self.team, key=key or self._id("msg"), channel=channel, template="x",
                                context={}, status="sent" if sent_ago is not None else "pending", created_at=at,
                                sent_at=at if sent_ago is not None else None, parent_key=parent_key)).id
