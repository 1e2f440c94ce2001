"""The benchmark seed (tests/bench/seed.py) at its smoke scale: its rows are the ones the domain writes, and the
screens the benchmarks time (`/slm map`, `/slm sla list`, the App Home) work on them."""
from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlmodel import select

from bot import agreements
from bot.agreements import documents, versions
from bot.cover import check_agreement
from models import Requirement
from tests.bench.seed import PROVIDER_NAME, SCALES, party_name, seed, service_name
from tests.conftest import START
from tests.helpers import text_of

ALICE, BOB, CAROL = "U0ALICE", "U0BOB", "U0CAROL"


@pytest.fixture
def seeded(db, team):
    return seed(db, team, SCALES["smoke"])


def test_each_version_is_the_snapshot_and_document_the_domain_would_make(db, team, seeded):
    with db.session() as s:
        for agreement in agreements.list_agreements(s, team):
            row = agreements.version(s, agreement)
            content = versions.snapshot(s, agreement)
            assert row.content == content, agreement.name
            rendered = documents.render_agreement(s, team, versions.document_context(content, 1, PROVIDER_NAME),
                                                  kind=agreement.kind, templates_dir=None, now=START)
            assert (row.document, row.document_sha256) == (rendered.text, rendered.sha256), agreement.name
            assert {x.side: x.document_sha256 for x in agreements.signoffs(s, agreement, 1)} == \
                {"provider": rendered.sha256, "counterparty": rendered.sha256}


def test_every_sla_target_has_an_ola_and_a_contract_leg_that_the_check_can_read(db, team, seeded):
    with db.session() as s:
        sla = agreements.get(s, team, seeded.sla_ids[0])
        checks = check_agreement(s, sla)
        assert len(checks) == 4
        assert all(c.verdict in ("covered", "at risk", "not covered") for c in checks)
        answered = s.exec(select(func.count()).select_from(Requirement).where(
            Requirement.team_id == team, Requirement.status == "accepted")).one()
        assert answered == 4 * SCALES["smoke"].slas  # each SLA target accepted the ask it answers


def test_the_map_answers_on_the_seeded_world(slack, sandbox, seeded):
    assert slack.command("map").ok
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert service_name(0) in shown and party_name("customer", 0) in shown


def test_the_sla_list_answers_on_the_seeded_world(slack, sandbox, seeded):
    assert slack.command("sla list").ok
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert f"*{party_name('customer', 0)}: {service_name(0)}* with {party_name('customer', 0)}: active (v1)" in shown


def test_the_app_home_answers_on_the_seeded_world(slack, sandbox, team, seeded):
    assert slack.open_home(user=BOB).ok  # the granted service manager: every SLA
    shown = text_of(sandbox.home(team, BOB))
    assert "*Every SLA*" in shown and f"{party_name('customer', 0)}: {service_name(0)}" in shown
    assert slack.open_home(user=CAROL).ok  # every customer's approver
    assert "*SLAs awaiting your agreement*" in text_of(sandbox.home(team, CAROL))
