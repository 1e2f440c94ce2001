"""Every Block Kit template renders blocks Slack accepts, with hostile text in every field."""
from __future__ import annotations

from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from bot.service_map.changes import Removal
from bot.service_map import LinkView, PartyView, ServiceView
from handlers.commands.router import help_message
from handlers.presenters.home import action_lines
from handlers.registry import subcommands
from messages import mrkdwn_escape, mrkdwn_ours, render, render_message, visible
from models import ContactRole, Party, PartyKind, Service, ServiceLink
from tests.helpers import assert_no_typed_markup, assert_valid_blocks

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
EVIL = ('Acme <script> & "quotes" *bold* _pay_ ~roll~ `tick` <!channel> <https://evil.example|click> \x85\x7f\n new: line {{ x }} '
        + "x" * 200)


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
    rows = [{"kind": "SLA", "name": EVIL, "status": "agreed (v3)", "link": "https://x.slack.com/archives/C1/p1"}] * 40
    actions = [SimpleNamespace(due=NOW.date(), title=EVIL)] * 5
    actions = [SimpleNamespace(due=NOW.date(), title=EVIL, number=i, kind="upgrade", owner_user_id="U1")
               for i in range(40)]
    fullest = {**home_at_its_fullest(), "services": views, "services_total": len(views), "parties_total": 1, "agreements": rows,
               "agreements_total": len(rows)}
    assert_valid_blocks(render("home.yml.j2", open_actions=actions,
                               listed=action_lines(actions[:10], {1: EVIL}, {1, 2}, NOW.date()), more=30, overdue=3,
                               can_edit=True, **fullest), view=True)


def home_at_its_fullest() -> dict:
    """A service manager's own lists, each as long as the Home draws it (the rest counted): within 100 blocks."""
    from tests.unit.template_fixtures import _home
    full = _home(EVIL)
    sla = full["slas"][0]
    return dict(mine=full["mine"] * 5, mine_more=300, mine_overdue=10, lists=full["lists"], slas=[sla] * 15,
                slas_more=40)


def test_party_view():
    p = party()
    links = [LinkView(party=p, service=service(i), component="", activities=["a"]) for i in range(30)]
    msg = render_message("party.yml.j2", view=PartyView(party=p, contacts={r: ["U1", "U2"] for r in ContactRole}, links=links))
    assert_valid_blocks(msg)


def test_help_and_errors():
    assert len(subcommands()) >= 5
    assert_valid_blocks(help_message(unknown=EVIL))
    assert_valid_blocks(render_message("error.yml.j2", parts=[EVIL * 30], ours=True))
    assert_valid_blocks(render_message("map_unknown.yml.j2", asked=EVIL, known=[EVIL] * 40))


def test_forms():
    services = [service(i) for i in range(100)]
    parties = [party(i, kind) for i, kind in enumerate(list(PartyKind) * 30)]
    groups = [(k.value, [p for p in parties if p.kind == k.value]) for k in PartyKind]
    assert_valid_blocks(render("link_form.yml.j2", services=services, party_groups=groups, chosen=services[3],
                               service_search=False, party_search=False,
                               activities=["a", "b"], other="other", private_metadata="{}"), view=True)
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
    for kind in ("service", "party", "calendar", "link"):
        assert_valid_blocks(render_message("map_remove_confirm.yml.j2", removal=Removal(kind, "1", EVIL[:120])))
        assert_valid_blocks(render_message("map_removed.yml.j2", kind=kind, name=EVIL[:120], removed=kind == "link"))
        assert_valid_blocks(render_message("map_renamed.yml.j2", kind=kind, old=EVIL[:120], new=EVIL[:120]))
    grants = [SimpleNamespace(user_id=f"U{i}", role="service_manager") for i in range(300)]
    assert_valid_blocks(render_message("roles.yml.j2", grants=grants))


def test_user_text_cannot_forge_mentions_or_links():
    msg = render_message("service_added.yml.j2", service=service())
    text = msg["blocks"][0]["text"]["text"]
    assert "<script>" not in text and "&lt;script&gt;" in text


# ---- requirements ----------------------------------------------------------------------------
from bot import requirements as reqs  # noqa: E402
from bot.benchmarks import load_benchmarks  # noqa: E402
from models import Requirement  # noqa: E402


