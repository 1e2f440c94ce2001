"""Which service an alert is about, from its labels.

The workspace chooses the label (`service` unless the setting `alert_label` says otherwise). Its value names
the service: a mapping the workspace made (`payroll-api` -> Payroll) wins; otherwise the service whose name it
is (case and spacing aside, as names are compared everywhere else).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot import audit, paging, text
from bot.errors import InvalidInput
from bot.paging import Page
from bot.workspace import settings as workspace_settings
from bot.workspace.actor import Actor
from bot.workspace.permissions import Capability, require
from models import AlertServiceMap, Service
from models.base import name_key

MAX_VALUE = 200


@dataclass(frozen=True)
class Mapping:
    label_value: str
    service_name: str


def label_name(session: Session, team_id: str) -> str:
    return workspace_settings.get(session, team_id, "alert_label")


def service_for(session: Session, team_id: str, label: str, labels: dict[str, str]) -> tuple[int | None, str]:
    """The service id the labels name, or None and why not (said back to the sender, in plain words)."""
    value = labels.get(label, "").strip()
    if not value:
        return None, f"the alert has no “{label}” label to name its service"
    mapped = session.exec(select(AlertServiceMap.service_id).where(AlertServiceMap.team_id == team_id,
                                                                   AlertServiceMap.label_value == value)).first()
    if mapped is not None:
        return mapped, ""
    named = session.exec(select(Service.id).where(Service.team_id == team_id,
                                                  Service.name_key == name_key(value))).first()
    if named is not None:
        return named, ""
    return None, f"{label}=“{value[:MAX_VALUE]}” is neither a service's name nor mapped to a service"


def mappings(session: Session, team_id: str, offset: int = 0, size: int = 45) -> Page:
    """A page of the label values mapped to services, by value, and how many there are."""
    page = paging.read(session, select(AlertServiceMap.label_value, Service.name)
                       .join(Service, Service.id == AlertServiceMap.service_id)
                       .where(AlertServiceMap.team_id == team_id)
                       .order_by(AlertServiceMap.label_value), offset, size)
    return Page([Mapping(value, name) for value, name in page.rows], page.total, page.offset, page.size)


def _clean_value(value: str) -> str:
    cleaned = text.line(value)
    if not cleaned:
        raise InvalidInput({"label_value": "Say which label value, and the service it names."})
    if len(cleaned) > MAX_VALUE:
        raise InvalidInput({"label_value": f"A label value is at most {MAX_VALUE} characters."})
    return cleaned


def map_value(session: Session, actor: Actor, value: str, service_name: str) -> tuple[Mapping, str | None]:
    """Alerts whose label has `value` are about the named service. Returns the mapping and the service it
    named before (None when new)."""
    require(actor, Capability.MAP_ALERTS)
    value = _clean_value(value)
    name = text.line(service_name)
    if not name:
        raise InvalidInput({"service": "Say which service the label value names."})
    service = session.exec(select(Service).where(Service.team_id == actor.team_id,
                                                 Service.name_key == name_key(name))).first()
    if service is None:
        raise InvalidInput({"service": f"There is no service called “{name}” on the service map."})
    row = session.exec(select(AlertServiceMap).where(AlertServiceMap.team_id == actor.team_id,
                                                     AlertServiceMap.label_value == value)).first()
    before = session.get(Service, row.service_id).name if row else None
    row = row or AlertServiceMap(team_id=actor.team_id, label_value=value, service_id=service.id,
                                 updated_by=actor.user_id, updated_at=actor.at())
    row.service_id, row.updated_by, row.updated_at = service.id, actor.user_id, actor.at()
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # mapped at the same moment elsewhere
        raise InvalidInput({"label_value": "Mapped at the same moment by someone else; try again."}) from None
    audit.record(session, actor, "alert_label.map", "service", service.id, label_value=value,
                 before=None if before is None else {"service": before}, after={"service": service.name})
    return Mapping(value, service.name), before


def unmap_value(session: Session, actor: Actor, value: str) -> Mapping:
    require(actor, Capability.MAP_ALERTS)
    value = _clean_value(value)
    row = session.exec(select(AlertServiceMap).where(AlertServiceMap.team_id == actor.team_id,
                                                     AlertServiceMap.label_value == value)).first()
    if row is None:
        raise InvalidInput({"label_value": f"“{value}” is not mapped to a service."})
    service = session.get(Service, row.service_id)
    session.delete(row)
    audit.record(session, actor, "alert_label.unmap", "service", service.id, label_value=value,
                 before={"service": service.name})
    return Mapping(value, service.name)
