"""OpenSLO (https://openslo.com, `apiVersion: openslo/v1`): an SLA's period goals out as SLO documents, and SLO
documents in as availability or metric targets of a draft, so teams that keep SLOs as code meet the bot halfway.

Export writes one `kind: SLO` per target in force (the agreed version; a draft's latest), with a calendar-aligned
time window (`1w`, `1M`, `1Q`, `1Y`; quarters and years from the financial year), the target's service hours as
the window's zone, and `slm-bot/...` annotations carrying what OpenSLO has no field for (service hours, ticket
priority and clock), so an export read back gives the same targets.

Import reads SLO documents (validated with pydantic: a bad one is named by its place and field, and nothing of
the file is added): an objective with `op` and `value` (or a `thresholdMetric`) is a metric under a threshold,
anything else an availability goal; `slm-bot/...` annotations, when present, say exactly. All the targets of one
file go into the draft as one proposed version.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlmodel import Session, select

from bot import agreements
from bot.agreements import targets as agreement_targets
from bot.calendars import CALENDAR_24X7_UTC
from bot.calendars import records as calendar_records
from bot.errors import DomainError, InvalidInput
from bot.measurements.in_force import Measured, from_content, measured
from bot.measurements.periods import fy_start_month
from bot.workspace.actor import Actor
from models import Agreement, AgreementKind, AgreementStatus, AgreementVersion, Target

API_VERSION = "openslo/v1"
WINDOWS = {"weekly": "1w", "monthly": "1M", "quarterly": "1Q", "yearly": "1Y"}
# Durations read back into a period: OpenSLO's shorthands and the usual rolling equivalents.
PERIODS = {"1w": "weekly", "7d": "weekly", "1M": "monthly", "28d": "monthly", "30d": "monthly", "4w": "monthly",
           "1Q": "quarterly", "3M": "quarterly", "90d": "quarterly", "1Y": "yearly", "12M": "yearly", "365d": "yearly"}
NOTE = "slm-bot/"


# ---- export -------------------------------------------------------------------------------------------------------------
def export(session: Session, team_id: str, sla_name: str) -> str:
    """The SLA's targets as OpenSLO SLO documents (a YAML stream)."""
    agreement = agreements.by_name(session, team_id, sla_name, AgreementKind.SLA)
    in_force = measured(session, team_id, agreement_id=agreement.id)
    if not in_force:  # a draft: its latest version, as it would be measured once agreed
        in_force = _latest(session, agreement)
    services = [s.name for s in agreements.services_of(session, agreement)]
    fy = fy_start_month(session, team_id)
    docs = [_slo(t, agreement, services, fy) for t in in_force]
    return yaml.safe_dump_all(docs, sort_keys=False, allow_unicode=True)


def _latest(session: Session, agreement: Agreement) -> list[Measured]:
    content = session.exec(select(AgreementVersion.content).where(
        AgreementVersion.agreement_id == agreement.id, AgreementVersion.number == agreement.latest_version)).first()
    ids = dict(session.exec(select(Target.key, Target.id).where(Target.agreement_id == agreement.id)).all())
    return [from_content(t, content, agreement, "", ids[t["key"]], frozenset(),
                                   date.fromisoformat(content["start"]), date.fromisoformat(content["end"]))
            for t in (content or {}).get("targets", []) if t["key"] in ids]