def requirement(n, **kw):
    base = dict(id=n, team_id="T", number=n, service_id=1, customer_id=1, said_by="U1", said_role="managerial",
                source="message", source_permalink="https://x.slack.com/archives/C1/p1", source_quote=EVIL,
                category="resolution_time", statement=EVIL * 10, metric="resolution_time", level="P1",
                target="4 business hours", period="monthly", service_hours="Mon-Fri 08:00-18:00 Europe/London",
                priority="must", status="declined", status_reason=EVIL, confirmed_by="U2", created_at=NOW,
                created_by="U3")
    base.update(kw)
    return Requirement(**base)


def test_requirement_forms():
    for tz in ("Europe/London", "America/Argentina/ComodRivadavia"):
        assert_valid_blocks(render("req_details.yml.j2", private_metadata="{}", service=EVIL, customer=EVIL, tz=tz,
                                   topics=[k for k in reqs.TOPIC_FIELDS]), view=True)
    assert_valid_blocks(render("req_who.yml.j2", private_metadata="{}", services=[(i, EVIL) for i in range(100)],
                               customers=[(i, EVIL) for i in range(100)], service_id=3, customer_id=4, ask_role=True,
                               quote=mrkdwn_escape(EVIL) * 20 + " <!here>", quote_author="U1"), view=True)
    for role in ("managerial", "operational"):
        assert_valid_blocks(render("req_topics.yml.j2", private_metadata="{}", service=EVIL, customer=EVIL, role=role,
                                   topics=reqs.topics_for(role)), view=True)
    for cat in ("availability", "response_time", "support_hours", "capacity", "reporting", "security", "other"):
        assert_valid_blocks(render("req_quote.yml.j2", private_metadata="{}", service=EVIL, customer=EVIL, author="U1",
                                   role="operational", statement=EVIL * 10, category=cat, tz="UTC",
                                   categories=[(c.value, c.label) for c in reqs.Category]), view=True)
    r = requirement(1)
    assert_valid_blocks(render("req_correct.yml.j2", requirement=r, target_hint="x", private_metadata="{}"), view=True)
    assert_valid_blocks(render("req_decline.yml.j2", requirement=r, private_metadata="{}"), view=True)


def test_requirement_messages_stay_within_limits():
    many = [requirement(n, category=c.value) for n, c in zip(range(1, 80), list(reqs.Category) * 10)]
    listing = reqs.Listing(title=EVIL, by_category=[(c, [r for r in many if r.category == c.value]) for c in reqs.Category],
                           conflicts=[reqs.Conflict("P1 resolution time", many[:30])] * 5,
                           services={1: EVIL}, customers={1: EVIL})
    assert_valid_blocks(render_message("req_list.yml.j2", listing=listing))
    # beside each, what the target answering it achieved (agreement names are people's text)
    assert_valid_blocks(render_message("req_list.yml.j2", listing=listing, achieved={r.id: EVIL * 12 for r in many}))
    comparison = reqs.Comparison(asked="99.9%", low="99.5%", typical="99.9%", high="99.99%", count=12, metric="availability")
    assert_valid_blocks(render_message("req_recorded.yml.j2", requirements=many[:17], service=service(), customer=party(),
                                       said_by="U1", role="operational", comparisons={1: comparison},
                                       ask_requester=True, numbers=",".join(str(n) for n in range(1, 18))))
    assert_valid_blocks(render_message("req_confirm_request.yml.j2", requirements=many[:17], recorder="U3",
                                       numbers="1,2", service=service(), customer=party()))


def test_benchmark_message():
    from handlers.commands.benchmark import _formatter

    library = load_benchmarks()
    for metric in library.metrics():
        groups = library.find(metric)
        assert_valid_blocks(render_message("benchmark.yml.j2", metric=metric, priority=None, groups=groups,
                                           fmt=_formatter(groups[0].unit), asked=metric, metrics=library.metrics()))
    assert_valid_blocks(render_message("benchmark.yml.j2", metric=None, priority=None, groups=[], fmt=None, asked=EVIL,
                                       metrics=library.metrics()))


# ---- agreements ---------------------------------------------------------------------------------
from datetime import date  # noqa: E402

