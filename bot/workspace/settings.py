"""Choices an organisation makes for its workspace, in Slack: `/slm settings`."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from bot import audit, parsing
from bot.parsing import ladder
from bot.parsing.recurrence import read_offset
from bot.workspace.actor import Actor
from bot.errors import SLASH_COMMAND, InvalidInput
from bot.workspace.permissions import Capability, require
from models import Calendar, WorkspaceSetting
from models.base import name_key


def _handoff(text: str) -> str:
    duration = parsing.parse_duration(text)
    if duration.business_days:
        raise parsing.ParseError("A hand-off allowance is minutes or hours, not business days.", example="15m")
    return parsing.format_duration(duration)


def _clock_time(text: str) -> str:
    duration = parsing.parse_duration(text)
    if duration.business_days or duration.business or not duration.minutes:
        raise parsing.ParseError("An escalation time is clock minutes or hours.", example="30m")
    return parsing.format_duration(duration)


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def _month(text: str) -> str:
    """A month by name ("April", "apr") or number (4), as its full name."""
    word = text.strip().lower()
    for number, name in enumerate(_MONTHS, 1):
        if word in (name.lower(), name.lower()[:3], str(number)):
            return name
    raise parsing.ParseError("Name the month the financial year starts in.", example="April")


def _review_notice(text: str) -> str:
    """How long before an SLA's annual review its weekly reminders start: whole days or weeks."""
    duration = parsing.parse_duration(text)
    if duration.business or duration.business_days or not duration.minutes or duration.minutes % (24 * 60):
        raise parsing.ParseError("Give whole days or weeks before the review.", example="4 weeks")
    if not 1 <= duration.minutes // (24 * 60) <= 26 * 7:
        raise parsing.ParseError("Between a day and 26 weeks before the review.", example="4 weeks")
    return parsing.format_duration(duration)


def _maintenance_notice(text: str) -> str:
    """How long before a maintenance window its reminder goes: clock minutes, hours or days, up to 8 weeks."""
    duration = parsing.parse_duration(text)
    if duration.business or duration.business_days or not duration.minutes:
        raise parsing.ParseError("Give minutes, hours or days before the window, in clock time.", example="2 days")
    if duration.minutes > 8 * 7 * 24 * 60:
        raise parsing.ParseError("At most 8 weeks before the window.", example="2 days")
    return parsing.format_duration(duration)


_DAY_UNITS = "working days or days"  # what the two settings below take of an offset's units


def _nudge_before(text: str) -> str:
    """How long before an action's due date its owner is nudged: working days or days (the nudge goes at 09:00)."""
    offset = read_offset(" ".join((text or "").lower().split()).removesuffix(" before"), text, units=_DAY_UNITS,
                         kind="how long before the due date", example="2 working days, 1 day")
    if offset.unit not in ("working day", "day"):
        raise parsing.ParseError("Give working days or days before the due date.", example="2 working days")
    return str(offset)


def _answer_within(text: str) -> str:
    """How long a complaint's answer may take: working days (of `working_calendar`) or days (issue 17, complaints)."""
    offset = read_offset(" ".join((text or "").lower().split()), text, units=_DAY_UNITS,
                         kind="how long an answer may take", example="5 working days, 10 days")
    if offset.unit not in ("working day", "day"):
        raise parsing.ParseError("Give working days or days.", example="5 working days")
    return str(offset)


MONDAY_TO_FRIDAY = "Monday to Friday"
CALENDARS_NAMED = 10  # named in a refusal; the count of the others follows


def _working_calendar(text: str) -> str:
    """The organisation's working calendar: a calendar's name (checked against the stored calendars when set), or
    Monday to Friday (`none`, `default`): weekdays only, no public holidays."""
    words = " ".join((text or "").split())
    if words.lower() in ("none", "default", "monday to friday", "mon-fri", "monday-friday"):
        return MONDAY_TO_FRIDAY
    if not words or len(words) > 120:
        raise parsing.ParseError(f"Name one of your calendars ({SLASH_COMMAND} calendar list shows them), or none "
                                 "for Monday to Friday.",
                                 example="UK office hours")
    return words