def _slo(t: Measured, agreement: Agreement, services: list[str], fy: int) -> dict:
    tz = t.calendar.tz
    start_month = fy if t.period in ("quarterly", "yearly") else 1
    annotations = {f"{NOTE}agreement": agreement.name, f"{NOTE}target": t.key, f"{NOTE}kind": t.kind,
                   f"{NOTE}services": ", ".join(services)}
    if t.calendar is not CALENDAR_24X7_UTC:  # a target naming no calendar runs 24x7, and says so by naming none
        annotations[f"{NOTE}calendar"] = t.calendar.name
        annotations[f"{NOTE}service-hours"] = str(t.calendar.hours)
    objective: dict[str, Any] = {"displayName": t.description, "target": float((t.goal or Decimal(100)) / 100)}
    if t.kind == "availability":
        indicator = {"ratioMetric": {"counter": False,
                                     "good": _source("minutes up within service hours"),
                                     "total": _source("minutes within service hours")}}
        method = "Timeslices"
        objective.update(timeSliceTarget=1, timeSliceWindow="1m")
    elif t.kind == "metric":
        indicator = {"thresholdMetric": _source(t.metric_name or "", unit=t.threshold.unit if t.threshold else "")}
        method = "Occurrences"
        objective.update(op="lte", value=float(t.threshold.value) if t.threshold else 0)
        annotations[f"{NOTE}metric"] = t.metric_name or ""
        annotations[f"{NOTE}unit"] = t.threshold.unit if t.threshold else ""
    else:  # a ticket clock: the share of tickets within it
        indicator = {"ratioMetric": {"counter": True, "good": _source(f"{t.level} tickets within {t.duration_text}"),
                                     "total": _source(f"{t.level} tickets")}}
        method = "Occurrences"
        annotations.update({f"{NOTE}level": t.level or "", f"{NOTE}duration": t.duration_text or ""})
    return {
        "apiVersion": API_VERSION, "kind": "SLO",
        "metadata": {"name": _dns_name(f"{agreement.name}-{t.key}"), "displayName": f"{agreement.name} {t.key}",
                     "annotations": annotations},
        "spec": {"description": f"{t.description} ({AgreementKind(agreement.kind).label} {agreement.name})",
                 "service": _dns_name(services[0]) if services else "service",
                 "indicator": {"metadata": {"name": _dns_name(f"{agreement.name}-{t.key}-sli")}, "spec": indicator},
                 "timeWindow": [{"duration": WINDOWS.get(t.period, "1M"), "isRolling": False,
                                 "calendar": {"startTime": f"{t.start.year}-{start_month:02d}-01 00:00:00",
                                              "timeZone": tz}}],
                 "budgetingMethod": method, "objectives": [objective], "alertPolicies": []},
    }


def _source(measure: str, unit: str = "") -> dict:
    spec = {"measure": measure}
    if unit:
        spec["unit"] = unit
    return {"metricSource": {"type": "slm-bot", "spec": spec}}


def _dns_name(text: str) -> str:
    """An RFC 1123 label, as OpenSLO names are: lower case, digits and '-', at most 63 characters."""
    name = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:63].strip("-")
    return name or "slo"


# ---- import -------------------------------------------------------------------------------------------------------------
class _Loose(BaseModel):
    model_config = ConfigDict(extra="allow")


class _Metadata(_Loose):
    name: str = Field(min_length=1)
    displayName: str | None = None
    annotations: dict[str, str] = Field(default_factory=dict)


class _TimeWindow(_Loose):
    duration: str


class _Objective(_Loose):
    displayName: str | None = None
    target: float | None = Field(default=None, gt=0, le=1)
    targetPercent: float | None = Field(default=None, gt=0, le=100)
    op: str | None = None
    value: float | None = None


class _Spec(_Loose):
    description: str | None = None
    service: str | None = None
    indicator: dict | None = None
    timeWindow: list[_TimeWindow] = Field(min_length=1)
    budgetingMethod: str | None = None
    objectives: list[_Objective] = Field(min_length=1)


class _SLO(_Loose):
    apiVersion: str
    kind: str
    metadata: _Metadata
    spec: _Spec


@dataclass
class ImportedTargets:
    """Every target read from one file, applied to the draft as one change (one proposed version)."""

    changes: list[tuple[str, agreement_targets.TargetChange]]  # (the SLO's name, the target it becomes)

    def apply(self, session: Session, actor: Actor, agreement: Agreement, clauses) -> None:
        errors: dict[str, str] = {}
        for name, change in self.changes:
            try:
                with session.begin_nested():
                    change.apply(session, actor, agreement, clauses)
            except InvalidInput as err:
                errors.update({f"{name}: {field}": text for field, text in err.errors.items()})
        if errors:
            raise InvalidInput(errors)


