"""The back-to-back check: can the OLA and UC targets beneath an SLA target carry it?

For one SLA target and the legs beneath it (support groups' OLA targets and
suppliers' UC targets), :func:`check_target` applies a set of rules and
returns a :class:`Check` whose verdict is "covered", "at risk" or "not
covered", with every finding explained in words a service manager reads.

Legs run in stages: stage 1 hands the ticket over to stage 2, and so on;
legs in the same stage run side by side (or, for availability, are
redundant). The rules:

* ownership: some support group (an OLA leg) must own the target;
* time (response/resolution): the chain of legs must finish before the SLA
  clock runs out, checked by simulating tickets raised at many instants,
  with at least the hand-off allowance to spare (else "at risk");
* availability: series legs multiply, redundant legs combine as 1 - Π(1 - a);
* metric: thresholds in compatible units, adding up along the chain for
  time-like units;
* hours: each leg's calendar must cover the SLA's service hours;
* dates: each leg's term must cover the SLA's term, and no UC notice or
  renewal date may fall inside it;
* history: each leg's own recent achievement against its own goal ("at
  risk" when any of the last three periods fell below it).

It is one cohesive algorithm, kept in one module on purpose: the rules share one
vocabulary (legs, stages, findings, verdicts) and one worst-of verdict, and a reader
checking why a target is "at risk" reads them side by side.

Pure domain logic: standard library, ``zoneinfo``, ``bot.cover.arithmetic``, ``bot.calendars``
and ``bot.parsing`` only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.cover.arithmetic import combined_availability, sample_starts, tightest_ticket, unit_basis
from bot.calendars import CALENDAR_24X7_UTC, BusinessCalendar, Uncovered, uncovered
from bot.parsing import Duration, Quantity, format_duration, format_percentage, format_quantity, format_service_hours

__all__ = [
    "Verdict",
    "Term",
    "TargetSpec",
    "Leg",
    "Policy",
    "Finding",
    "Check",
    "check_target",
    "combined_availability",
    "worst",
    "HISTORY_PERIODS",
]

TICKET_KINDS = ("response", "resolution")
KINDS = (*TICKET_KINDS, "availability", "metric")
AGREEMENTS = ("OLA", "UC")
# How many recent periods the history rule looks at (see _history_findings).
HISTORY_PERIODS = 3


class Verdict(StrEnum):
    """How well the legs carry an SLA target (the text is what users see)."""

    COVERED = "covered"
    AT_RISK = "at risk"
    NOT_COVERED = "not covered"

    @property
    def rank(self) -> int:
        """0 for covered, 1 for at risk, 2 for not covered: higher is worse."""
        return _RANK[self]


_RANK = {Verdict.COVERED: 0, Verdict.AT_RISK: 1, Verdict.NOT_COVERED: 2}


def worst(verdicts: Iterable[Verdict]) -> Verdict:
    """The worst of some verdicts (covered when there are none)."""
    return max(verdicts, key=lambda v: v.rank, default=Verdict.COVERED)


@dataclass(frozen=True)
class Term:
    """An agreement's term: inclusive local dates."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"a term can't end ({self.end}) before it starts ({self.start})")

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return f"{_day(self.start)} to {_day(self.end)}"


@dataclass(frozen=True)
class TargetSpec:
    """One service level target, as the check needs it."""

    label: str  # e.g. "P1 resolution 4h (SLA, Acme Retail)"
    kind: str  # "response" | "resolution" | "availability" | "metric"
    level: str | None = None  # "P1".. for ticket clocks
    duration: Duration | None = None  # ticket clocks
    percent: Decimal | None = None  # availability goal
    threshold: Quantity | None = None  # metric ("p95 page load under 2 s"); lower is better unless higher_is_better
    higher_is_better: bool = False
    calendar: BusinessCalendar = CALENDAR_24X7_UTC

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {self.kind!r}")
        if self.kind in TICKET_KINDS and not isinstance(self.duration, Duration):
            raise ValueError(f"a {self.kind} target needs a duration")
        if self.kind == "availability" and not (
            isinstance(self.percent, Decimal) and Decimal(0) < self.percent <= Decimal(100)
        ):
            raise ValueError(f"an availability target needs a percent in (0, 100], got {self.percent!r}")
        if self.kind == "metric" and not isinstance(self.threshold, Quantity):
            raise ValueError("a metric target needs a threshold Quantity")
        if not isinstance(self.calendar, BusinessCalendar):
            raise TypeError(f"calendar must be a BusinessCalendar, got {type(self.calendar).__name__}")

    @property
    def what(self) -> str:
        """Short words for the target: "P1 resolution", "availability"."""
        return f"{self.level} {self.kind}" if self.level and self.kind in TICKET_KINDS else self.kind


