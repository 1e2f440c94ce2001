"""The pack as a Markdown document: the committed example is what the in-house template renders for the world of
tests/reviews/pack_world.py; an organisation's own template is used, and a broken one reported; the chart."""
from __future__ import annotations

import os
import struct
from pathlib import Path

from bot import agreements, reviews
from bot.reviews import chart, pack_document
from models import Agreement
from tests.reviews.pack_world import NOV, NOW, OCT, build

EXAMPLE = Path(__file__).parents[2] / "docs" / "example-review-pack.md"
CHARTS = Path(__file__).parents[2] / "var" / "review-charts"
DOCS = agreements.DocSettings(provider_name="Example IT Services", templates_dir=None)


def _pack(db, team):
    world = build(db, team)
    with db.session() as s:
        return reviews.build_pack(s, s.get(Agreement, world.agreement_id), OCT, NOV, NOW)


def test_the_committed_example_is_what_the_template_renders(db, team):
    pack = _pack(db, team)
    with db.session() as s:
        rendered = pack_document.render(s, team, pack, DOCS, NOW)
    assert rendered.template == "built-in" and rendered.warning is None
    if os.environ.get("UPDATE_EXAMPLES"):
        EXAMPLE.write_text(rendered.text)
    assert EXAMPLE.read_text() == rendered.text, "docs/example-review-pack.md is stale: run UPDATE_EXAMPLES=1 make test"
    for line in ("| T1: Availability 99.9% | 99.9% | 99.75% | **missed** | 0.15 points under the goal |",
                 "| T1 | 5% of the monthly charge per 0.1% under | £900.00 | £600.00 × 0.15% under / 0.1% = £900.00 |",
                 "| T4 | at the provider's discretion | not computable: at the provider's discretion | — |",
                 "**Total credit for the period:** £2,020.00.",
                 "- [x] #2 Add a second on-call engineer", "- Known risk: The payroll vendor upgrades its API in November"):
        assert line in rendered.text


def test_an_organisations_own_template_is_used_and_a_broken_one_reported(db, team, tmp_path):
    pack = _pack(db, team)
    own = agreements.DocSettings(provider_name="Example IT Services", templates_dir=tmp_path)
    (tmp_path / "review_pack.md.j2").write_text("# {{ agreement }} in {{ period_label }}: {{ credit_totals|join }}\n")
    with db.session() as s:
        rendered = pack_document.render(s, team, pack, own, NOW)
    assert (rendered.text, rendered.template) == ("# Acme Payroll in Oct 2026: £2,020.00\n", "review_pack.md.j2")
    (tmp_path / "review_pack.md.j2").write_text("{{ nope.deeper }}\n")
    with db.session() as s:
        broken = pack_document.render(s, team, pack, own, NOW)
    assert broken.text.startswith("# Acme Payroll in Oct 2026")  # the last version that worked stays in force
    assert broken.warning.startswith("Your template review_pack.md.j2, line 1:")


def test_the_chart_is_a_png_a_person_can_open(db, team):
    png = chart.render_png(_pack(db, team))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (800, 940) and 10_000 < len(png) < 500_000  # four panels of 2.2 in, at 100 dpi
    CHARTS.mkdir(parents=True, exist_ok=True)
    (CHARTS / "acme-payroll-review-2026-10-01.png").write_bytes(png)
