"""The spans the measurements leave out (issue 17): planned maintenance windows of a service (not cancelled) and
the exclusions both sides of an SLA agreed (force majeure, the customer's own outage).

* Availability: downtime inside such a span is not counted, and the span's open time is taken out of the
  period's length too (as Zabbix's excluded downtimes are: the SLA is measured over the time it promises
  anything). A 30-day month with a 2 h window is measured over 718 h: the window promises no availability, so
  counting it as up time would flatter the figure, and as down time would break the agreement's own terms.
* Ticket clocks: time inside such a span is not counted, and the timeline says why ("not counted: planned
  maintenance Sat 5 Dec 22:00–02:00").

Reads the tables; the arithmetic is in compliance and clocks (`excluded=`).
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from models import Exclusion, ExclusionKind, MaintenanceStatus, MaintenanceWindow


AHEAD = timedelta(days=31)  # how far ahead a running clock's due time looks for windows to skip


@dataclass(frozen=True)
class Excluded:
    start: datetime
    end: datetime
    why: str                   # "planned maintenance Sat 5 Dec 22:00–02:00", "agreed exclusion: force majeure ..."
    service_id: int | None     # None: every service of the agreement
    agreement_id: int | None   # None: a maintenance window (every agreement of the service)

    def applies(self, agreement_id: int, service_ids: Collection[int]) -> bool:
        return ((self.agreement_id is None or self.agreement_id == agreement_id)
                and (self.service_id is None or self.service_id in service_ids))


def _when(start: datetime, end: datetime, tz: str) -> str:
    zone = ZoneInfo(tz)
    a, b = start.astimezone(zone), end.astimezone(zone)
    tail = f"{b:%H:%M}" if (b - a).days < 1 else f"{b.day} {b:%b %H:%M}"
    return f"{a.day} {a:%b %H:%M}–{tail}"


def excluded(session: Session, team_id: str, start: datetime, end: datetime, tz: str = "UTC") -> list[Excluded]:
    """Every maintenance window and agreed exclusion of the workspace overlapping [start, end), oldest first."""
    out = [Excluded(w.starts_at, w.ends_at, f"planned maintenance {_when(w.starts_at, w.ends_at, w.tz)}",
                    w.service_id, None)
           for w in session.exec(select(MaintenanceWindow).where(
               MaintenanceWindow.team_id == team_id, MaintenanceWindow.status == MaintenanceStatus.PLANNED.value,
               MaintenanceWindow.starts_at < end, MaintenanceWindow.ends_at > start)
               .order_by(MaintenanceWindow.starts_at, MaintenanceWindow.id))]
    out += [Excluded(x.starts_at, x.ends_at,
                     f"agreed exclusion ({ExclusionKind(x.kind).label}) {_when(x.starts_at, x.ends_at, tz)}",
                     x.service_id, x.agreement_id)
            for x in session.exec(select(Exclusion).where(Exclusion.team_id == team_id, Exclusion.starts_at < end,
                                                          Exclusion.ends_at > start)
                            .order_by(Exclusion.starts_at, Exclusion.id))]
    return sorted(out, key=lambda x: x.start)


def applying(found: list[Excluded], agreement_id: int, service_ids: Collection[int]) -> list[tuple[datetime, datetime, str]]:
    """The spans of `found` that apply to this agreement's services, as the clocks and compliance take them."""
    return [(x.start, x.end, x.why) for x in found if x.applies(agreement_id, service_ids)]