from bot import agreements as agr  # noqa: E402
from messages.markdown import chunks  # noqa: E402
from models import Agreement, AgreementVersion  # noqa: E402


def agreement_row(**kw):
    base = dict(id=1, team_id="T", kind="sla", name=EVIL[:100], name_key="x", counterparty_id=1,
                start_date=date(2026, 4, 1), end_date=date(2027, 3, 31), review_month=4, status="negotiating",
                latest_version=7, agreed_version=5, channel_id="C1", thread_ts="1.1", clauses={}, created_at=NOW,
                created_by="U1")
    base.update(kw)
    return Agreement(**base)


def test_agreement_messages_and_forms():
    a = agreement_row()
    assert_valid_blocks(render_message("agreement_headline.yml.j2", agreement=a, kind_label="SLA", upgrades=[],
                                       counterparty_label="Customer", counterparty=EVIL, services=[EVIL] * 30,
                                       status_line="negotiating (v7)", review_month="April", targets=[1] * 40,
                                       signatures={"provider": "U1"}, open=True, waived=3,
                                       pending={"start": "2027-04-01", "end": "2028-03-31", "review_month": 4}))
    content = {"targets": [{"key": f"T{i}", "description": EVIL, "period": "monthly", "calendar": EVIL,
                            "requirement": i} for i in range(60)]}
    version = AgreementVersion(id=1, team_id="T", agreement_id=1, number=1, reason=EVIL, changes=[EVIL] * 80,
                               content=content, document="x", document_sha256="a" * 64, created_at=NOW, created_by="U1")
    assert_valid_blocks(render_message("agreement_version.yml.j2", version=version, name=EVIL,
                                       unanswered=[requirement(n) for n in range(1, 40)], warning=EVIL * 30))
    assert_valid_blocks(render_message("agreement_agreed.yml.j2", now_agreed=False, number=3, who=["U1"], active=False,
                                       start="2026-04-01", user="U1", side_label="provider", waiting_for=EVIL, sha="a" * 64))
    doc = (EVIL + "\n\n| a | b |\n|---|---|\n| " + EVIL + " | x |\n") * 200
    assert_valid_blocks(render_message("agreement_show.yml.j2", name=EVIL, number=3, author="U1", sha="a" * 64,
                                       reason=EVIL, standing="in force", chunks=chunks(doc)))
    assert_valid_blocks(render_message("agreement_diff.yml.j2", name=EVIL, a=1, b=2, changes=[EVIL] * 100))
    rows = [{"name": EVIL, "status": "agreed", "counterparty": EVIL, "next_review": "2026-04-01", "thread": "https://x/y"}] * 80
    assert_valid_blocks(render_message("agreement_list.yml.j2", rows=rows, kind="sla", kind_label="SLA"))
    for kind in ("sla", "uc"):
        assert_valid_blocks(render("agreement_draft.yml.j2", kind=kind, kind_label="Underpinning contract", name=EVIL[:100],
                                   counterparty_label="Customer", parties=[(i, EVIL) for i in range(100)], counterparty_id=3,
                                   services=[(i, EVIL) for i in range(100)], chosen_services=[(3, EVIL)],
                                   party_search="search_party:customer", start="2026-04-01",
                                   end="2027-03-31", months=[(str(i + 1), m) for i, m in enumerate(agr.MONTHS)],
                                   review_month="4", channel_id="C1", private_metadata="{}"), view=True)
    searching = render("agreement_draft.yml.j2", kind="sla", kind_label="SLA", name="n", counterparty_label="Customer",
                       parties=[(i, EVIL) for i in range(102)], counterparty_id=101, services=[(i, EVIL) for i in range(101)],
                       chosen_services=[(3, EVIL)], party_search="search_party:customer", start="2026-04-01",
                       end="2027-03-31", months=[("4", "April")], review_month="4", channel_id="C1", private_metadata="{}")
    assert_valid_blocks(searching, view=True)
    elements = [b["element"] for b in searching["blocks"] if b.get("block_id") in ("agr_counterparty", "agr_services")]
    assert [(e["type"], e["action_id"]) for e in elements] == [("external_select", "search_party:customer"),
                                                               ("multi_external_select", "search_service")]
    assert elements[0]["initial_option"]["value"] == "101" and elements[1]["initial_options"][0]["value"] == "3"
    for change, kind in (("target:T1", "resolution"), ("target:new", "metric"), ("target:new", None), ("clause:scope", None), ("clause:charges", None),
                         ("term", None), ("remove:T1", None), ("target:T2", "availability")):
        assert_valid_blocks(render("agreement_propose.yml.j2", agreement=a, choices=[("target:T1", EVIL)] * 99 + [(change, "x")],
                                   change=change, target=None, kind=kind, calendars=[(i, EVIL) for i in range(100)],
                                   months=[(str(i + 1), m) for i, m in enumerate(agr.MONTHS)], clause_heading="Scope",
                                   clause_text=EVIL * 10, term_start="2026-04-01", term_end="2027-03-31", term_month=4,
                                   private_metadata="{}", credit_hint=EVIL), view=True)