@dataclass(frozen=True)
class Leg:
    """An OLA or UC target beneath the SLA target, with its owner and agreement details."""

    target: TargetSpec
    owner: str  # "Network group", "Carrier X"
    agreement: str  # "OLA" or "UC"
    stage: int  # stage 1 hands over to stage 2 ...; legs in the same stage run side by side
    term: Term
    notice_date: date | None = None  # UC: last day to give notice
    renewal_date: date | None = None  # UC: renewal date
    achieved: tuple[Decimal, ...] = ()  # achievement over the last periods, oldest first, same unit as the goal
    achievement_goal: Decimal | None = None  # the leg's own compliance goal; availability legs default to their percent

    def __post_init__(self) -> None:
        if self.agreement not in AGREEMENTS:
            raise ValueError(f"agreement must be OLA or UC, got {self.agreement!r}")
        object.__setattr__(self, "achieved", tuple(self.achieved))

    @property
    def name(self) -> str:
        """Owner and agreement, e.g. "Carrier X (UC)"."""
        return f"{self.owner} ({self.agreement})"

    @property
    def agreement_name(self) -> str:
        """The owner's agreement, e.g. "Carrier X's UC"."""
        return f"{self.owner}'s {self.agreement}"


@dataclass(frozen=True)
class Policy:
    """How strict the check is.

    ``handoff`` is allowed between consecutive stages and is also the margin
    below which a time target that fits is only "at risk". Start instants
    are sampled every ``sample_step`` over the first ``sample_weeks`` weeks
    of the term (plus the special weeks, see :func:`check_target`).
    """

    handoff: Duration = Duration(minutes=15)
    sample_weeks: int = 2
    sample_step: Duration = Duration(minutes=30)

    def __post_init__(self) -> None:
        if self.handoff.business_days:
            raise ValueError("the hand-off allowance must be in minutes or hours, not business days")
        if self.sample_step.business or not self.sample_step.minutes:
            raise ValueError("the sample step must be a clock duration of at least one minute")
        if self.sample_weeks < 1:
            raise ValueError("sample_weeks must be at least 1")


@dataclass
class Finding:
    """One rule's conclusion, with its reason in words."""

    rule: str  # "ownership", "time", "availability", "metric", "hours", "dates", "history"
    verdict: Verdict
    reason: str


@dataclass
class Check:
    """The outcome for one SLA target: its verdict and every finding behind it."""

    target: TargetSpec
    verdict: Verdict  # the worst finding
    findings: list[Finding] = field(default_factory=list)

    def problems(self) -> list[Finding]:
        """The findings that are not "covered", worst first."""
        return sorted((f for f in self.findings if f.verdict != Verdict.COVERED), key=lambda f: -f.verdict.rank)


def check_target(sla: TargetSpec, sla_term: Term, legs: list[Leg], policy: Policy = Policy()) -> Check:
    """Whether ``legs`` can carry the SLA target ``sla`` over ``sla_term``.

    Only legs of the same kind (and, for ticket clocks, the same priority, or
    none meaning every priority) count for the time, availability and metric
    rules; the others are named as not counted. Ownership, hours, dates and
    history apply to every leg.

    The time rule simulates tickets raised every ``policy.sample_step`` over
    the first ``policy.sample_weeks`` weeks of the term, over the seven days
    up to and including each holiday or closure of any involved calendar and
    each clock change of any involved zone inside the term, and one minute
    either side of every opening and closing in those days. It is "not
    covered" if any ticket finishes late and "at risk" if the tightest one
    has less than the hand-off allowance to spare.
    """
    findings = _ownership_findings(legs)
    if legs:
        matching = [leg for leg in legs if _matches(sla, leg.target)]
        ignored = [leg for leg in legs if not _matches(sla, leg.target)]
        if sla.kind in TICKET_KINDS:
            findings += _time_findings(sla, sla_term, matching, ignored, policy)
        elif sla.kind == "availability":
            findings += _availability_findings(sla, matching, ignored)
        else:
            findings += _metric_findings(sla, matching, ignored)
        findings += _hours_findings(sla, sla_term, legs)
        findings += _dates_findings(sla_term, legs)
        findings += _history_findings(legs)
    return Check(target=sla, verdict=worst(f.verdict for f in findings), findings=findings)