def read(text: str) -> list[_SLO]:
    """The SLO documents of a YAML stream (other kinds are skipped); InvalidInput names each bad one's field."""
    try:
        documents = [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError as err:
        raise InvalidInput({"file": f"This is not YAML: {str(err).splitlines()[0]}"}) from None
    slos, errors = [], {}
    for n, doc in enumerate(documents, 1):
        if not isinstance(doc, dict) or doc.get("kind") != "SLO":
            continue
        try:
            slo = _SLO.model_validate(doc)
        except ValidationError as err:
            for e in err.errors():
                errors[f"document {n}: {'.'.join(str(p) for p in e['loc'])}"] = e["msg"]
            continue
        if not slo.apiVersion.startswith("openslo/"):
            errors[f"document {n}: apiVersion"] = f"expected {API_VERSION}, got {slo.apiVersion}"
        slos.append(slo)
    if errors:
        raise InvalidInput(errors)
    if not slos:
        raise InvalidInput({"file": "No OpenSLO SLO (kind: SLO) in this file."})
    return slos


def to_change(session: Session, actor: Actor, slo: _SLO) -> agreement_targets.TargetChange:
    notes = {k[len(NOTE):]: v for k, v in slo.metadata.annotations.items() if k.startswith(NOTE)}
    objective = slo.spec.objectives[0]
    fraction = objective.target if objective.target is not None else (
        objective.targetPercent / 100 if objective.targetPercent is not None else None)
    goal = _percent(fraction) if fraction is not None else None
    duration = slo.spec.timeWindow[0].duration
    period = PERIODS.get(duration)
    if period is None:
        raise InvalidInput({f"{slo.metadata.name}: timeWindow.duration":
                            f"“{duration}” is no period an agreement measures: use 1w, 1M, 1Q or 1Y."})
    calendar_id = _calendar(session, actor, notes)
    kind = notes.get("kind") or ("metric" if objective.op and objective.value is not None
                                 or "thresholdMetric" in (slo.spec.indicator or {}).get("spec", {}) else "availability")
    change = agreement_targets.TargetChange(key=None, kind=kind, goal=goal, period=period, calendar_id=calendar_id)
    if kind == "metric":
        if objective.value is None:
            raise InvalidInput({f"{slo.metadata.name}: objectives.0.value": "A metric objective needs its threshold value."})
        unit = notes.get("unit") or _unit(slo) or ""
        change.metric_name = notes.get("metric") or slo.metadata.displayName or slo.metadata.name
        change.threshold = f"{_number(objective.value)} {unit}".strip()
        change.goal = goal if goal and goal != "100%" else None
    elif kind in ("response", "resolution"):
        change.level, change.duration = notes.get("level"), notes.get("duration")
    return change


def import_into(session: Session, actor: Actor, sla_name: str, text: str, docs: agreements.DocSettings) -> list[str]:
    """Adds the file's SLOs to the draft SLA as targets, in one proposed version; returns their descriptions."""
    agreement = agreements.by_name(session, actor.team_id, sla_name, AgreementKind.SLA)
    if agreement.status not in (AgreementStatus.DRAFT.value, AgreementStatus.NEGOTIATING.value):
        raise DomainError(f"{agreement.name} is {agreement.status}: import SLOs into a draft.")
    slos = read(text)
    changes, errors = [], {}
    for slo in slos:
        try:
            changes.append((slo.metadata.name, to_change(session, actor, slo)))
        except InvalidInput as err:
            errors.update(err.errors)
    if errors:
        raise InvalidInput(errors)
    before = {t.id for t in agreements.targets_of(session, agreement)}
    agreements.propose(session, actor, agreement, ImportedTargets(changes),
                       f"{len(changes)} SLO{'s' if len(changes) != 1 else ''} imported from OpenSLO", docs)
    return [agreement_targets.describe(t.kind, t.level, t.duration, t.goal, t.metric_name, t.threshold)
            for t in agreements.targets_of(session, agreement) if t.id not in before]


def _calendar(session: Session, actor: Actor, notes: dict[str, str]) -> int | None:
    if notes.get("calendar") and (found := calendar_records.by_name(session, actor.team_id, notes["calendar"])):
        return found.id
    if notes.get("service-hours"):
        return calendar_records.for_hours(session, actor, notes["service-hours"]).id
    return None


def _unit(slo: _SLO) -> str | None:
    spec = (slo.spec.indicator or {}).get("spec", {})
    source = (spec.get("thresholdMetric") or {}).get("metricSource", {})
    return (source.get("spec") or {}).get("unit")


def _percent(fraction: float) -> str:
    value = (Decimal(str(fraction)) * 100).normalize()
    return f"{format(value, 'f')}%"


def _number(value: float) -> str:
    return format(Decimal(str(value)).normalize(), "f")