def test_a_document_keeps_its_bold_but_not_the_markup_of_names_in_it():
    [piece] = chunks("# SLA: *bold* _pay_ ~roll~\n\n- **Customer:** `tick` Acme\n\n| T1 | *bold* `tick` |\n|---|---|\n")
    assert piece.startswith("*SLA: ∗bold∗ ˍpayˍ ∼roll∼*") and "*Customer:*" in piece
    assert_no_typed_markup(piece)


def test_markdown_chunks_fit_sections():
    doc = "# Title\n\n" + ("word " * 2000) + "\n\n| a | b |\n|---|---|\n" + ("| x | y |\n" * 500)
    pieces = chunks(doc)
    assert all(len(p) <= 3000 for p in pieces) and pieces[0].startswith("*Title*")
    assert all(p.count("```") % 2 == 0 for p in pieces)


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",))))
def test_any_text_survives_a_template_exactly(s):
    view = render("req_decline.yml.j2", private_metadata=s, requirement=SimpleNamespace(number=1, statement=s))
    assert view["private_metadata"] == s  # a value that is not shown comes back exactly
    assert render_message("req_status.yml.j2", sentence=s)["text"] == mrkdwn_ours(visible(s))  # shown: escaped


def test_many_services_and_parties_make_a_link_form_that_searches():
    view = render("link_form.yml.j2", services=[service(i) for i in range(100)], party_groups=[],
                  service_search=True, party_search=True, chosen=service(7),
                  activities=["a"], other="other", private_metadata="{}")
    assert_valid_blocks(view, view=True)
    elements = {b["block_id"]: b["element"] for b in view["blocks"] if b.get("block_id") in ("link_service", "link_party")}
    assert {e["type"] for e in elements.values()} == {"external_select"}
    assert elements["link_service"]["initial_option"]["value"] == "7"
    assert not any("options" in e or "option_groups" in e for e in elements.values())


def test_a_long_quote_in_any_script_fits_private_metadata():
    from handlers.views.requirement_flow import METADATA_LIMIT, QUOTE_LIMIT, Flow

    for letter in ("я", "字", "a", "😀"):
        flow = Flow(kind="quote", said_by="U1", channel_id="C1", service_id=1, customer_id=2, role="managerial",
                    quote=(letter * 5000)[:QUOTE_LIMIT], statement=letter * 3000, permalink="https://x/" + "p" * 200)
        assert len(flow.dump()) <= METADATA_LIMIT
        assert Flow(**__import__("json").loads(flow.dump())).quote.startswith(letter)


def test_a_ladder_proposal_says_every_change_or_how_many_more_and_escapes_what_was_typed():
    """The first version after ladders became terms states every target's ladder set before: more changes than the
    reply lists are counted, not dropped; the agreement's and customer's names are escaped."""
    changed = dict(agreement=EVIL[:120], target="T1", number=5, counterparty=EVIL[:120], agreed=True,
                   in_force="50% group", steps="75% group", organisation=False, no_callback=False,
                   changes=[f"T{i}'s escalation ladder, set before ladders were terms, now stated: 50% group"
                            for i in range(1, 26)])
    msg = render_message("ladder.yml.j2", organisation=None, own=[], pager=None, callback=None, callback_set=False,
                         changed=changed)
    assert_valid_blocks(msg)
    text = msg["blocks"][0]["text"]["text"]
    assert "T20's escalation ladder" in text and "T21's" not in text
    assert "…and 5 more changes, in the version posted in the agreement's thread" in text