def _matches(sla: TargetSpec, target: TargetSpec) -> bool:
    if target.kind != sla.kind:
        return False
    if sla.kind in TICKET_KINDS and target.level is not None:
        return sla.level is not None and target.level.strip().lower() == sla.level.strip().lower()
    return True


def _stages(legs: Sequence[Leg]) -> list[list[Leg]]:
    return [[leg for leg in legs if leg.stage == stage] for stage in sorted({leg.stage for leg in legs})]


def _not_counted(ignored: Sequence[Leg]) -> str:
    if not ignored:
        return ""
    names = ", ".join(f"{leg.name} {leg.target.what}" for leg in ignored)
    return f" Not counted here, being a different target: {names}."


# --------------------------------------------------------------------------
# Ownership
# --------------------------------------------------------------------------


def _ownership_findings(legs: Sequence[Leg]) -> list[Finding]:
    if not legs:
        return [Finding("ownership", Verdict.NOT_COVERED,
                        "no OLA or underpinning contract target sits beneath it, so nothing carries it")]
    owners = list(dict.fromkeys(leg.owner for leg in legs if leg.agreement == "OLA"))
    if not owners:
        return [Finding("ownership", Verdict.NOT_COVERED,
                        "no support group owns this target, so a breach would have nobody to go to")]
    return [Finding("ownership", Verdict.COVERED, f"owned by {_and(owners)} (OLA)")]


# --------------------------------------------------------------------------
# Time targets
# --------------------------------------------------------------------------


def _time_findings(sla: TargetSpec, term: Term, legs: list[Leg], ignored: list[Leg], policy: Policy) -> list[Finding]:
    note = _not_counted(ignored)
    if not legs:
        return [Finding("time", Verdict.NOT_COVERED,
                        f"none of the targets beneath it is a {sla.what} target, so nothing carries its clock.{note}")]
    assert sla.duration is not None
    stages = _stages(legs)
    clocks = [[(leg.target.calendar, leg.target.duration) for leg in stage] for stage in stages]
    samples = sample_starts(sla.calendar, term.start, term.end, [leg.target.calendar for leg in legs],
                            policy.sample_weeks, timedelta(minutes=policy.sample_step.minutes))
    # sample_weeks >= 1, so the term's first day is always sampled
    spare, start, due, finish, slowest = tightest_ticket(samples, sla.calendar, sla.duration, clocks,  # type: ignore[arg-type]
                                                         policy.handoff)

    zone = ZoneInfo(sla.calendar.tz)
    ticket = f"a {sla.level}" if sla.level else "a ticket"
    chain = " then ".join(_stage_text(stage, stage[i]) for stage, i in zip(stages, slowest))
    handoffs = f", counting {format_duration(policy.handoff)} for each hand-off" if len(stages) > 1 else ""

    def case(joint: str) -> str:
        return (f"{ticket} raised {_when(start, zone, year=True)} {sla.calendar.tz} is due to the customer "
                f"{_when(due, zone)}, {joint} {chain} {'need' if len(legs) > 1 else 'needs'} until "
                f"{_when(finish, zone)}{handoffs}")

    if spare < timedelta(0):
        return [Finding("time", Verdict.NOT_COVERED, f"{case('but')} ({_span(-spare)} late).{note}")]
    if spare < timedelta(minutes=policy.handoff.minutes):
        return [Finding("time", Verdict.AT_RISK,
                        f"it fits with only {_span(spare)} to spare, less than the {format_duration(policy.handoff)} "
                        f"hand-off allowance: {case('and')}.{note}")]
    return [Finding("time", Verdict.COVERED,
                    f"every one of {len(samples)} sampled tickets finishes in time; the tightest leaves "
                    f"{_span(spare)} to spare: {case('and')}.{note}")]


def _stage_text(stage: list[Leg], slowest: Leg) -> str:
    if len(stage) == 1:
        return stage[0].owner
    return f"{_and([leg.owner for leg in stage])} side by side ({slowest.owner} the slowest)"


# --------------------------------------------------------------------------
# Availability
# --------------------------------------------------------------------------