def _calendar_named(session: Session, team_id: str, value: str) -> str:
    """The stored calendar's own name for what was typed; refused, naming the calendars there are, if none."""
    if value == MONDAY_TO_FRIDAY:
        return value
    # Locked: a `/slm calendar remove` of it at the same moment (which locks it too) either sees this setting name it
    # and is refused, or goes first and this finds it gone; never a setting naming a calendar just removed.
    found = session.exec(select(Calendar).where(Calendar.team_id == team_id, Calendar.name_key == name_key(value))
                         .with_for_update()).first()
    if found is None:
        names = list(session.exec(select(Calendar.name).where(Calendar.team_id == team_id)
                                  .order_by(Calendar.name_key).limit(CALENDARS_NAMED + 1)))
        known = ", ".join(names[:CALENDARS_NAMED])
        if len(names) > CALENDARS_NAMED:  # said, not cut silently: the rest are in the calendar list
            more = session.exec(select(func.count()).select_from(Calendar).where(Calendar.team_id == team_id)).one()
            known += f" and {more - CALENDARS_NAMED} more ({SLASH_COMMAND} calendar list shows them all)"
        raise parsing.ParseError(f"There is no calendar called “{value}”." + (f" Calendars: {known}." if known else
                                 f" Add one with {SLASH_COMMAND} calendar add."), example="UK office hours")
    return found.name


def working_calendar_row(session: Session, team_id: str) -> Calendar | None:
    """The calendar the `working_calendar` setting names, or None (Monday to Friday)."""
    value = get(session, team_id, "working_calendar")
    if value == MONDAY_TO_FRIDAY:
        return None
    return session.exec(select(Calendar).where(Calendar.team_id == team_id,
                                               Calendar.name_key == name_key(value))).first()


def calendar_renamed(session: Session, team_id: str, old: str, new: str) -> None:
    """A renamed calendar stays the working calendar (the setting holds its name)."""
    row = session.exec(select(WorkspaceSetting).where(WorkspaceSetting.team_id == team_id,
                                                      WorkspaceSetting.key == "working_calendar")).first()
    if row is not None and name_key(row.value) == name_key(old):
        row.value = new
        session.add(row)


def _label_name(text: str) -> str:
    name = text.strip()
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise parsing.ParseError(f"“{name}” is not a Prometheus label name (letters, digits and _).", example="service")
    return name


def _hide_or_show(text: str) -> str:
    word = text.strip().lower()
    if word not in ("hide", "show"):
        raise parsing.ParseError("Either hide (commercial terms stay out of public channels) or show.", example="hide")
    return word


# Retention (bot.retention): never shorter than this. The longest period an SLA measures is a year, and its
# review looks back on the whole year a month after it ends; 13 months keeps every measurement and record an annual
# review or an SLA in force can still ask for, whatever an organisation types.
RETENTION_FLOOR_MONTHS = 13
_RETENTION_CEILING_MONTHS = 100 * 12  # a typo ("7000 years") is refused rather than read as "forever"


def _retention(text: str) -> str:
    """How long something is kept: whole months or years, as "18 months" or "2 years"; never under the floor."""
    m = re.fullmatch(r"\s*([0-9]{1,4})\s*(y|yr|yrs|year|years|mo|mos|month|months)\s*", (text or "").lower())
    if not m:
        raise parsing.ParseError("Give whole months or years.", example="2 years")
    count, unit = int(m.group(1)), m.group(2)
    months = count * 12 if unit.startswith("y") else count
    if months < RETENTION_FLOOR_MONTHS:
        raise parsing.ParseError(f"At least {RETENTION_FLOOR_MONTHS} months: an annual review looks back on a whole "
                                 "year a month after it ends.", example="13 months")
    if months > _RETENTION_CEILING_MONTHS:
        raise parsing.ParseError("At most 100 years.", example="7 years")
    if months % 12 == 0:
        return f"{months // 12} year{'s' if months != 12 else ''}"
    return f"{months} month{'s' if months != 1 else ''}"


def retention_months(value: str) -> int:
    """A canonical retention value ("2 years", "18 months") as months."""
    count, unit = value.split()
    return int(count) * 12 if unit.startswith("year") else int(count)


