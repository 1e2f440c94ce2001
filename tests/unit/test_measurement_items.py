"""The pure parts of taking measurements in: a CSV file reads as the items it holds, and a 422's field paths."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.api.errors import _loc, _path
from bot.errors import InvalidInput
from bot.measurements.csv_import import parse

# What a person might put in a cell: any printable text, commas, quotes and line breaks included, but no
# whitespace at its ends (a cell is read trimmed) and not empty (an empty cell is a value not given).
cells = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\ufeff"),
                min_size=1, max_size=40).map(str.strip).filter(bool)
zones = st.sampled_from([timezone.utc, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-8))])
moments = st.builds(lambda minutes, tz: datetime(2026, 1, 1, tzinfo=timezone.utc).astimezone(tz)
                    + timedelta(minutes=minutes), st.integers(0, 500_000), zones)


@st.composite
def outages(draw):
    start = draw(moments)
    end = draw(st.none() | st.integers(1, 10_000).map(lambda m: start + timedelta(minutes=m)))
    return {"id": draw(cells), "service": draw(cells.filter(lambda s: len(s) <= 120)), "start": start, "end": end,
            "impact": draw(st.sampled_from(["full", "degraded"])), "summary": draw(st.just("") | cells)}


def as_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["id", "service", "impact", "start", "end", "summary"])
    writer.writeheader()
    for r in rows:
        writer.writerow({**r, "start": r["start"].isoformat(), "end": r["end"].isoformat() if r["end"] else ""})
    return out.getvalue()


@given(st.lists(outages(), max_size=8))
def test_an_outages_file_reads_as_exactly_the_outages_written(rows):
    parsed = parse(as_csv(rows))
    got = [(o.id, o.service, o.impact.value, o.start, o.end, o.summary) for o in parsed.batch.outages]
    assert got == [(r["id"], r["service"], r["impact"], r["start"], r["end"], r["summary"]) for r in rows]
    for i in range(len(rows)):
        assert parsed.where("outages", i, "start") == f"line {i + 2}: start"


def test_a_line_break_inside_a_quoted_cell_keeps_the_lines_that_follow_counted_right():
    text = ('id,service,start,summary\nO1,Payroll,2026-01-01T09:00:00Z,"two\nlines"\n'
            "O2,Payroll,2026-01-01T09:00:00,one\n")
    with pytest.raises(InvalidInput) as err:
        parse(text)
    assert list(err.value.errors) == ["line 4: start"]


def test_a_ticket_row_becomes_its_events_and_errors_name_its_columns():
    parsed = parse("ticket,service,priority,opened_at,resolved_at\nINC1,Payroll,P1,2026-01-01T09:00:00Z,"
                   "2026-01-01T10:00:00Z\n")
    assert [(e.id, e.kind) for e in parsed.batch.ticket_events] == [("INC1/opened", "opened"),
                                                                    ("INC1/resolved", "resolved")]
    assert parsed.where("ticket_events", 1, "at") == "line 2: resolved_at"
    assert parsed.where("ticket_events", 0, "service") == "line 2: service"
    with pytest.raises(InvalidInput) as err:
        parse("id,ticket,kind,at\ne1,INC1,closed,2026-01-01T09:00:00Z\ne2,INC1,paused,2026-01-01T09:00:00Z\n")
    assert set(err.value.errors) == {"line 2: kind", "line 3: reason"}


paths = st.lists(st.one_of(st.sampled_from(["ticket_events", "outages", "service", "at", "id"]),
                           st.integers(0, 2000)), min_size=1, max_size=5).filter(lambda p: isinstance(p[0], str))


@given(paths)
def test_a_field_path_and_its_location_turn_into_each_other(parts):
    loc = ["body", *parts]
    assert _loc(_path(loc)) == loc


def test_the_event_kind_pydantic_tried_is_not_part_of_the_path():
    assert _path(("body", "ticket_events", 3, "opened", "priority")) == "ticket_events[3].priority"
    assert _path(("body", "paused", "reason")) == "reason"
    assert _path(("body",)) == "body"