def _availability_findings(sla: TargetSpec, legs: list[Leg], ignored: list[Leg]) -> list[Finding]:
    note = _not_counted(ignored)
    if not legs:
        return [Finding("availability", Verdict.NOT_COVERED,
                        f"none of the targets beneath it is an availability target.{note}")]
    assert sla.percent is not None
    stages = _stages(legs)
    figures: list[list[Decimal]] = [[leg.target.percent for leg in stage] for stage in stages]  # type: ignore[misc]
    total = combined_availability(figures)
    parts = []
    for stage, values in zip(stages, figures):
        each = [f"{leg.owner} {_pct(value)}" for leg, value in zip(stage, values)]
        if len(stage) == 1:
            parts.append(each[0])
        else:
            parts.append(f"({' or '.join(each)}, redundant: {_pct(combined_availability([values]))})")
    arithmetic = f"{' × '.join(parts)} = {_pct(total)}"
    if total >= sla.percent:
        return [Finding("availability", Verdict.COVERED,
                        f"{arithmetic}, which reaches the {_pct(sla.percent)} goal.{note}")]
    return [Finding("availability", Verdict.NOT_COVERED,
                    f"{arithmetic}, below the {_pct(sla.percent)} goal.{note}")]


# --------------------------------------------------------------------------
# Metric thresholds
# --------------------------------------------------------------------------


def _metric_findings(sla: TargetSpec, legs: list[Leg], ignored: list[Leg]) -> list[Finding]:
    note = _not_counted(ignored)
    if not legs:
        return [Finding("metric", Verdict.NOT_COVERED, f"none of the targets beneath it is a metric target.{note}")]
    wanted = sla.threshold
    assert wanted is not None
    dims, sla_factor = unit_basis(wanted.unit)
    goal = wanted.value * sla_factor
    out: list[Finding] = []
    usable: list[tuple[Leg, Decimal]] = []  # legs with their threshold in base units
    for leg in legs:
        q = leg.target.threshold
        assert q is not None
        leg_dims, factor = unit_basis(q.unit)
        if leg.target.higher_is_better != sla.higher_is_better:
            way = "higher" if leg.target.higher_is_better else "lower"
            out.append(Finding("metric", Verdict.AT_RISK,
                               f"{leg.name}'s threshold {format_quantity(q)} counts the other way round ({way} is "
                               f"better), so it can't be compared with the SLA's {format_quantity(wanted)}"))
        elif leg_dims != dims:
            out.append(Finding("metric", Verdict.AT_RISK,
                               f"{leg.name}'s threshold {format_quantity(q)} is in units that can't be compared "
                               f"with the SLA's {format_quantity(wanted)}"))
        else:
            usable.append((leg, q.value * factor))
    if not usable:
        return out

    def shown(base: Decimal) -> str:  # a base-unit value in the SLA's unit
        return format_quantity(Quantity(base / sla_factor, wanted.unit))

    if dims == ("time",) and not sla.higher_is_better:
        # Time-like thresholds add up along the chain; side by side, the slowest counts.
        value = {id(leg): v for leg, v in usable}
        stages = _stages([leg for leg, _ in usable])
        total = sum((max(value[id(leg)] for leg in stage) for stage in stages), Decimal(0))
        words = [
            " and ".join(f"{leg.owner} {format_quantity(leg.target.threshold)}" for leg in stage)  # type: ignore[arg-type]
            + (" side by side" if len(stage) > 1 else "")
            for stage in stages
        ]
        summed = (f"{' then '.join(words)} add up to {shown(total)}" if len(stages) > 1
                  else f"{words[0]} allow{'s' if len(stages[0]) == 1 else ''} up to {shown(total)}")
        within = total <= goal
        out.append(Finding("metric", Verdict.COVERED if within else Verdict.NOT_COVERED,
                           f"{summed}, {'within' if within else 'over'} the SLA's {format_quantity(wanted)}.{note}"))
        return out

    looser = [(leg, v) for leg, v in usable if (v < goal if sla.higher_is_better else v > goal)]
    for leg, v in looser:
        out.append(Finding("metric", Verdict.NOT_COVERED,
                           f"{leg.name} promises {format_quantity(leg.target.threshold)} "  # type: ignore[arg-type]
                           f"({shown(v)}), looser than the SLA's {format_quantity(wanted)}.{note}"))
    if not looser:
        out.append(Finding("metric", Verdict.COVERED,
                           f"{_and([leg.name for leg, _ in usable])} each promise at least the SLA's "
                           f"{format_quantity(wanted)}.{note}"))
    return out


