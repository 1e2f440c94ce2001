"""Prometheus Alertmanager's webhook (payload version 4) turned into outages.

A `firing` alert opens an outage of the service its labels name; `resolved` closes it. Alertmanager sends the
same alert again and again: on every `repeat_interval`, after a failed delivery, and from each instance of a
pair run for high availability. The outage's sender id is the alert's fingerprint (its label set) and its
`startsAt`, which Alertmanager keeps for as long as the alert fires, so every repeat finds the outage already
open and changes nothing. An alert that fires again after it was resolved has a new `startsAt`: a new outage.

The payload is described by pydantic models, which the HTTP API reads and publishes in its OpenAPI document.
Unknown fields are ignored (Alertmanager adds some from version to version); the ones read here are required.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot import text
from bot.measurements import alert_labels
from bot.measurements.items import no_nul
from models import MeasurementSource, Outage, OutageImpact

ID_PREFIX = "alertmanager:"
IMPACT_LABEL = "impact"  # `impact="degraded"` on an alert records a degraded service; otherwise it is down (full)


class AlertmanagerAlert(BaseModel):
    model_config = ConfigDict(extra="ignore")

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value):
        return no_nul(value)

    status: Literal["firing", "resolved"]
    labels: dict[str, str]
    annotations: dict[str, str] = Field(default_factory=dict)
    startsAt: datetime
    endsAt: datetime | None = Field(default=None, description="When a resolved alert ended; ignored while firing")
    generatorURL: str = ""
    fingerprint: str = Field(min_length=1, max_length=64)

    @model_validator(mode="after")
    def _zoned_and_ended(self) -> "AlertmanagerAlert":
        for name in ("startsAt", "endsAt"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise ValueError(f"{name} needs a time zone (Alertmanager sends UTC, ending in Z)")
        if self.status == "resolved" and (self.endsAt is None or self.endsAt < self.startsAt):
            raise ValueError("a resolved alert needs endsAt, no earlier than startsAt")
        return self


class AlertmanagerWebhook(BaseModel):
    """What Alertmanager's `webhook_configs` receiver posts (version 4)."""

    model_config = ConfigDict(extra="ignore")

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value):
        return no_nul(value)

    version: Literal["4"]
    status: Literal["firing", "resolved"]
    receiver: str = ""
    groupKey: str = ""
    truncatedAlerts: int = 0
    groupLabels: dict[str, str] = Field(default_factory=dict)
    commonLabels: dict[str, str] = Field(default_factory=dict)
    commonAnnotations: dict[str, str] = Field(default_factory=dict)
    externalURL: str = ""
    alerts: list[AlertmanagerAlert] = Field(min_length=1)


@dataclass
class Received:
    """What one webhook did: outage ids opened and closed, repeats that changed nothing, alerts naming no service."""

    opened: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)
    repeats: int = 0
    unmapped: list[dict] = field(default_factory=list)  # {"fingerprint", "reason"}: said back to the sender


def external_id(alert: AlertmanagerAlert) -> str:
    """The same alert, however its start is written (Z or +01:00), has the same id."""
    return f"{ID_PREFIX}{alert.fingerprint}:{alert.startsAt.astimezone(timezone.utc).isoformat()}"


def receive(session: Session, team_id: str, webhook: AlertmanagerWebhook, now: datetime) -> Received:
    """Open and close the outages the webhook's alerts say; all in the caller's unit of work."""
    done = Received()
    label = alert_labels.label_name(session, team_id)
    for alert in webhook.alerts:
        known = (_by_external_id(session, team_id, external_id(alert))
                 or _open_for_fingerprint(session, team_id, alert.fingerprint))
        if known is not None:  # whatever its labels map to now: the outage it opened is the one to close
            _known(session, known, alert, now, done)
            continue
        service_id, reason = alert_labels.service_for(session, team_id, label, alert.labels)
        if service_id is None:
            done.unmapped.append({"fingerprint": alert.fingerprint, "reason": reason})
            continue
        outage = _new_outage(team_id, service_id, alert, now)
        if alert.status == "resolved":
            # The firing notification never reached us (the bot was down past Alertmanager's retries): the
            # window is known from the resolution, so it is recorded whole.
            outage.ended_at = alert.endsAt
        if _insert(session, outage) is None:
            done.repeats += 1
            continue
        done.opened.append(outage.id)
        if outage.ended_at is not None:
            done.closed.append(outage.id)
    return done


def _by_external_id(session: Session, team_id: str, ext: str) -> Outage | None:
    return session.exec(select(Outage).where(Outage.team_id == team_id, Outage.external_id == ext)).first()


def _open_for_fingerprint(session: Session, team_id: str, fingerprint: str) -> Outage | None:
    """An outage this alert opened that is still open, whatever its start: a repeat never opens a second."""
    return session.exec(select(Outage).where(
        Outage.team_id == team_id, Outage.source == MeasurementSource.ALERTMANAGER.value,
        Outage.external_id.startswith(f"{ID_PREFIX}{fingerprint}:", autoescape=True),
        Outage.ended_at.is_(None)).order_by(Outage.started_at)).first()


def _known(session: Session, outage: Outage, alert: AlertmanagerAlert, now: datetime, done: Received) -> None:
    """An alert the bot has an outage for: a resolution closes it once; anything else is a repeat (a firing
    repeat that arrives after the resolution does not reopen it)."""
    if alert.status == "firing" or outage.ended_at is not None:
        done.repeats += 1
        return
    outage.ended_at = max(alert.endsAt, outage.started_at)
    outage.updated_at = now
    session.add(outage)
    session.flush()
    done.closed.append(outage.id)


def _new_outage(team_id: str, service_id: int, alert: AlertmanagerAlert, now: datetime) -> Outage:
    impact = alert.labels.get(IMPACT_LABEL, "").lower()
    summary = (alert.annotations.get("summary") or alert.annotations.get("description")
               or alert.labels.get("alertname") or "")
    return Outage(team_id=team_id, external_id=external_id(alert), service_id=service_id,
                  impact=impact if impact in {i.value for i in OutageImpact} else OutageImpact.FULL.value,
                  started_at=alert.startsAt, summary=text.line(summary, 500),
                  source=MeasurementSource.ALERTMANAGER.value, received_at=now, updated_at=now)


def _insert(session: Session, outage: Outage) -> Outage | None:
    """The outage stored, or None when the same alert was stored at the same moment by another delivery
    (two Alertmanagers of a pair each send it): the unique sender id keeps one, and this one is a repeat."""
    try:
        with session.begin_nested():
            session.add(outage)
    except IntegrityError:
        return None
    return outage
