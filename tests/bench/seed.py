"""The benchmark worlds: a whole workspace at a given scale, bulk-inserted in seconds.

    python -m tests.bench.seed --database-url sqlite:///var/bench.sqlite3 --team T0BENCH --scale 10k

The 10k scale is issue 14's: 10k services, 10k parties (customers, support groups, suppliers), 100k
requirements, 5k SLAs of 4 targets each, every SLA target with an OLA leg (stage 1) and an underpinning
contract's leg (stage 2), two calendars (London with England's holidays, Bangalore with India's), and the
people: Alice a workspace admin, Bob a granted service manager, Carol every customer's approver, Dave the
operational contact of customers and the approver of every support group and supplier.

The rows are the ones the domain writes (bot.service_map, bot.requirements, bot.agreements): each agreement's
version 1 holds the snapshot `bot.agreements.versions.snapshot` would take, its document rendered by the same
template, and its SHA-256; both sides' sign-offs carry that hash; statuses follow `lifecycle.agree` (active
from its start date, agreed before it); the requirements its targets answer are accepted, as
`answers.settle` leaves them. What is left out is history: the audit trail and earlier versions (a world
seeded as if each agreement had been drafted and agreed in one go). tests/slack/test_seeded_world.py checks
the versions against a fresh snapshot and the screens against the seeded rows.

Rows go in with SQLAlchemy Core executemany, ids assigned here (after the largest already stored), so no
row is read back; PostgreSQL's id sequences are moved past them at the end.
"""
from __future__ import annotations

import argparse
import functools
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import func, insert, select, text

from bot.agreements import documents
from bot.agreements.versions import CLAUSES, MONTHS, document_context
from bot.agreements.targets import DEFAULT_COMPLIANCE_GOAL, describe
from bot.calendars import records as calendar_records
from bot.database import Database
from bot.settings import Settings
from models import (Agreement, AgreementService, AgreementVersion, Calendar, Contact, ContactRole, Member, Party, Requirement,
                    RoleGrant, Service, ServiceLink, Signoff, Target, TargetLink)
from models.base import name_key

SEEDED_AT = datetime(2025, 12, 1, 9, 0, tzinfo=timezone.utc)  # everything was recorded before the term starts
SEEDED_BY = "U0BOB"
PROVIDER_NAME = Settings.model_fields["provider_name"].default  # as the documents of a default deployment name it
SEEDED_TODAY = date(2026, 3, 2)  # the tests' START: what has started by then is active, the rest agreed
TERM = (date(2026, 1, 1), date(2027, 12, 31))  # in force at the tests' START (2026-03-02) and today
LATER_TERM = (date(2027, 1, 1), date(2028, 12, 31))  # every tenth SLA: agreed, not yet active
REVIEW_MONTH = 4
LEVELS = ("P1", "P2", "P3", "P4")
# Resolution targets per priority: the SLA's promise (what the customer asked), the OLA's and the UC's legs.
SLA_RESOLUTION = {"P1": "8 business hours", "P2": "16 business hours", "P3": "3 business days", "P4": "5 business days"}
OLA_RESOLUTION = {"P1": "4 business hours", "P2": "8 business hours", "P3": "1 business day", "P4": "2 business days"}
UC_RESOLUTION = {"P1": "2 business hours", "P2": "4 business hours", "P3": "1 business day", "P4": "1 business day"}
RESPONSE_ASK = {"P1": "30m", "P2": "1 business hour", "P3": "4 business hours", "P4": "1 business day"}
SUPPORT_HOURS = "Mon-Fri 08:00-18:00 Europe/London"
ACTIVITIES = {"customer": ["incident handling", "service requests", "reporting", "service reviews"],
              "support_group": ["incident handling", "problem management", "escalation"],
              "supplier": ["incident handling", "maintenance"]}
PEOPLE = (("U0ALICE", "Alice Admin", "Europe/London", True), ("U0BOB", "Bob Ops", "Europe/Paris", False),
          ("U0CAROL", "Carol Customer", "America/New_York", False), ("U0DAVE", "Dave Supplier", "Asia/Kolkata", False))
CHUNK = 5000  # rows per executemany: small enough for PostgreSQL's statement timeout, large enough to be quick


@dataclass(frozen=True)
class Scale:
    name: str
    services: int
    customers: int
    support_groups: int
    suppliers: int
    slas: int
    slas_per_leg: int  # how many SLAs one OLA (and one contract) underpins: each of its targets is a leg of as many

    @property
    def parties(self) -> int:
        return self.customers + self.support_groups + self.suppliers