# ---- issue 17, satisfaction: how often a person is asked, the sample, and how many ratings a figure needs --------
def _ask_every(text: str) -> str:
    """How often one person may be asked to rate a ticket: whole days, weeks or months ("1 month", "2 weeks")."""
    m = re.fullmatch(r"\s*([0-9]{1,3})\s*(d|day|days|w|wk|wks|week|weeks|mo|mos|month|months)\s*", (text or "").lower())
    if not m or int(m.group(1)) == 0:
        raise parsing.ParseError("Give whole days, weeks or months.", example="1 month")
    count, unit = int(m.group(1)), m.group(2)
    unit = "day" if unit.startswith("d") else ("week" if unit.startswith("w") else "month")
    if (count * {"day": 1, "week": 7, "month": 31}[unit]) > 366:
        raise parsing.ParseError("At most a year.", example="3 months")
    return f"{count} {unit}{'s' if count != 1 else ''}"


def _sample(text: str) -> str:
    """The share of resolved tickets whose requester is asked, a whole percentage 0-100."""
    m = re.fullmatch(r"\s*([0-9]{1,3})\s*%?\s*", text or "")
    if not m or int(m.group(1)) > 100:
        raise parsing.ParseError("Give a whole percentage from 0 to 100.", example="25%")
    return f"{int(m.group(1))}%"


def _min_ratings(text: str) -> str:
    m = re.fullmatch(r"\s*([0-9]{1,4})\s*", text or "")
    if not m or not 1 <= int(m.group(1)) <= 1000:
        raise parsing.ParseError("Give a whole number of ratings, at least 1.", example="5")
    return str(int(m.group(1)))
def _ladder(text: str) -> str:
    """The organisation's escalation ladder (bot.breaches.ladders), or `default`: the built-in one."""
    return ladder.read_setting(text)


@dataclass(frozen=True)
class Choice:
    key: str
    label: str
    default: str
    read: Callable[[str], str]  # what was typed -> the canonical value; raises parsing.ParseError
    # The value checked against the workspace's records (session, team_id, value) -> value; raises parsing.ParseError
    check: Callable[[Session, str, str], str] | None = None
    # The value is a name, which may be typed in quotes like any other (the command drops one pair around it)
    named: bool = False


CHOICES = {c.key: c for c in (
    Choice("handoff", "Hand-off allowance between the stages beneath an SLA target", "15m", _handoff),
    # bot.breaches.escalation: an alert nobody acknowledged is escalated to the service managers after this.
    *(Choice(f"escalate_{p.lower()}", f"How long a {p} breach alert may go unacknowledged before it is escalated to "
             "the service managers", default, _clock_time)
      for p, default in (("P1", "15m"), ("P2", "30m"), ("P3", "2h"), ("P4", "4h"))),
    # bot.breaches.ladders (issue 17): the steps every target's alert climbs unless the target has its own.
    Choice("ladder", "The escalation ladder every target's alert climbs unless the target has its own "
           f"({SLASH_COMMAND} ladder), e.g. 50% group; 75% group manager; breach; +30m service-managers. default: the "
           "alert at the target's warning level, escalated to the service managers when unacknowledged (escalate_p1…)",
           "default", _ladder),
    Choice("financial_year_start", "First month of the financial year (its quarters and years measure period goals)",
           "January", _month),
    # bot.reviews.sla_review (the periodic SLA review): weekly reminders from this long before the review is due.
    Choice("sla_review_notice", "Remind the service managers and the customer's approver of an SLA's annual review "
           "weekly, starting this long before it is due", "4 weeks", _review_notice),
    # bot.actions.nudges: the owner's first nudge, at 09:00 this long before the due date (then on the day, then daily).
    Choice("action_nudge_before", "Nudge an action's owner by DM this long before its due date (working days: "
           "working_calendar), again on the day, and daily once it is overdue", "2 working days", _nudge_before),
    # bot.complaints: a complaint's answer is due this long after it is recorded (working days of the
    # organisation's working calendar, in the organisation's zone); late, the service managers are told.
    Choice("complaint_answer_within", "How long a complaint may wait for its answer before the service managers are "
           "told it is late (working days: working_calendar)", "5 working days", _answer_within),
    # bot.calendars.working_days: the organisation's working days (a complaint's answer and an action's first nudge
    # are counted in them).
    Choice("working_calendar", "The organisation's working days, for a complaint's answer and an action's first "
           "nudge: the days one of your "
           f"calendars opens, less its public holidays and closures (see {SLASH_COMMAND} calendar list), or none: "
           "Monday to Friday",
           MONDAY_TO_FRIDAY, _working_calendar, _calendar_named, named=True),
    Choice("alert_label", "The Alertmanager alert label that names the service", "service", _label_name),
    # bot.agreements.terms: hide (safe) leaves service credits and charges out of what is posted in a public channel
    # and sends the full version by DM to those entitled; show posts them there (with a warning to whoever posts).
    Choice("commercial_terms_in_public", "Service credits and charges of an SLA posted in a public channel: hide "
           "(sent by DM to its service managers and approvers instead) or show", "hide", _hide_or_show),
    # bot.retention: the nightly purge. Measurements (outages, Alertmanager's among them; tickets and their events;
    # metric samples) are kept 2 years: this year's reviews and last year's for comparison. Closed records
    # (resolved breach alerts, verified or cancelled actions, closed reviews, delivered messages) are kept 7 years:
    # they are the evidence of a commercial contract, and six years is a common limitation period for one.
    Choice("retain_measurements", "How long measurements (outages, tickets and their events, metric samples) are "
           "kept", "2 years", _retention),
    # bot.satisfaction: who is asked to rate a resolved ticket, how often, and when a low figure is flagged.
    Choice("satisfaction_ask_every", "Ask one person to rate a resolved ticket at most once in this long",
           "1 month", _ask_every),
    Choice("satisfaction_sample", "The share of resolved tickets under an SLA whose requester is asked for a rating "
           "(chosen by the ticket, so a resend asks nobody twice)", "100%", _sample),
    Choice("satisfaction_min_ratings", "Ratings an SLA needs in a period before its satisfaction can flag "
           "\"targets met, customer unhappy\"", "5", _min_ratings),
    Choice("retain_closed", "How long closed records (resolved breach alerts, done actions, closed reviews and "
           "complaints, delivered messages) are kept", "7 years", _retention),
    # issue 17 (workload): bot.workload.maintenance reminds the customers of a planned maintenance window this long
    # before it starts (it is also announced when it is planned).
    Choice("maintenance_notice", "Remind the customers of a planned maintenance window this long before it starts",
           "2 days", _maintenance_notice),
)}


