"""The workspace's stored calendars: adding, listing and finding them, through the services with a real session."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlmodel import select

from bot.calendars import BusinessCalendar, records
from bot.errors import InvalidInput, NotFound, PermissionDenied
from bot.parsing import parse_service_hours
from models import Calendar
from tests.unit.people import TEAM, manager, member


def test_a_calendar_is_kept_in_canonical_hours_with_its_holidays_and_closures(session):
    office = records.add(session, manager(tz="Europe/London"), name="UK office", hours="weekdays 9-5",
                         holidays_country=" gb ", holidays_subdiv="eng", closures="2026-12-24, 2026-12-24\n2026-12-31")
    assert (office.hours, office.holidays_country, office.holidays_subdiv) == (
        "Mon-Fri 09:00-17:00 Europe/London", "GB", "ENG")
    assert office.closures == ["2026-12-24", "2026-12-31"]
    assert records.describe(office) == {"name": "UK office", "hours": "Mon-Fri 09:00-17:00 Europe/London",
                                        "holidays": "GB-ENG", "closures": ["2026-12-24", "2026-12-31"]}
    assert records.get(session, TEAM, office.id) == office
    # What is stored makes the calendar the deadline arithmetic runs on.
    clock = BusinessCalendar(parse_service_hours(office.hours), office.holidays_country, office.holidays_subdiv)
    assert clock.is_open(datetime(2026, 7, 1, 8, 30, tzinfo=timezone.utc))  # 09:30 in London's summer
    assert "Christmas" in clock.closed_reason(date(2026, 12, 25))


def test_every_mistake_in_a_new_calendar_is_named_at_once(session):
    with pytest.raises(InvalidInput) as refused:
        records.add(session, manager(), name=" ", hours="whenever", holidays_country="XX", closures="24/12/2026")
    assert set(refused.value.errors) == {"name", "hours", "holidays_country", "closures"}
    assert "2026-12-24" in refused.value.errors["closures"]  # shows how to write a date
    with pytest.raises(InvalidInput) as refused:
        records.add(session, manager(), name="Nights", hours="24x7", holidays_subdiv="ENG")
    assert refused.value.errors == {"holidays_country": "Name the country the region belongs to, e.g. GB for ENG."}
    assert session.exec(select(Calendar)).all() == []


def test_calendar_names_are_unique_whatever_the_case_and_listed_in_order(session):
    records.add(session, manager(), name="UK office", hours="weekdays 9-5 Europe/London")
    records.add(session, manager(), name="India support", hours="Mon-Sat 9-18 Asia/Kolkata", holidays_country="IN")
    with pytest.raises(InvalidInput) as refused:
        records.add(session, manager(), name="uk OFFICE", hours="24x7")
    assert refused.value.errors == {"name": "There is already a calendar called “uk OFFICE”."}
    assert [c.name for c in records.all_of(session, TEAM)] == ["India support", "UK office"]
    assert records.by_name(session, TEAM, "india SUPPORT").holidays_country == "IN"


def test_only_those_who_draft_agreements_keep_calendars(session):
    with pytest.raises(PermissionDenied, match="draft agreements and keep calendars"):
        records.add(session, member(), name="UK office", hours="24x7")


def test_hours_from_requirements_get_one_calendar_made_on_first_use(session):
    made = records.for_hours(session, manager(), "Mon-Fri 08:00-18:00 UTC")
    again = records.for_hours(session, manager(), "Mon-Fri 08:00-18:00 UTC")
    assert again.id == made.id and made.name == "Mon-Fri 08:00-18:00 UTC"
    assert len(records.all_of(session, TEAM)) == 1


def test_another_workspace_s_calendar_is_not_found(session):
    theirs = records.add(session, manager(team_id="T-OTHER"), name="Theirs", hours="24x7")
    with pytest.raises(NotFound, match="no longer exists"):
        records.get(session, TEAM, theirs.id)
    assert records.all_of(session, TEAM) == []
