"""The map at a glance, for the App Home: the first services with their links, and how many there are in all.

The Home shows twenty services and says how many more; it reads those twenty and two counts, not the whole map
(at 10k services, every service with its links took seconds and was thrown away but for the first twenty).
"""
from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from bot.service_map.records import LinkView, ServiceView
from models import Party, PartyKind, Service, ServiceLink


def first_services(session: Session, team_id: str, limit: int) -> tuple[list[ServiceView], int]:
    """The first `limit` services by name, each with its consumers, supporters and suppliers; and the count of all."""
    total = session.exec(select(func.count()).select_from(Service).where(Service.team_id == team_id)).one()
    services = list(session.exec(select(Service).where(Service.team_id == team_id)
                                 .order_by(Service.name_key).limit(limit)))
    by_service: dict[int, list[LinkView]] = {s.id: [] for s in services}
    if services:
        rows = session.exec(select(ServiceLink, Party).join(Party, Party.id == ServiceLink.party_id)
                            .where(ServiceLink.team_id == team_id, ServiceLink.service_id.in_(list(by_service)))
                            .order_by(Party.name_key, ServiceLink.component)).all()
        named = {s.id: s for s in services}
        for link, party in rows:
            by_service[link.service_id].append(LinkView(party=party, service=named[link.service_id],
                                                        component=link.component, activities=list(link.activities)))
    views = [ServiceView(service=s,
                         consumers=[lv for lv in by_service[s.id] if lv.party.party_kind is PartyKind.CUSTOMER],
                         supporters=[lv for lv in by_service[s.id] if lv.party.party_kind is PartyKind.SUPPORT_GROUP],
                         suppliers=[lv for lv in by_service[s.id] if lv.party.party_kind is PartyKind.SUPPLIER])
             for s in services]
    return views, total


def party_count(session: Session, team_id: str) -> int:
    return session.exec(select(func.count()).select_from(Party).where(Party.team_id == team_id)).one()
