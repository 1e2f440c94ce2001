"""The audit trail (competency 6.6): every change, who made it and when."""
from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from bot.workspace.actor import Actor
from models import AuditEvent


def record(session: Session, actor: Actor, action: str, entity: str, entity_id: int | None, **detail: Any) -> AuditEvent:
    event = AuditEvent(team_id=actor.team_id, at=actor.at(), actor=actor.user_id, action=action,
                       entity=entity, entity_id=entity_id, detail=detail)
    session.add(event)
    return event


def trail(session: Session, team_id: str, entity: str | None = None, entity_id: int | None = None) -> list[AuditEvent]:
    q = select(AuditEvent).where(AuditEvent.team_id == team_id)
    if entity:
        q = q.where(AuditEvent.entity == entity)
    if entity_id is not None:
        q = q.where(AuditEvent.entity_id == entity_id)
    return list(session.exec(q.order_by(AuditEvent.at, AuditEvent.id)))