# --------------------------------------------------------------------------
# Service hours, dates, history
# --------------------------------------------------------------------------


def _hours_findings(sla: TargetSpec, term: Term, legs: list[Leg]) -> list[Finding]:
    out = []
    gaps: dict[BusinessCalendar, Uncovered] = {}
    for leg in legs:
        cal = leg.target.calendar
        if cal not in gaps:
            gaps[cal] = uncovered(sla.calendar, cal, term.start, term.end)
        gap = gaps[cal]
        if not gap.is_empty:
            out.append(Finding("hours", Verdict.NOT_COVERED,
                               f"{leg.name} works {format_service_hours(cal.hours)}, so nobody covers the "
                               f"SLA's hours on {gap.describe()}"))
    if not out:
        out.append(Finding("hours", Verdict.COVERED,
                           f"every group and supplier beneath it covers the SLA's service hours "
                           f"({format_service_hours(sla.calendar.hours)}) from {term}"))
    return out


def _dates_findings(term: Term, legs: list[Leg]) -> list[Finding]:
    out = []
    for leg in legs:
        if leg.term.start > term.start:
            out.append(Finding("dates", Verdict.NOT_COVERED,
                               f"{leg.agreement_name} starts on {_day(leg.term.start)}, after the SLA starts on {_day(term.start)}"))
        if leg.term.end < term.end:
            out.append(Finding("dates", Verdict.NOT_COVERED,
                               f"{leg.agreement_name} ends on {_day(leg.term.end)}, before the SLA ends on {_day(term.end)}"))
        for day, what in ((leg.notice_date, "notice date"), (leg.renewal_date, "renewal date")):
            if day is not None and day in term:
                out.append(Finding("dates", Verdict.AT_RISK,
                                   f"{leg.agreement_name} {what} {_day(day)} falls inside the SLA's term ({term}); "
                                   f"settle its renewal before then"))
    if not out:
        out.append(Finding("dates", Verdict.COVERED, f"every agreement beneath it runs for the SLA's whole term ({term})"))
    return out


def _history_findings(legs: list[Leg]) -> list[Finding]:
    """At risk when any of the last HISTORY_PERIODS periods fell below the leg's own goal.

    Any recent miss rather than the average: an average would hide a fresh
    decline behind older good periods, and one miss is already an early
    warning worth a conversation. The average is still quoted.
    """
    out = []
    for leg in legs:
        goal = leg.achievement_goal
        if goal is None and leg.target.kind == "availability":
            goal = leg.target.percent
        if goal is None or not leg.achieved:
            continue
        recent = leg.achieved[-HISTORY_PERIODS:]
        figures = ", ".join(format_percentage(a) for a in recent)
        average = sum(recent, Decimal(0)) / len(recent)
        periods = "period" if len(recent) == 1 else f"{len(recent)} periods"
        misses = [a for a in recent if a < goal]
        if misses:
            out.append(Finding("history", Verdict.AT_RISK,
                               f"{leg.name} achieved {figures} over the last {periods} (oldest first, average "
                               f"{_pct(average)}) against its own goal of {format_percentage(goal)}: "
                               f"{len(misses)} below it"))
        else:
            out.append(Finding("history", Verdict.COVERED,
                               f"{leg.name} met its own goal of {format_percentage(goal)} in each of the last "
                               f"{periods} ({figures})"))
    return out


# --------------------------------------------------------------------------
# Words
# --------------------------------------------------------------------------


def _and(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _pct(value: Decimal) -> str:
    # Rounded down, so a figure just under a goal never prints as the goal.
    return format_percentage(value.quantize(Decimal("0.0001"), rounding=ROUND_DOWN))


def _day(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def _when(t: datetime, zone: ZoneInfo, *, year: bool = False) -> str:
    local = t.astimezone(zone)
    day = f"{local:%a} {local.day} {local:%b %Y}" if year else f"{local:%a} {local.day} {local:%b}"
    return f"{day} {local:%H:%M}"


def _span(delta: timedelta) -> str:
    """A length of time in words: "45m", "2h 45m", "4d 17h 15m"."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "m")) if n]
    return " ".join(parts) or "0m"
