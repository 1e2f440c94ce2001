"""The map a page at a time: only the services (or links) shown are read, with their counts.

`/slm map` at ten thousand services read every service, link and party to show forty; here a page of services
is one LIMIT/OFFSET query, their links a few each (a window over the page's services only), and how many each
has beyond those a grouped COUNT(*). A service's or a party's own links page the same way.
"""
from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from bot import paging
from bot.paging import Page
from bot.service_map.records import LinkView, ServiceView, views_of
from models import Party, PartyKind, Service, ServiceLink

LINKS_EACH = 5  # a service's links of each kind listed on the map's page; the rest are counted ("and 3 more")


def service_page(session: Session, team_id: str, offset: int, size: int, links_each: int = LINKS_EACH) -> Page:
    """A page of the map: services by name, each with its first `links_each` links of each kind and how many more."""
    page = paging.read(session, select(Service).where(Service.team_id == team_id).order_by(Service.name_key),
                       offset, size)
    ids = [s.id for s in page.rows]
    if not ids:
        return page
    ranked = (select(ServiceLink.id.label("link_id"),
                     func.row_number().over(partition_by=(ServiceLink.service_id, Party.kind),
                                            order_by=(Party.name_key, ServiceLink.component)).label("rank"))
              .join(Party, Party.id == ServiceLink.party_id)
              .where(ServiceLink.service_id.in_(ids))).subquery()
    rows = session.exec(select(ServiceLink, Service, Party)
                        .join(Service, Service.id == ServiceLink.service_id)
                        .join(Party, Party.id == ServiceLink.party_id)
                        .join(ranked, ranked.c.link_id == ServiceLink.id)
                        .where(ranked.c.rank <= links_each)
                        .order_by(Party.name_key, ServiceLink.component)).all()
    links = [LinkView(party=p, service=s, component=l.component, activities=list(l.activities)) for l, s, p in rows]
    counts = session.exec(select(ServiceLink.service_id, Party.kind, func.count())
                          .join(Party, Party.id == ServiceLink.party_id)
                          .where(ServiceLink.service_id.in_(ids))
                          .group_by(ServiceLink.service_id, Party.kind)).all()
    hidden = {(service_id, kind): max(0, n - links_each) for service_id, kind, n in counts}
    return Page(views_of(page.rows, links, hidden), page.total, page.offset, page.size)


def _links_page(session: Session, team_id: str, offset: int, size: int, **which) -> Page:
    q = (select(ServiceLink, Service, Party)
         .join(Service, Service.id == ServiceLink.service_id)
         .join(Party, Party.id == ServiceLink.party_id)
         .where(ServiceLink.team_id == team_id, *(getattr(ServiceLink, k) == v for k, v in which.items()))
         .order_by(Party.kind, Service.name_key, Party.name_key, ServiceLink.component, ServiceLink.id))
    page = paging.read(session, q, offset, size)
    links = [LinkView(party=p, service=s, component=l.component, activities=list(l.activities)) for l, s, p in page.rows]
    return Page(links, page.total, page.offset, page.size)


def service_links_page(session: Session, team_id: str, service: Service, offset: int, size: int) -> Page:
    """One service's links, a page at a time (LinkView rows; `view_of` groups them by kind)."""
    return _links_page(session, team_id, offset, size, service_id=service.id)


def view_of(service: Service, links: list[LinkView]) -> ServiceView:
    """One service with the links given, grouped into its consumers, supporters and suppliers."""
    return views_of([service], links, {})[0]


def party_links_page(session: Session, team_id: str, party_id: int, offset: int, size: int) -> Page:
    """The services one party consumes, supports or supplies, a page at a time (LinkView rows)."""
    return _links_page(session, team_id, offset, size, party_id=party_id)


def customers_links_page(session: Session, team_id: str, party_ids: frozenset[int], offset: int, size: int) -> Page:
    """The services the customers `party_ids` consume, their links only, a page at a time (LinkView rows): the map
    as a channel shared with those customers may see it (bot.workspace.audience). No customers: an empty page."""
    q = (select(ServiceLink, Service, Party)
         .join(Service, Service.id == ServiceLink.service_id)
         .join(Party, Party.id == ServiceLink.party_id)
         .where(ServiceLink.team_id == team_id, ServiceLink.party_id.in_(sorted(party_ids) or [-1]),
                Party.kind == PartyKind.CUSTOMER.value)
         .order_by(Service.name_key, Party.name_key, ServiceLink.id))
    page = paging.read(session, q, offset, size)
    links = [LinkView(party=p, service=s, component=l.component, activities=list(l.activities)) for l, s, p in page.rows]
    return Page(links, page.total, page.offset, page.size)


def some_names(session: Session, team_id: str, limit: int = 30) -> tuple[list[str], int]:
    """The first `limit` names on the map (services, then parties) and how many there are in all."""
    services = list(session.exec(select(Service.name).where(Service.team_id == team_id)
                                 .order_by(Service.name_key).limit(limit)))
    parties = list(session.exec(select(Party.name).where(Party.team_id == team_id)
                                .order_by(Party.name_key).limit(limit - len(services)))) if len(services) < limit else []
    total = (paging.count(session, select(Service.id).where(Service.team_id == team_id))
             + paging.count(session, select(Party.id).where(Party.team_id == team_id)))
    return [*services, *parties], total