def get(session: Session, team_id: str, key: str) -> str:
    row = session.exec(select(WorkspaceSetting).where(WorkspaceSetting.team_id == team_id,
                                                      WorkspaceSetting.key == key)).first()
    return row.value if row else CHOICES[key].default


def default_review_month(session: Session, team_id: str) -> int:
    """The month a new SLA is reviewed in, unless its drafters choose another: the month before the financial
    year starts, so a renegotiated SLA is in force for the whole of the new year."""
    first = _MONTHS.index(get(session, team_id, "financial_year_start")) + 1
    return (first - 2) % 12 + 1


def all_of(session: Session, team_id: str) -> list[tuple[Choice, str]]:
    return [(c, get(session, team_id, c.key)) for c in CHOICES.values()]


RETENTION_KEYS = ("retain_measurements", "retain_closed")


def choice_of(key: str) -> Choice:
    choice = CHOICES.get(key)
    if choice is None:
        raise InvalidInput({"key": f"“{key}” is not a setting. Settings: {', '.join(CHOICES)}."})
    return choice


def set_value(session: Session, actor: Actor, key: str, typed: str) -> str:
    require(actor, Capability.CHANGE_SETTINGS)
    choice = choice_of(key)
    try:
        value = choice.read(typed)
        if choice.check is not None:
            value = choice.check(session, actor.team_id, value)
    except parsing.ParseError as err:
        raise InvalidInput({key: str(err)}) from None
    row = session.exec(select(WorkspaceSetting).where(WorkspaceSetting.team_id == actor.team_id,
                                                      WorkspaceSetting.key == key)).first()
    before = row.value if row else choice.default
    row = row or WorkspaceSetting(team_id=actor.team_id, key=key, value=value, updated_by=actor.user_id,
                                  updated_at=actor.at())
    row.value, row.updated_by, row.updated_at = value, actor.user_id, actor.at()
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # set at the same moment elsewhere: the later write wins on the next try
        raise InvalidInput({key: "Changed at the same moment by someone else; try again."}) from None
    audit.record(session, actor, "setting.set", "workspace", None, key=key, before=before, after=value)
    return value