SCALES = {
    "smoke": Scale("smoke", services=12, customers=6, support_groups=3, suppliers=3, slas=6, slas_per_leg=3),
    "1k": Scale("1k", services=1000, customers=500, support_groups=300, suppliers=200, slas=500, slas_per_leg=5),
    "10k": Scale("10k", services=10_000, customers=5000, support_groups=3000, suppliers=2000, slas=5000,
                 slas_per_leg=5),
}
REQUIREMENTS_PER_SERVICE = 10  # response and resolution for P1-P4, availability, support hours


@dataclass
class SeedSummary:
    team_id: str
    scale: str
    rows: dict[str, int]
    seconds: float
    sla_ids: list[int]
    service_names: list[str]

    def __str__(self) -> str:
        counts = ", ".join(f"{n} {table}" for table, n in self.rows.items())
        return f"seeded {self.team_id} at the {self.scale} scale in {self.seconds:.1f} s: {counts}"


def service_name(i: int) -> str:
    return f"Service {i + 1:05d}"


def party_name(kind: str, i: int) -> str:
    return f"{ {'customer': 'Customer', 'support_group': 'Support group', 'supplier': 'Supplier'}[kind]} {i + 1:05d}"


class _Ids:
    """The next free id of each table, read once."""

    def __init__(self, conn, tables):
        self.next = {t.__tablename__: (conn.execute(select(func.max(t.__table__.c.id))).scalar() or 0) + 1
                     for t in tables}

    def take(self, model, n: int) -> int:
        first = self.next[model.__tablename__]
        self.next[model.__tablename__] += n
        return first


def _stamp(team_id: str) -> dict:
    return {"team_id": team_id, "created_at": SEEDED_AT, "created_by": SEEDED_BY}


