"""Stored calendars: when a target's clock runs. One calendar serves many targets."""
from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from bot import audit, parsing, text
from bot.calendars import public_holidays
from bot.workspace.actor import Actor
from bot.errors import InvalidInput, NotFound
from bot.workspace.permissions import Capability, require
from models import Calendar
from models.base import name_key


def _holidays_check(country: str | None, subdiv: str | None) -> tuple[str | None, str | None]:
    country = (country or "").strip().upper() or None
    subdiv = (subdiv or "").strip().upper() or None
    if country is None:
        if subdiv:
            raise InvalidInput({"holidays_country": "Name the country the region belongs to, e.g. GB for ENG."})
        return None, None
    if country not in public_holidays.supported_countries():
        raise InvalidInput({"holidays_country": f"I know no public holidays for “{country}”. Use a two-letter "
                                                "country code, e.g. GB, FR, US, IN."})
    if subdiv and subdiv not in (public_holidays.supported_countries()[country] or []):
        known = ", ".join(public_holidays.supported_countries()[country][:12])
        raise InvalidInput({"holidays_subdiv": f"“{subdiv}” is not a region of {country}. Known: {known}…"})
    return country, subdiv


def parse_closures(text: str | None) -> list[str]:
    """Dates typed as 2026-12-24, separated by commas, spaces or lines."""
    out: list[str] = []
    for word in (text or "").replace(",", " ").split():
        try:
            out.append(date.fromisoformat(word).isoformat())
        except ValueError:
            raise InvalidInput({"closures": f"I couldn't read “{word}” as a date. Write dates like 2026-12-24."}) from None
    return sorted(set(out))


def add(session: Session, actor: Actor, *, name: str | None, hours: str | None, holidays_country: str | None = None,
        holidays_subdiv: str | None = None, closures: str | None = None) -> Calendar:
    require(actor, Capability.DRAFT_AGREEMENT)
    errors: dict[str, str] = {}
    clean = text.line(name)
    if not clean:
        errors["name"] = "Give the calendar a name, e.g. “UK office hours”."
    elif len(clean) > 120:
        errors["name"] = "Keep the name under 120 characters."
    elif by_name(session, actor.team_id, clean):
        errors["name"] = f"There is already a calendar called “{clean}”."
    canonical = None
    try:
        canonical = parsing.format_service_hours(parsing.parse_service_hours(hours or "", actor.tz))
    except parsing.ParseError as err:
        errors["hours"] = str(err)
    try:
        country, subdiv = _holidays_check(holidays_country, holidays_subdiv)
    except InvalidInput as err:
        errors.update(err.errors)
    try:
        days = parse_closures(closures)
    except InvalidInput as err:
        errors.update(err.errors)
    if errors:
        raise InvalidInput(errors)
    row = Calendar(team_id=actor.team_id, name=clean, name_key=name_key(clean), hours=canonical,
                   holidays_country=country, holidays_subdiv=subdiv, closures=days, created_at=actor.at(),
                   created_by=actor.user_id)
    session.add(row)
    session.flush()
    audit.record(session, actor, "calendar.add", "calendar", row.id, name=clean, hours=canonical, country=country,
                 after=audit.snapshot(row))
    return row


def for_hours(session: Session, actor: Actor, hours: str) -> Calendar:
    """The calendar with exactly these hours and no holidays, made on first use (drafting from requirements)."""
    found = session.exec(select(Calendar).where(Calendar.team_id == actor.team_id, Calendar.hours == hours,
                                                Calendar.holidays_country.is_(None)).order_by(Calendar.id)).first()
    if found:
        return found
    name = hours[:100] if not by_name(session, actor.team_id, hours[:100]) else f"{hours[:90]} (from requirements)"
    row = Calendar(team_id=actor.team_id, name=name, name_key=name_key(name), hours=hours, closures=[],
                   created_at=actor.at(), created_by=actor.user_id)
    session.add(row)
    session.flush()
    audit.record(session, actor, "calendar.add", "calendar", row.id, name=name, hours=hours, made_for="requirements",
                 after=audit.snapshot(row))
    return row


def by_name(session: Session, team_id: str, name: str) -> Calendar | None:
    return session.exec(select(Calendar).where(Calendar.team_id == team_id, Calendar.name_key == name_key(name))).first()


def get(session: Session, team_id: str, calendar_id: int) -> Calendar:
    row = session.get(Calendar, calendar_id)
    if row is None or row.team_id != team_id:
        raise NotFound("That calendar no longer exists.")
    return row


def all_of(session: Session, team_id: str) -> list[Calendar]:
    return list(session.exec(select(Calendar).where(Calendar.team_id == team_id).order_by(Calendar.name_key)))


def describe(row: Calendar | None) -> dict:
    """What a document or a message says of a calendar."""
    if row is None:
        return {"name": "24x7", "hours": "24x7", "holidays": "", "closures": []}
    region = f"{row.holidays_country}-{row.holidays_subdiv}" if row.holidays_subdiv else (row.holidays_country or "")
    return {"name": row.name, "hours": row.hours, "holidays": region, "closures": list(row.closures)}
