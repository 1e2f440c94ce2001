"""Every Block Kit template renders blocks Slack accepts, with hostile text in every field."""
from __future__ import annotations

from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from bot.service_map import LinkView, PartyView, ServiceView
from handlers.commands.router import SUBCOMMANDS, help_message
from messages import render, render_message
from models import ContactRole, Party, PartyKind, Service, ServiceLink
from tests.helpers import assert_valid_blocks

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
EVIL = 'Acme <script> & "quotes" *bold* `tick` \n new: line {{ x }} ' + "x" * 200


def party(i=1, kind=PartyKind.CUSTOMER, name=EVIL):
    return Party(id=i, team_id="T", kind=kind.value, name=f"{name}{i}", name_key=str(i), description=EVIL,
                 channel_id="C1", created_at=NOW, created_by="U")


def service(i=1):
    return Service(id=i, team_id="T", name=f"{EVIL}{i}", name_key=str(i), description=EVIL * 5, created_at=NOW,
                   created_by="U")


def big_map(n):
    views = []
    for i in range(n):
        s = service(i)
        links = [LinkView(party=party(j, k), service=s, component=EVIL, activities=[EVIL] * 3)
                 for j, k in enumerate(PartyKind)]
        views.append(ServiceView(service=s, consumers=links[:1], supporters=links[1:2], suppliers=links[2:]))
    return views


@pytest.mark.parametrize("n", [0, 1, 45])
def test_map_and_home(n):
    views = big_map(n)
    assert_valid_blocks(render_message("map.yml.j2", services=views, focus=None))
    assert_valid_blocks(render("home.yml.j2", services=views, parties=[party()], can_edit=True, actor=None), view=True)


def test_party_view():
    p = party()
    links = [LinkView(party=p, service=service(i), component="", activities=["a"]) for i in range(30)]
    msg = render_message("party.yml.j2", view=PartyView(party=p, contacts={r: ["U1", "U2"] for r in ContactRole}, links=links))
    assert_valid_blocks(msg)


def test_help_and_errors():
    assert len(SUBCOMMANDS) >= 5
    assert_valid_blocks(help_message(unknown=EVIL))
    assert_valid_blocks(render_message("error.yml.j2", text=EVIL * 30, ours=True))
    assert_valid_blocks(render_message("map_unknown.yml.j2", asked=EVIL, known=[EVIL] * 40))


def test_forms():
    services = [service(i) for i in range(100)]
    parties = [party(i, kind) for i, kind in enumerate(list(PartyKind) * 30)]
    groups = [(k, [p for p in parties if p.kind == k.value]) for k in PartyKind]
    assert_valid_blocks(render("link_form.yml.j2", services=services, party_groups=groups, service_id=3,
                               activities=["a", "b"], private_metadata="{}"), view=True)
    assert_valid_blocks(render("service_form.yml.j2", name=EVIL[:100], private_metadata="{}"), view=True)
    assert_valid_blocks(render("party_form.yml.j2", kinds=list(PartyKind), kind=PartyKind.SUPPLIER, name=EVIL[:100],
                               contact_blocks={r: f"b{r}" for r in ContactRole}, private_metadata="{}"), view=True)


def test_confirmations():
    p, s = party(), service()
    link = ServiceLink(id=1, team_id="T", service_id=1, party_id=1, component=EVIL, activities=[EVIL], created_at=NOW,
                       created_by="U")
    assert_valid_blocks(render_message("link_added.yml.j2", link=link, service=s, party=p))
    assert_valid_blocks(render_message("party_added.yml.j2", party=p, contacts={ContactRole.APPROVER: ["U1"]}))
    assert_valid_blocks(render_message("service_added.yml.j2", service=s))
    grants = [SimpleNamespace(user_id=f"U{i}", role="service_manager") for i in range(300)]
    assert_valid_blocks(render_message("roles.yml.j2", grants=grants))


def test_user_text_cannot_forge_mentions_or_links():
    msg = render_message("service_added.yml.j2", service=service())
    text = msg["blocks"][0]["text"]["text"]
    assert "<script>" not in text and "&lt;script&gt;" in text