def seed(db: Database, team_id: str, scale: Scale) -> SeedSummary:
    """Add a whole world at `scale` to `team_id` (whose map should be empty: names would collide)."""
    began = time.perf_counter()
    rows: dict[str, list[dict]] = {}
    with db.engine.begin() as conn:
        ids = _Ids(conn, (Member, RoleGrant, Calendar, Service, Party, Contact, ServiceLink, Requirement, Agreement,
                          AgreementService, Target, AgreementVersion, Signoff, TargetLink))
        first_number = (conn.execute(select(func.max(Requirement.number)).where(Requirement.team_id == team_id))
                        .scalar() or 0) + 1
        known = set(conn.execute(select(Member.user_id).where(Member.team_id == team_id)).scalars())
        rows["member"] = [{"id": ids.take(Member, 1), "team_id": team_id, "user_id": u, "name": n, "tz": tz,
                           "is_admin": admin, "fetched_at": SEEDED_AT} for u, n, tz, admin in PEOPLE if u not in known]
        rows["role_grant"] = [{"id": ids.take(RoleGrant, 1), **_stamp(team_id), "user_id": "U0BOB",
                               "role": "service_manager"}]
        london = {"id": ids.take(Calendar, 1), **_stamp(team_id), "name": "London office", "name_key": "london office",
                  "hours": SUPPORT_HOURS, "holidays_country": "GB", "holidays_subdiv": "ENG", "closures": []}
        bangalore = {"id": ids.take(Calendar, 1), **_stamp(team_id), "name": "Bangalore", "name_key": "bangalore",
                     "hours": "Mon-Sat 09:00-18:00 Asia/Kolkata", "holidays_country": "IN", "holidays_subdiv": None,
                     "closures": []}
        rows["calendar"] = [london, bangalore]

        first = ids.take(Service, scale.services)
        services = [{"id": first + i, **_stamp(team_id), "name": service_name(i), "name_key": name_key(service_name(i)),
                     "description": f"Business service number {i + 1}."} for i in range(scale.services)]
        rows["service"] = services
        parties: dict[str, list[dict]] = {}
        for kind, n in (("customer", scale.customers), ("support_group", scale.support_groups),
                        ("supplier", scale.suppliers)):
            first = ids.take(Party, n)
            parties[kind] = [{"id": first + i, **_stamp(team_id), "kind": kind, "name": party_name(kind, i),
                              "name_key": name_key(party_name(kind, i)), "description": "", "channel_id": None}
                             for i in range(n)]
        rows["party"] = [p for kind in parties.values() for p in kind]
        contacts = []
        for p in rows["party"]:  # in ContactRole order, as the party form adds them
            people = (("U0DAVE", "operational"), ("U0CAROL", "approver")) if p["kind"] == "customer" \
                else (("U0DAVE", "approver"),)
            contacts += [{"team_id": team_id, "created_at": SEEDED_AT, "created_by": SEEDED_BY, "party_id": p["id"],
                          "user_id": u, "role": role} for u, role in people]
        first = ids.take(Contact, len(contacts))
        rows["contact"] = [{"id": first + i, **c} for i, c in enumerate(contacts)]

        # Service i is consumed by customer i mod customers, supported and supplied by the group and supplier
        # whose OLA and contract underpin its SLA (SLAs come in runs of `slas_per_leg` sharing their legs).
        def customer_of(i): return parties["customer"][i % scale.customers]
        def group_of(i): return parties["support_group"][(i // scale.slas_per_leg) % scale.support_groups]
        def supplier_of(i): return parties["supplier"][(i // scale.slas_per_leg) % scale.suppliers]
        links = []
        for i, svc in enumerate(services):
            for party in (customer_of(i), group_of(i), supplier_of(i)):
                links.append({**_stamp(team_id), "service_id": svc["id"], "party_id": party["id"], "component": "",
                              "activities": ACTIVITIES[party["kind"]]})
        first = ids.take(ServiceLink, len(links))
        rows["service_link"] = [{"id": first + i, **link} for i, link in enumerate(links)]

        # Requirements: what each service's customer asked, in the interview's words (bot.requirements.interview).
        reqs, resolution_req = [], {}
        for i, svc in enumerate(services):
            ask = {"service_id": svc["id"], "customer_id": customer_of(i)["id"], "said_by": "U0DAVE",
                   "said_role": "operational", "source": "form", "source_permalink": None, "source_quote": "",
                   "priority": "must", "status": "captured", "status_reason": "", "confirmed_by": None,
                   "confirmed_at": None, "service_hours": SUPPORT_HOURS}
            for lvl in LEVELS:
                for kind, metric, value in (("response", "response_time", RESPONSE_ASK[lvl]),
                                            ("resolution", "resolution_time", SLA_RESOLUTION[lvl])):
                    row = {**ask, "category": metric, "statement": f"{lvl} incidents: {kind} within {value}.",
                           "metric": metric, "level": lvl, "target": value, "period": "monthly"}
                    if kind == "resolution" and i < scale.slas:  # answered by its SLA's target, as agreed
                        row["status"] = "accepted"
                        resolution_req[(i, lvl)] = row
                    reqs.append(row)
            reqs.append({**ask, "category": "availability", "statement": "Available 99.9% of the time, monthly.",
                         "metric": "availability", "level": None, "target": "99.9%", "period": "monthly",
                         "service_hours": None})
            reqs.append({**ask, "category": "support_hours", "statement": f"Support is needed {SUPPORT_HOURS}.",
                         "metric": "support_hours", "level": None, "target": SUPPORT_HOURS, "period": None,
                         "service_hours": None})
        first = ids.take(Requirement, len(reqs))
        for i, r in enumerate(reqs):
            r.update(id=first + i, number=first_number + i, **_stamp(team_id))
        rows["requirement"] = reqs

        rows.update({"agreement": [], "agreement_service": [], "target": [], "agreement_version": [], "signoff": [],
                     "target_link": []})
        names = {u: n for u, n, _tz, _a in PEOPLE}
        names.update(dict(conn.execute(select(Member.user_id, Member.name).where(Member.team_id == team_id)).all()))
        builder = _Agreements(ids, team_id, rows, names, {london["id"]: london, bangalore["id"]: bangalore})
        n_legs = -(-scale.slas // scale.slas_per_leg)
        ola_targets, uc_targets = {}, {}
        for k in range(n_legs):
            covered = range(k * scale.slas_per_leg, min((k + 1) * scale.slas_per_leg, scale.slas))
            group, supplier = group_of(covered[0]), supplier_of(covered[0])
            ola = builder.add("ola", f"OLA {k + 1:05d}: {group['name']}", group, [services[i] for i in covered],
                              TERM, [(lvl, OLA_RESOLUTION[lvl], london, None) for lvl in LEVELS], "U0DAVE")
            uc = builder.add("uc", f"UC {k + 1:05d}: {supplier['name']}", supplier, [services[i] for i in covered],
                             TERM, [(lvl, UC_RESOLUTION[lvl], bangalore, None) for lvl in LEVELS], "U0DAVE",
                             contract_ref=f"C-{k + 1:05d}", notice_days=90, renewal_date=TERM[1])
            for i in covered:
                ola_targets[i], uc_targets[i] = ola, uc
        sla_ids = []
        for i in range(scale.slas):
            customer = customer_of(i)
            term = LATER_TERM if i % 10 == 9 else TERM
            sla = builder.add("sla", f"{customer['name']}: {services[i]['name']}", customer, [services[i]], term,
                              [(lvl, SLA_RESOLUTION[lvl], london, resolution_req[(i, lvl)]) for lvl in LEVELS],
                              "U0CAROL")
            sla_ids.append(sla[0]["agreement_id"])
            for j, sla_target in enumerate(sla):
                for stage, leg in ((1, ola_targets[i][j]), (2, uc_targets[i][j])):
                    rows["target_link"].append({**_stamp(team_id), "sla_target_id": sla_target["id"],
                                                "leg_target_id": leg["id"], "stage": stage})
        first = ids.take(TargetLink, len(rows["target_link"]))
        for i, link in enumerate(rows["target_link"]):
            link["id"] = first + i

        order = (Member, RoleGrant, Calendar, Service, Party, Contact, ServiceLink, Requirement, Agreement,
                 AgreementService, Target, AgreementVersion, Signoff, TargetLink)
        for model in order:
            table_rows = rows[model.__tablename__]
            for start in range(0, len(table_rows), CHUNK):
                conn.execute(insert(model.__table__), table_rows[start:start + CHUNK])
        if not db.is_sqlite:  # the sequences behind the ids: the next row the app adds gets a free id
            for model in order:
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{model.__tablename__}', 'id'), "
                                  f"(SELECT max(id) FROM {model.__tablename__}))"))
    return SeedSummary(team_id=team_id, scale=scale.name, rows={t: len(r) for t, r in rows.items()},
                       seconds=time.perf_counter() - began, sla_ids=sla_ids,
                       service_names=[s["name"] for s in services])


class _Agreements:
    """Agreements as drafted and agreed: the agreement, its services, targets, version 1 and both sign-offs."""

    def __init__(self, ids: _Ids, team_id: str, rows: dict, names: dict, calendars: dict):
        self.ids, self.team_id, self.rows, self.calendars = ids, team_id, rows, calendars
        self.contacts = _contacts_by_party(rows["contact"], names)

    def add(self, kind: str, name: str, party: dict, services: list[dict], term: tuple[date, date],
            targets: list[tuple], counter_signer: str, *, contract_ref=None, notice_days=None,
            renewal_date=None) -> list[dict]:
        team = self.team_id
        agreement_id = self.ids.take(Agreement, 1)
        active = term[0] <= SEEDED_TODAY
        self.rows["agreement"].append({
            "id": agreement_id, **_stamp(team), "kind": kind, "name": name, "name_key": name_key(name),
            "counterparty_id": party["id"], "start_date": term[0], "end_date": term[1], "review_month": REVIEW_MONTH,
            "status": "active" if active else "agreed", "agreed_version": 1, "latest_version": 1, "channel_id": None,
            "thread_ts": None, "permalink": None, "pending_term": None,
            "clauses": {k: v for k, (_h, v) in CLAUSES.items()}, "contract_ref": contract_ref,
            "notice_days": notice_days, "renewal_date": renewal_date})
        first = self.ids.take(AgreementService, len(services))
        self.rows["agreement_service"] += [{"id": first + i, **_stamp(team), "agreement_id": agreement_id,
                                            "service_id": s["id"]} for i, s in enumerate(services)]
        made = []
        first = self.ids.take(Target, len(targets))
        for n, (level, duration, calendar, requirement) in enumerate(targets):
            made.append({"id": first + n, **_stamp(team), "agreement_id": agreement_id, "key": f"T{n + 1}",
                         "kind": "resolution", "level": level, "duration": duration, "goal": DEFAULT_COMPLIANCE_GOAL,
                         "period": "monthly", "metric_name": None, "threshold": None, "calendar_id": calendar["id"],
                         "warning_percent": 75, "service_credit": "",
                         "requirement_id": requirement["id"] if requirement else None, "retired": False,
                         "ladder": None})
        self.rows["target"] += made
        content = self._snapshot(kind, name, party, services, term, made, targets, contract_ref, notice_days,
                                 renewal_date)
        rendered = _template().render(**document_context(content, 1, PROVIDER_NAME))
        sha = documents._hash(rendered)
        self.rows["agreement_version"].append({
            "id": self.ids.take(AgreementVersion, 1), **_stamp(team), "agreement_id": agreement_id, "number": 1,
            "reason": "First draft", "changes": [], "content": content, "document": rendered,
            "document_sha256": sha, "message_ts": None, "document_posted_at": None})
        first = self.ids.take(Signoff, 2)
        self.rows["signoff"] += [
            {"id": first, **_stamp(team), "created_by": SEEDED_BY, "agreement_id": agreement_id, "version": 1,
             "side": "provider", "user_id": SEEDED_BY, "document_sha256": sha},
            {"id": first + 1, **_stamp(team), "created_by": counter_signer, "agreement_id": agreement_id,
             "version": 1, "side": "counterparty", "user_id": counter_signer, "document_sha256": sha}]
        return made

    def _snapshot(self, kind, name, party, services, term, made, targets, contract_ref, notice_days, renewal_date):
        """What bot.agreements.versions.snapshot takes of the agreement just built (kept in step by the test)."""
        cals = {t["calendar_id"]: self.calendars[t["calendar_id"]] for t in made}
        contacts = self.contacts.get(party["id"], {})
        return {
            "kind": kind, "name": name, "counterparty": party["name"],
            "services": [s["name"] for s in sorted(services, key=lambda s: s["name_key"])],
            "start": term[0].isoformat(), "end": term[1].isoformat(), "review_month": MONTHS[REVIEW_MONTH - 1],
            "contacts": contacts,
            "calendars": [calendar_records.describe(Calendar(**c)) for c in sorted(cals.values(),
                                                                                   key=lambda c: c["name_key"])],
            "targets": [_target_dict(t, cals[t["calendar_id"]], req["number"] if req else None)
                        for t, (_l, _d, _c, req) in zip(made, targets)],
            "clauses": {key: default for key, (_h, default) in CLAUSES.items()},
            "contract_ref": contract_ref, "notice_days": notice_days,
            "renewal_date": renewal_date.isoformat() if renewal_date else None,
        }


def _contacts_by_party(contacts: list[dict], names: dict[str, str]) -> dict[int, dict[str, list[str]]]:
    """Each party's contacts as a snapshot names them: role label -> people's names, in ContactRole order."""
    grouped: dict[int, dict[ContactRole, list[str]]] = {}
    for c in contacts:
        grouped.setdefault(c["party_id"], {role: [] for role in ContactRole})[ContactRole(c["role"])].append(
            names.get(c["user_id"]) or c["user_id"])
    return {pid: {role.label.capitalize(): users for role, users in by_role.items() if users}
            for pid, by_role in grouped.items()}


def _target_dict(t: dict, calendar: dict, requirement_number: int | None) -> dict:
    """bot.agreements.targets.as_dict of the row `t`."""
    return {"key": t["key"], "kind": t["kind"], "level": t["level"], "duration": t["duration"], "goal": t["goal"],
            "period": t["period"], "metric_name": t["metric_name"], "threshold": t["threshold"],
            "calendar": calendar["name"], "calendar_hours": calendar["hours"],
            "warning_percent": t["warning_percent"], "service_credit": t["service_credit"],
            "requirement": requirement_number, "ladder": t["ladder"],
            "description": describe(t["kind"], t["level"], t["duration"], t["goal"], t["metric_name"], t["threshold"])}


@functools.cache
def _template():
    """The shipped agreement template, compiled once, in documents.render_source's environment (compiling it
    takes 66 ms, which render_source spends on every version; an organisation's own template is not used)."""
    template = documents._environment().from_string(documents.SHIPPED.read_text(encoding="utf-8"))
    template.filename = documents.SHIPPED.name
    return template


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Seed a benchmark world into a migrated slm-bot database.")
    parser.add_argument("--database-url", required=True, help="e.g. sqlite:///var/bench.sqlite3 or postgresql://...")
    parser.add_argument("--team", default="T0BENCH", help="the workspace (team id) to seed; its map should be empty")
    parser.add_argument("--scale", choices=sorted(SCALES), default="10k")
    args = parser.parse_args(argv)
    url = args.database_url
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    db = Database(url)
    db.migrate()
    try:
        print(seed(db, args.team, SCALES[args.scale]))
    finally:
        db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
