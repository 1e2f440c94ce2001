"""Issue 11: `slm-bot import --team T… file.csv`: history whole or not at all, bad rows named by line."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from sqlmodel import func, select

from models.measurements import Outage, Ticket, TicketEvent

DOCS = Path(__file__).resolve().parents[2] / "docs"


def count(db, table) -> int:
    with db.session() as s:
        return s.exec(select(func.count()).select_from(table)).one()


def test_the_example_files_import_and_import_again_changes_nothing(slm_bot, db, team, services):
    code, out, err = slm_bot("import", "--team", team, str(DOCS / "example-tickets.csv"))
    assert code == 0, err
    assert "8 stored, 0 corrected, 0 unchanged" in out  # three tickets: 3 opened, 3 responded, 2 resolved
    assert slm_bot("import", "--team", team, str(DOCS / "example-ticket-events.csv"))[0] == 0
    assert slm_bot("import", "--team", team, str(DOCS / "example-outages.csv"))[0] == 0
    with db.session() as s:
        tickets = {t.external_id: t for t in s.exec(select(Ticket))}
        assert {t.source for t in tickets.values()} == {"import"}
        assert tickets["INC0010001"].resolved_at == datetime(2026, 2, 2, 11, 40, tzinfo=timezone.utc)
        assert tickets["INC0010003"].resolved_at is None and tickets["INC0010003"].assigned_group_id is not None
        assert tickets["INC0010002"].title == "Payslip PDF shows last month's logo, again"
        assert tickets["INC0010004"].resolved_at == datetime(2026, 2, 12, 10, 15, tzinfo=timezone.utc)
        assert [o.impact for o in s.exec(select(Outage).order_by(Outage.started_at))] == ["full", "degraded"]
    again = slm_bot("import", "--team", team, str(DOCS / "example-tickets.csv"))
    assert "0 stored, 0 corrected, 8 unchanged" in again[1]


def test_a_file_with_bad_rows_names_each_line_and_imports_nothing(slm_bot, db, team, services, tmp_path):
    bad = tmp_path / "tickets.csv"
    bad.write_text(
        "ticket,service,priority,opened_at,resolved_at\n"
        "INC1,Payroll,P1,2026-02-02T09:00:00Z,2026-02-02T10:00:00Z\n"
        "INC2,Payroll,P7,2026-02-02T09:00:00Z,\n"
        "INC3,Payrol,P2,2026-02-02T09:00:00Z,\n"
        "INC4,Payroll,P2,2026-02-02 09:00,\n")
    code, out, err = slm_bot("import", "--team", team, str(bad))
    assert code == 1 and out == ""
    assert "nothing imported" in err
    assert "line 3: priority: Input should be 'P1', 'P2', 'P3' or 'P4'" in err
    assert "line 5: opened_at: Input should have timezone info" in err
    assert "line 4" not in err  # the domain's check runs once every row reads well
    assert count(db, Ticket) == count(db, TicketEvent) == 0
    bad.write_text(bad.read_text().replace("P7", "P2").replace("2026-02-02 09:00", "2026-02-02T09:00Z"))
    code, _out, err = slm_bot("import", "--team", team, str(bad))
    assert code == 1 and "line 4: service: There is no service called “Payrol” on the service map." in err
    assert count(db, Ticket) == count(db, TicketEvent) == 0


def test_times_without_a_zone_are_read_in_the_zone_given(slm_bot, db, team, services, tmp_path):
    f = tmp_path / "outages.csv"
    f.write_text("id,service,start,end\nO1,Payroll,2026-07-01 09:00,2026-07-01T10:00:00+01:00\n")
    assert slm_bot("import", "--team", team, "--timezone", "Europe/London", str(f))[0] == 0
    with db.session() as s:
        row = s.exec(select(Outage)).one()
    assert (row.started_at.hour, row.ended_at.hour) == (8, 9)  # BST
    assert slm_bot("import", "--team", team, "--timezone", "Mars/Olympus", str(f))[0] == 2


def test_a_file_that_is_not_one_of_ours_says_which_columns_it_wants(slm_bot, team, tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("number,when\n1,today\n")
    code, _out, err = slm_bot("import", "--team", team, str(f))
    assert code == 1 and "line 1: the header names no known kind of file" in err
    f.write_text("id,service,start,colour\n")
    assert "unknown columns for a file of outages: colour" in slm_bot("import", "--team", team, str(f))[2]
    assert slm_bot("import", "--team", "nonsense", str(f))[0] == 2
    assert "cannot read" in slm_bot("import", "--team", team, str(tmp_path / "missing.csv"))[2]
