"""A context for every Block Kit template, with what people type filled by the caller's hostile text.

`FIXTURES["name.yml.j2"](h)` returns the keyword arguments that template renders with, every user-typed string
(names, descriptions, reasons, statements, quotes, ...) being `h` or containing it. Slack ids, numbers and dates
stay realistic: they come from Slack or from us, not from the keyboard. `test_templates_hostile.py` renders each
with short and 3,000+ character hostile text; a new template needs an entry here.
"""
from __future__ import annotations

from datetime import datetime, timezone
from types import SimpleNamespace as NS
from typing import Callable

from bot import requirements as reqs
from bot.agreements.terms import Decision
from bot.measurements.alert_labels import Mapping
from bot.measurements.manual import Recorded
from bot.measurements.timeline import ClockView, Row
from bot.measurements.leg_clocks import LegsView
from bot.measurements.leg_clocks import LegView as OlaLegView
from bot.service_map import LinkView, PartyView, ServiceView
from bot.service_map.changes import Removal
from handlers.commands.router import help_groups
from handlers.paging import Pager, value as page_value
from handlers.presenters.cover import CapabilityView, GapView, LegView, TargetView, UpgradeView
from handlers.presenters.actions import ActionItem
from handlers.presenters.home import ActionLine, sections
from models import ApiToken, ContactRole, Party, PartyKind, Requirement, Service, ServiceLink

from bot.reviews.pack import BreachLine, CreditFigure, Pack, PeriodFigure, TargetFigure
from bot.reviews.pack_preview import ActionLine as PackAction
from bot.reviews.pack_preview import Actions, Preview, WaiverLine
from bot.reviews.relationship import MonthRow, Relationship, TargetTrend

NOW = datetime(2026, 1, 2, tzinfo=timezone.utc)
TODAY = NOW.date()
SHA = "0123456789abcdef" * 4


def pager(h: str) -> Pager:
    """A middle page's foot: both buttons, their values carrying the hostile command."""
    return Pager(shown_from=21, shown_to=40, total=95, more=55, noun="services", previous_value=page_value(h, 0),
                 next_value=page_value(h, 40))


def party(h: str, i: int = 1, kind: PartyKind = PartyKind.CUSTOMER) -> Party:
    return Party(id=i, team_id="T", kind=kind.value, name=h, name_key=str(i), description=h, channel_id="C0SAFE",
                 created_at=NOW, created_by="U0SAFE")


def service(h: str, i: int = 1) -> Service:
    return Service(id=i, team_id="T", name=h, name_key=str(i), description=h, created_at=NOW, created_by="U0SAFE")


def service_views(h: str) -> list[ServiceView]:
    s = service(h)
    links = [LinkView(party=party(h, j, k), service=s, component=h, activities=[h, h]) for j, k in enumerate(PartyKind)]
    return [ServiceView(service=s, consumers=links[:1], supporters=links[1:2], suppliers=links[2:],
                        hidden={"customer": 3, "support_group": 0, "supplier": 12})] * 3


def requirement(h: str, n: int = 1, **kw) -> Requirement:
    base = dict(id=n, team_id="T", number=n, service_id=1, customer_id=1, said_by="U0SAFE", said_role="managerial",
                source="message", source_permalink="https://x.slack.com/archives/C1/p1", source_quote=h,
                category="resolution_time", statement=h, metric="resolution_time", level="P1", target=h,
                period="monthly", service_hours=h, priority="must", status="declined", status_reason=h,
                confirmed_by="U0SAFE", created_at=NOW, created_by="U0SAFE")
    return Requirement(**{**base, **kw})


def upgrade(h: str, state: str = "proposed") -> UpgradeView:
    return UpgradeView("T1", 3, h, "U0SAFE", "2026-03-20", state, "U0SAFE" if state != "proposed" else None)


def gap(h: str, state: str = "proposed", waived: bool = False) -> GapView:
    return GapView("time", h, "not covered", "12:0123456789abcdef", upgrade(h, state), "U0SAFE" if waived else None,
                   h if waived else None, not waived)


def target_views(h: str) -> list[TargetView]:
    legs = [LegView(1, "T1", h, "OLA", h, h), LegView(2, "T2", h, "Underpinning contract", h, h)]
    gaps = [gap(h), gap(h, "accepted", waived=True), gap(h, "due passed")]
    return [TargetView("T1", h, h, "not covered", legs, gaps, gaps), TargetView("T2", h, h, "covered", [], [], [])]


def action_lines(h: str) -> list[ActionLine]:
    return [ActionLine(1, h, "upgrade", h, "U0SAFE", "2026-03-20", True, True),
            ActionLine(2, h, "remedy", None, None, "2026-04-20", False, False)]


def _contacts() -> dict:
    return {r: ["U0SAFE", "U0OTHER"] for r in ContactRole}


def _home(h: str) -> dict:
    rows = [{"kind": "SLA", "name": h, "status": h, "link": "https://x.slack.com/archives/C1/p1"},
            {"kind": "OLA", "name": h, "status": h, "link": None}]
    return dict(services=service_views(h), services_total=300, parties_total=1, agreements=rows, agreements_total=250,
                listed=action_lines(h), more=3,
                overdue=1, can_edit=True, mine=action_lines(h), mine_more=250, mine_overdue=1,
                lists=sections(_theirs(h), "Europe/London"), slas_more=4,
                slas=[{"name": h, "status": h, "compliance": h, "cover": h, "link": "https://x.slack.com/archives/C1/p1",
                       "next_review": h, "sla_review": "Review due 2027-03-01"},
                      {"name": h, "status": h, "compliance": None, "cover": None, "link": None, "next_review": None,
                       "sla_review": None}])


def _theirs(h: str) -> dict:
    """What bot.reviews.home returns for a person, every typed name hostile."""
    from bot.reviews.home import AwaitingAgreement, Listed, MyBreach, MyReview, Snoozed
    return {"breaches": Listed([MyBreach(1, h, h, "breached", h, NOW)] * 8, 300),
            "reviews": Listed([MyReview(h, NOW, "meeting", "C0SAFE")], 1),
            "awaiting": Listed([AwaitingAgreement(h, 2, ("provider", "counterparty"), "https://x.slack.com/p1"),
                                AwaitingAgreement(h, 1, ("counterparty",), None)], 2),
            "snoozed": Listed([Snoozed(h, NOW)], 3)}


def _benchmark(h: str) -> dict:
    source = NS(url="https://example.org/report?a=1&b=2", publisher=h, document=h, year=2025)
    group = NS(priority="P1", tier=h, period="monthly", low="1", high="8", typical="4", points=[1, 2],
               sources=[source, source])
    return dict(metric="response_time", priority="P1", groups=[group], fmt=lambda v: f"{v}h", asked=h,
                metrics=["availability", "response_time"])


def _version(h: str) -> dict:
    content = {"targets": [{"key": "T1", "description": h, "period": "monthly", "calendar": h, "requirement": 7}],
               "workload_limits": [{"text": h, "excuses_text": h}]}  # the JSON the version stores, as stored
    version = NS(number=1, created_by="U0SAFE", reason=h, changes=[h], content=content, document_sha256=SHA)
    return dict(version=version, name=h, unanswered=[NS(number=2, statement=h, note=h)], warning=h, left=None)


def _listing(h: str) -> reqs.Listing:
    many = [requirement(h, n, category=c.value) for n, c in zip(range(1, 6), list(reqs.Category))]
    return reqs.Listing(title=h, by_category=[(c, [r for r in many if r.category == c.value]) for c in reqs.Category],
                        conflicts=[reqs.Conflict(h, many[:2])] * 12, services={1: h}, customers={1: h})


def _post_result(h: str) -> dict:
    progress = NS(name=h, kind="sla", channel_id="C0SAFE", headline=True, versions=[1, 2], documents=[1],
                  stopped_at="version", number=2, reason=h, unsure=True)
    return dict(progress=progress, warning=h, sentence=None, _=None)


def _propose(h: str) -> dict:
    t = NS(level="P1", duration=h, goal=h, metric_name=h, threshold=h, period="monthly", calendar_id=None,
           warning_percent=75, service_credit=h)
    return dict(agreement=NS(name=h, latest_version=2), calendars=[(1, h)], change="target:3",
                choices=[("target:3", h), ("term", "The term")], clause_heading=h, clause_text=h, credit_hint=h, kind="response",
                months=[("1", "January")], private_metadata=h[:500], t=None, target=t, term_end="2027-01-01",
                term_month=1, term_start="2026-01-01", v=None)


def _review_pack(h: str) -> dict:
    """Every list as long as the pack lets it be (10 lines, then "and N more"), every typed string hostile."""
    trend = [PeriodFigure("Oct 2026", "99.5", n % 2 == 0) for n in range(6)]
    credit = CreditFigure(h[:20], h, h, h, "GBP", "100.00")
    targets = [TargetFigure(f"T{n}", h, "availability", "99.9", "99.5", (True, False, None)[n % 3], h, trend, [h] * 3, trend,
                            "improving", credit) for n in range(30)]
    act = PackAction(7, h, h, "U0SAFE", "2026-10-01", "open", "T1", True)
    pack = Pack(agreement_id=1, agreement=h, customer=h, period_label="Oct 2026", period_start="2026-10-01",
                period_end="2026-11-01", generated_at="2026-10-31 09:00 GMT", charge=h[:30], charge_note=h,
                targets=targets, credit_totals=["£1.00", "€2.00"],
                breaches=[BreachLine("T1", h, "2026-10-02", "resolved", h, [h] * 5, h)] * 10, breaches_more=4,
                actions=Actions([act] * 10, 3, [act] * 10, 2, [act] * 10, 1),
                waivers=[WaiverLine("T1", "time", h, h, "2026-01-01")] * 12,
                preview=Preview("Nov 2026", [h] * 10, 2, h, h, [h] * 10, 5, [h] * 10),
                previous_actions=[act] * 10, previous_review=h, previous_more=3,
                verified=[PackAction(8, h, h, "U0SAFE", "2026-10-01", "done", "T1", False, h)] * 10, verified_more=2,
                complaints={"received": 3, "answered_late": 1, "open": 2},
                workload={"limits": [{"words": h, "over": n % 2 == 0} for n in range(20)], "over": 10,
                          "not_counted": [h] * 10, "not_counted_more": 3})  # issue 17, workload
    return dict(pack=pack.as_context(), review_id=12, late=True, warning=h, chart=True)


def _relationship(h: str) -> dict:
    """Every list as long as the view lets it be (10 lines, then "and N more"), every typed string hostile."""
    trend = [PeriodFigure("Oct 2026", "99.5", n % 2 == 0) for n in range(6)]
    view = Relationship(
        party=h, party_kind="customer", agreements=[h] * 10, agreements_more=3, window="May–Oct 2026",
        generated_at="2026-11-04 09:00 GMT", months=[MonthRow("Oct 2026", 4, 3, 2)] * 6,
        targets=[TargetTrend(h, h, "99.9", trend, n % 2 == 0) for n in range(20)], targets_more=5,
        verdict="worsening", why=h, rule=h, actions_on_time=3, actions_late=12, actions_overdue=14, late_lines=[h] * 10,
        overdue_lines=[h] * 10, reviews_closed=2, reviews_attended=1, reviews_cancelled=1, decisions=4, review_actions=2,
        unanswered=[h] * 10, unanswered_more=2, waivers=[h] * 10, waivers_more=1, renewals=[h] * 10, renewals_more=4,
        period_label="Oct 2026",
        satisfaction=[{"agreement": h, "period": "Oct 2026", "count": 6, "mean": "3.17", "top_share": "33.3",
                       "previous_count": 2, "previous_mean": "4.50", "trend": "down 1.33", "targets_met": n % 2 == 0,
                       "flagged": n % 2 == 0, "rule": h, "min_ratings": 5} for n in range(12)],
        suppliers={"months": [{"label": "Oct 2026", "measured": 4, "met": 3, "breaches": 1}] * 6, "disputes_open": 2,
                   "disputes_closed": 5, "reviews": [h] * 10},  # issue 17, suppliers: the scorecard's section
        complaints={"owner": "U0SAFE", "counts": {"received": 3, "answered_late": 1, "open": 2}})
    return dict(r=view.as_context(), chart=True)


def _clock(h: str) -> dict:
    rows = tuple(Row(h, "1h", n % 2 == 0, h) for n in range(12))
    views = [ClockView(h, h, level, h, h, rows, 3) for level in ("ok", "warning", "breached")] * 3
    ticket = {"ref": h, "priority": "P1", "service": h, "title": h, "opened": h, "resolved": h}
    legs = [LegsView(tuple(OlaLegView(h, h, "3h10m", h, h if n % 2 else "", h, n % 2 == 0, h if n % 3 else "") for n in range(6)), 4, True)
            for _view in views]  # issue 17, legs: six groups a clock, and more
    return dict(clocks=views, corrections=[h] * 12, agreed_since=[h] * 7, ticket=ticket, tz="Europe/London", legs=legs)


def _tokens(h: str) -> dict:
    rows = [ApiToken(team_id="T", name=h, token_hash="h", prefix=h[:12], created_by="U0SAFE", created_at=NOW,
                     last_used_at=NOW if i % 2 else None, revoked_at=NOW if i == 3 else None, revoked_by="U0SAFE")
            for i in range(5)]
    return dict(rows=rows, shown=5, pager=pager(h))


def _audit_history(h: str) -> dict:
    from bot.audit.history import Thing
    from handlers.presenters.audit import line
    from models import AuditEvent

    events = [AuditEvent(team_id="T", seq=i, at=NOW, actor="U0SAFE", action=h[:64], entity="service", entity_id=1,
                         detail={"name": h, h[:40]: [h, 1]}, before={"name": h} if i % 2 else None, after=h,
                         prev_hash="0" * 64, hash="1" * 64) for i in range(1, 16)]
    return dict(thing=Thing("service", h, "service", 1, None if len(h) > 100 else "U0SAFE"),
                lines=[line(e) for e in events], pager=pager(h))


def breach_context(h: str, **over) -> dict:
    """What bot.breaches.alert_context gives the breach templates (as stored in the outbox: plain JSON)."""
    c = {"breach_id": 7, "state": "breached", "level": "breached", "subject": "ticket", "what": h, "target_key": "T1",
         "agreement": h, "agreement_kind": "SLA", "customer": h, "ticket": h, "summary": h, "percent": 104,
         "left": "over by 5m", "legs": [{"kind": "OLA", "owner": h, "promise": h}] * 3, "owner": h,
         "owner_without_channel": True, "no_leg": False, "supplier_involved": True, "acknowledged_by": "U0SAFE",
         "escalated": True, "escalated_by": "U0SAFE", "resolved": False, "missed": True, "handed_over": False, "actions": [1, 2],
         "as_of": 1772443200, "as_of_text": "2026-03-02 09:00 UTC"}
    c["overrun"] = [h] * 7  # issue 17, legs: the groups whose leg ran over its OLA (five shown, then how many more)
    return {**c, **over}


def _breach_note(h: str) -> dict:
    return dict(line={"what": h, "by": "U0SAFE", "note": h, "summary": h, "left": "over by 5m", "epoch": 1772443200,
                      "time_text": "2026-03-02 09:00 UTC", "action": 3})


def action_items(h: str) -> list[ActionItem]:
    """Issue 13, actions slice: listed actions from every origin, one linked back, open and closed."""
    return [ActionItem(n, h, "remedial", "U0SAFE" if n % 2 else None, h if n % 3 else None, "2026-03-20", n % 2 == 0,
                       "in progress" if n % 2 else "cancelled", h if n % 2 == 0 else "", origin,
                       "https://x.slack.com/archives/C1/p1" if n == 1 else None, h, h if n == 3 else None,
                       n % 2 == 1, n == 1)
            for n, origin in enumerate(("breach", "review", "gap", "requirement", "command", None, "other"), start=1)]


# What a person wrote in Slack (a requirement's statement, a quoted message) keeps the people it names as
# mentions (`|said`): there `<@U123>` typed in a message stays a mention, by design; nothing else does.
KEEPS_MENTIONS = {"agreement_version.yml.j2", "capability_check.yml.j2", "req_confirm_request.yml.j2",
                  "req_decline.yml.j2", "req_list.yml.j2", "req_recorded.yml.j2", "req_who.yml.j2"}
# Templates that show nothing people type (only ids, counts and our own words).
NO_TYPED_TEXT = {"calendar_form.yml.j2", "link_needs_map.yml.j2", "req_needs_map.yml.j2", "role_changed.yml.j2",
                 "roles.yml.j2", "review_cadence_settled.yml.j2"}

def _review(h: str, **extra) -> dict:
    """A review's reminder or notice (slice H2, reminding): the SLA's name is typed; the rest is ours or Slack's."""
    moment = {"epoch": 1773136800, "text": "Tue 10 Mar 2026 10:00 GMT"}
    return {"ctx": {"review_id": 1, "agreement": h, "when": moment, "format": "Call",
                    "agenda": "https://x.slack.com/archives/C1/p1", "agenda_is_thread": True, "channel": "C0SAFE",
                    "late": True, "due": moment, **extra}}


FIXTURES: dict[str, Callable[[str], dict]] = {
    "review_pack.yml.j2": _review_pack,
    "review_pack_posted.yml.j2": lambda h: dict(agreement=h, period=h, posted=False, error=h, channel_id="C0SAFE",
                                                chart=True, review_when=h),
    "relationship.yml.j2": _relationship,
    "relationship_posted.yml.j2": lambda h: dict(party=h, verdict="stable", posted=False, error=h, channel_id="C0SAFE"),
    "action_form.yml.j2": lambda h: dict(due="2026-03-20", may_accept=True, owner_party_id=1, parties=[(1, h), (2, h)],
                                         private_metadata=h[:500], title=h),
    # Issue 13, actions slice
    "actions_list.yml.j2": lambda h: dict(label=h, rows=action_items(h) * 3, total=40, shown_from=1, shown_to=21,
                                          next_value=h[:200]),
    "action_close_form.yml.j2": lambda h: dict(to="cancelled", number=4, title=h, private_metadata=h[:500]),
    "action_new_form.yml.j2": lambda h: dict(parties=[(1, h), (2, h)], targets=[(3, h)], due="2026-03-20",
                                             private_metadata=h[:500]),
    "action_assigned.yml.j2": lambda h: dict(by="U0SAFE", number=4, due="2026-03-20", party=h, target=h, title=h,
                                             description=h),
    "agreement_agreed.yml.j2": lambda h: dict(active=False, now_agreed=False, number=2, sentence=None, sha=SHA,
                                              side_label="provider", start="2026-02-01", user="U0SAFE",
                                              waiting_for=h, who=["U0SAFE", "U0OTHER"]),
    "agreement_diff.yml.j2": lambda h: dict(a=1, b=2, changes=[h, h], name=h),
    "agreement_draft.yml.j2": lambda h: dict(channel_id="C0SAFE", counterparty_id=1, counterparty_label="Customer",
                                             end="2027-01-01", kind="sla", months=[("1", "January")], name=h,
                                             parties=[(1, h)], private_metadata=h[:500], review_month="1",
                                             chosen_services=[(1, h)], party_search="search_party:customer",
                                             services=[(1, h), (2, h)], start="2026-01-01"),
    "agreement_headline.yml.j2": lambda h: dict(
        agreement=NS(id=5, name=h, start_date=TODAY, end_date=TODAY, latest_version=2, agreed_version=1),
        counterparty=h, counterparty_label="Customer", kind_label="SLA", lines=None, open=True,
        pending=NS(start="2026-02-01", end="2027-02-01"), review_month="January", services=[h, h],
        signatures={"provider": "U0SAFE"}, status_line=h, targets=[1, 2], upgrades=[upgrade(h), upgrade(h, "accepted")],
        waived=2, review_line=h, review_none=True, sla_review_line="Review due 2027-02-01"),
    "agreement_list.yml.j2": lambda h: dict(kind="sla", kind_label="SLA", pager=pager(h), rows=[
        NS(name=h, counterparty=h, status=h, next_review="2026-06-01", thread="https://x.slack.com/archives/C1/p1")]),
    "agreement_not_posted.yml.j2": lambda h: dict(channel_id="C0SAFE", error=h, kind="sla", name=h),
    "agreement_headline_gone.yml.j2": lambda h: dict(channel_id="C0SAFE", kind="sla", name=h),
    "agreement_post_result.yml.j2": _post_result,
    "agreement_posted.yml.j2": lambda h: dict(channel_id="C0SAFE", name=h, warning=h),
    "agreement_propose.yml.j2": _propose,
    "agreement_terms_dm.yml.j2": lambda h: dict(name=h, number=2, channel_id="C0SAFE", withheld=["service credits"],
                                                sha=SHA, chunks=["*Ours*, already mrkdwn"]),
    "agreement_show.yml.j2": lambda h: dict(author="U0SAFE", chunks=["*Ours*, already mrkdwn"], name=h, number=2,
                                            reason=h, sha=SHA, standing=h, review_line=h, review_none=True),
    "agreement_version.yml.j2": _version,
    "alerts.yml.j2": lambda h: dict(changed=f"“{h}” now names {h} (it named {h}).", label=h,
                                    mappings=[Mapping(h, h)] * 45, pager=pager(h)),
    "benchmark.yml.j2": _benchmark,
    "terms_warning.yml.j2": lambda h: dict(number=2, name=h, channel_id="C0SAFE", t=Decision(
        public=True, withhold=False, warn=True, setting="show")),
    "breach_alert.yml.j2": lambda h: dict(ctx=breach_context(h)),
    "breach_escalated.yml.j2": lambda h: dict(ctx=breach_context(h), late_since=h),
    "breach_channel_refused.yml.j2": lambda h: dict(channel_id="C0SAFE", error=h, target=h, agreement=h, owner=h),
    "breach_note.yml.j2": _breach_note,
    # ladders (issue 17)
    "breach_step.yml.j2": lambda h: dict(ctx=breach_context(h), when=h, why="manager", late=h),
    "ladder.yml.j2": lambda h: dict(organisation=h, own=[dict(agreement=h, target="T1", steps=h, proposed=h, version=2)] * 20,
                                    pager=pager(h), callback=h, callback_set=True, changed=None),
    "ladder_callback.yml.j2": lambda h: dict(url=h, secret="ab" * 32),
    "breach_remedial_form.yml.j2": lambda h: dict(agreement=h, due="2026-03-02", owner_party_id=1,
                                                  parties=[(1, h), (2, h)], private_metadata=h[:500], target_id=1,
                                                  targets=[(1, h), (2, h)], what=h),
    "calendar_form.yml.j2": lambda h: dict(private_metadata=h[:500], tz="Europe/London"),
    "calendar_list.yml.j2": lambda h: dict(calendars=[NS(name=h, hours=h, holidays_country="GB", holidays_subdiv=h,
                                                         closures=[h, h])]),
    "capability_check.yml.j2": lambda h: dict(result=CapabilityView(1, h, h, "not covered", [h, h],
                                                                    [("time", h), ("hours", h)])),
    "cover_checking.yml.j2": lambda h: dict(message=h, title="Upgrade action"),
    "shared_channel.yml.j2": lambda h: dict(kind="private_note", channel_id="C0SAFE", why=h, what=h, subject=h,
                                            name=h, number=2, told=True),
    "coverage_gaps.yml.j2": lambda h: dict(can_upgrade=True, can_waive=True, checks=target_views(h), headline=h, name=h),
    "coverage_tree.yml.j2": lambda h: dict(agreement=NS(name=h), can_upgrade=False, can_waive=False,
                                           nodes=target_views(h), waivers=[1, 2]),
    "error.yml.j2": lambda h: dict(ours=False, parts=["Cannot do that with ", h, NS(user_id="U0SAFE"), "."]),
    "help.yml.j2": lambda h: dict(groups=help_groups(), unknown=h),
    "home.yml.j2": _home,
    "link_added.yml.j2": lambda h: dict(link=ServiceLink(id=1, team_id="T", service_id=1, party_id=1, component=h,
                                                         activities=[h, h], created_at=NOW, created_by="U0SAFE"),
                                        party=party(h), service=service(h)),
    "link_form.yml.j2": lambda h: dict(activities=[h], other="other", private_metadata=h[:500], chosen=service(h),
                                       services=[service(h)], service_search=len(h) > 100, party_search=len(h) > 100,
                                       party_groups=[(k.value, [party(h, i, k)]) for i, k in enumerate(PartyKind)]),
    "link_needs_map.yml.j2": lambda h: dict(has_parties=False, has_services=False),
    "map.yml.j2": lambda h: dict(focus=service(h), services=service_views(h), pager=pager(h)),
    "map_remove_confirm.yml.j2": lambda h: dict(removal=Removal("service", "1", h)),
    "map_removed.yml.j2": lambda h: dict(kind="party", name=h, removed=True),
    "map_renamed.yml.j2": lambda h: dict(kind="service", new=h, old=h),
    "map_unknown.yml.j2": lambda h: dict(asked=h, known=[h, h], known_total=40),
    "measurement_recorded.yml.j2": lambda h: dict(r=Recorded("ticket", h, h, NOW, NOW, "corrected", "P1")),
    "notice_cover_lost.yml.j2": lambda h: dict(sla=h, why=h, targets=[
        {"key": "T1", "what": h, "changes": [{"rule": "time", "before": "covered", "after": "not covered", "reason": h}]}]
        * 45),
    "notice_lapse.yml.j2": lambda h: dict(agreement=h, day="2026-03-01", days_left=30, event="ends", kind="OLA",
                                          owner=h, targets=[{"sla": h, "key": "T1", "what": h}] * 70, late_since=h),
    "notice_plan_lapsed.yml.j2": lambda h: dict(due="2026-03-01", key="T1", number=3, reason=h, rule="time", sla=h,
                                                what=h),
    "party.yml.j2": lambda h: dict(view=PartyView(party=party(h), contacts=_contacts(),
                                                  links=[LinkView(party=party(h), service=service(h), component=h,
                                                                  activities=[h])]), pager=pager(h)),
    "party_added.yml.j2": lambda h: dict(contacts=_contacts(), party=party(h)),
    "party_form.yml.j2": lambda h: dict(contact_blocks={r: f"contact_{r.value}" for r in ContactRole},
                                        kind=PartyKind.SUPPLIER, kinds=list(PartyKind), name=h, private_metadata=h[:500]),
    "record_form.yml.j2": lambda h: dict(groups=[(1, h)], priorities=[("P1", "P1")], private_metadata=h[:500],
                                         services=[(1, h), (2, h)], today="2026-03-02", tz="Europe/London",
                                         what="ticket"),
    "req_confirm_request.yml.j2": lambda h: dict(customer=party(h), numbers="1,2", recorder="U0SAFE",
                                                 requirements=[requirement(h), requirement(h, 2, confirmed_by=None)],
                                                 service=service(h)),
    "req_correct.yml.j2": lambda h: dict(private_metadata=h[:500], requirement=requirement(h), target_hint=h),
    "req_decline.yml.j2": lambda h: dict(private_metadata=h[:500], requirement=requirement(h)),
    "req_details.yml.j2": lambda h: dict(customer=h, private_metadata=h[:500], service=h, topics=list(reqs.TOPIC_FIELDS),
                                         tz="Europe/London"),
    "req_list.yml.j2": lambda h: dict(achieved={1: h, 3: h}, listing=_listing(h), pager=pager(h)),
    "req_needs_map.yml.j2": lambda h: dict(has_customers=False, has_services=False),
    "req_quote.yml.j2": lambda h: dict(author="U0SAFE", categories=[(c.value, c.label) for c in reqs.Category],
                                       category="availability", customer=h, private_metadata=h[:500], role="operational",
                                       service=h, statement=h, tz="UTC"),
    "req_recorded.yml.j2": lambda h: dict(
        ask_requester=True, customer=party(h), numbers="1,2", requirements=[requirement(h), requirement(h, 2)],
        role="operational", said_by="U0SAFE", service=service(h),
        comparisons={1: reqs.Comparison(asked=h, low="99.5%", typical="99.9%", high="99.99%", count=12,
                                        metric="availability")}),
    "req_status.yml.j2": lambda h: dict(detail=h, sentence=["Asked ", NS(user_id="U0SAFE"), " about ", h], subject=h),
    "req_topics.yml.j2": lambda h: dict(customer=h, private_metadata=h[:500], role="managerial", service=h,
                                        topics=reqs.topics_for("managerial")),
    "req_who.yml.j2": lambda h: dict(ask_role=True, customer_id=1, customers=[(1, h)], private_metadata=h[:500],
                                     quote=h + " <@U0SAFE>", quote_author="U0SAFE", service_id=1, services=[(1, h)]),
    # The review's thread (slice H4)
    "review_close_form.yml.j2": lambda h: dict(
        agreement=h, when="2026-03-02 10:00 GMT", private_metadata=h[:500], attendees=["U0SAFE", "U0SAFE2"],
        decisions=[{"text": h, "by": h}] * 2, more_decisions=3,
        actions=[{"number": 7, "title": h, "owner": h, "due": "2026-03-20", "target": h, "status": "open"}] * 2,
        more_actions=1),
    "review_minutes_posted.yml.j2": lambda h: dict(agreement=h, when="2026-03-02 10:00 GMT", closed_by="U0SAFE",
                                                   attended=["U0SAFE", "U0SAFE2"], decisions=2, actions=1),
    "review_note_form.yml.j2": lambda h: dict(sla=h, when="2026-03-02 10:00 GMT", text=h[:3000],
                                              targets=[(1, h), (2, h)], target_id=1, parties=[(1, h), (2, h)],
                                              due="2026-03-02", already=["a decision"], private_metadata=h[:500]),
    "review_note_recorded.yml.j2": lambda h: dict(kind="action", by="U0SAFE", text=h, target=h, owner_party=h,
                                                  action={"number": 7, "due": "2026-03-20", "owner_user_id": "U0SAFE"}),
    "review_pack_closed.yml.j2": lambda h: dict(closed_by="U0SAFE", closed_on=h),
    "review_risks.yml.j2": lambda h: dict(agreement=h, can_close=True, pager=pager(h),
                                          risks=[{"id": 1, "text": h, "on": "2026-03-02"}, {"id": 2, "text": h, "on": h}]),
    "contact_named.yml.j2": lambda h: dict(user_id="U0SAFE", role="approver", party=h, external=True, changed=True),
    "role_changed.yml.j2": lambda h: dict(changed=True, granted=True, role="service_manager", sentence=None,
                                          user_id="U0SAFE"),
    "roles.yml.j2": lambda h: dict(grants=[NS(user_id="U0SAFE", role="service_manager")]),
    "service_added.yml.j2": lambda h: dict(service=service(h)),
    "service_form.yml.j2": lambda h: dict(name=h, private_metadata=h[:500]),
    "settings.yml.j2": lambda h: dict(changed="week_start", rows=[(NS(key="week_start", label=h), h)], one=False, before=h, after="monday",
                                      lowered=dict(key="retain_closed", before=h, cut=datetime(2024, 1, 1), at=h,
                                                   counts={"actions": 2})),
    "ticket_clock.yml.j2": _clock,
    "leg_over.yml.j2": lambda h: dict(group=h, ticket=h, priority="P1", leg=h, sla=h, sla_summary=h, due=1772443200,
                                      due_text="2026-03-02 09:00 UTC"),
    "token_created.yml.j2": lambda h: dict(name=h, token="slm_" + "A_b-" * 10 + "xyz"),
    "token_revoked.yml.j2": lambda h: dict(name=h),
    "tokens.yml.j2": _tokens,
    "audit_history.yml.j2": _audit_history,
    "underpin_form.yml.j2": lambda h: dict(agreement=NS(name=h), leg_groups=[(h, [(1, h), (2, h)])],
                                           leg_search=len(h) > 100, private_metadata=h[:500], sla_targets=[(1, h)]),
    "select_options.yml.j2": lambda h: dict(groups=[(h, [(1, h), (2, h)])] if len(h) > 100 else [],
                                            choices=[(1, h), (h[:150], h)]),
    "underpin_nothing.yml.j2": lambda h: dict(empty=[("OLA", h), ("Underpinning contract", h)], has_targets=True,
                                              line=None, name=h, names=None),
    # The periodic SLA review (slice H5).
    "sla_review_form.yml.j2": lambda h: dict(name=h, due_on="2027-02-01", outcome="retire", label="retire",
                                             private_metadata=h[:500]),
    "sla_review_outcome.yml.j2": lambda h: dict(name=h, agreement_id=5, outcome="renegotiate", label="renegotiate",
                                                user="U0SAFE", note=h, due_on="2027-02-01", version=3,
                                                next_due="2028-02-01"),
    "sla_review_reminder.yml.j2": lambda h: dict(name=h, customer=h, review_id=7, due_on="2027-02-01", days_left=-3,
                                                 term_end="2027-03-31", version=2, permalink="https://x.slack.com/a?b=1",
                                                 late=True, due_at="2027-01-04 09:00"),
    "sla_review_status.yml.j2": lambda h: dict(name=h, customer=h, line="Review due 2027-02-01", review_id=7,
                                               recorded=dict(user="U0SAFE", on="2026-01-20", note=h)),
    "waive_form.yml.j2": lambda h: dict(gap=h, label=h, private_metadata=h[:500], rule="time"),
    # the review cadence (slice H1)
    "review_cadence_form.yml.j2": lambda h: dict(
        countering=True, name=h, frequency=h, zone="Europe/London", formats=[("meeting", h), ("call", h)],
        format="meeting", users=["U0SAFE", "U0OTHER"], parties=[("1", h), ("2", h)], chosen_parties=[("1", h)], reminders=h,
        channel_id="C0SAFE", private_metadata=h[:500]),
    "review_cadence_proposal.yml.j2": lambda h: dict(
        proposer="U0SAFE", countered=True, name=h, revision=3, description=h, format_label=h,
        people=["U0SAFE"] * 40, parties=[h, h], reminders=["5 working days", h], channel_id="C0SAFE", why=h,
        first_dates=[h, h], value="5:3", waiting_for=h),
    "review_cadence_settled.yml.j2": lambda h: dict(accepted_by=None, replaced_by=3, by="U0SAFE"),
    "review_cadence_agreed.yml.j2": lambda h: dict(
        user="U0SAFE", proposer="U0OTHER", revision=2, name=h, description=h, format_label=h, channel_id="C0SAFE",
        next_review=h, period=h),
    "review_cadence_sent.yml.j2": lambda h: dict(name=h, revision=2, countered=True, channel_id="C0SAFE",
                                                 people=["U0SAFE", "U0OTHER"], anyone=h),
    # slice H2 (reminding)
    "review_reminder.yml.j2": lambda h: _review(h, value="1:1", answer="cannot", for_user="U0SAFE",
                                                snoozed_until={"epoch": 1773136800, "text": "Tue 10 Mar 2026 10:00 GMT"}),
    "review_notice.yml.j2": lambda h: _review(h, coming=["U0SAFE"], cannot=["U0OTHER"], unanswered=["U0SAFE"]),
    # issue 13, slice B (nudges): the title, SLA, target and party are typed; the link is Slack's or typed
    "action_nudge.yml.j2": lambda h: {"ctx": {
        "number": 7, "title": h, "sla": h, "target": h, "party": h, "owner": "U0SAFE", "for_manager": True,
        "due": {"epoch": 1773136800, "text": "Tue 10 Mar 2026"}, "when": "overdue by 3 days", "overdue": True,
        "origin_link": "https://x.slack.com/archives/C1/p1?a=b|c>", "late": True,
        "due_at": {"epoch": 1773136800, "text": "Tue 10 Mar 2026 09:00 GMT"}, "value": "1:1", "done_value": "7",
        "snoozed_until": {"epoch": 1773136800, "text": "Tue 10 Mar 2026 09:00 GMT"}}},
    # issue 17, satisfaction: the ticket's reference and title, the SLA's name and the comment are typed
    "satisfaction_ask.yml.j2": lambda h: {"ctx": {"ask_id": 7, "kind": "ticket", "subject": h, "agreement": h,
                                                  "rating": 4, "commented": True}},
    "satisfaction_comment_form.yml.j2": lambda h: dict(subject=h, comment=h[:2000], private_metadata=h[:500]),
    # issue 17, suppliers: names, targets' words, requirements, disputes and outcomes are typed
    "contract_review_due.yml.j2": lambda h: {"c": {
        "name": h, "kind": "Underpinning contract", "supplier": h, "due_on": "2026-09-02", "late": True,
        "targets": [{"key": "T1", "target": h, "above": [h] * 5}, {"key": "T2", "target": h, "above": []}] * 5,
        "requirements": [h] * 10, "requirements_more": 3, "end": "2027-08-31", "renewal": "2027-03-31",
        "notice_days": 90, "notice_by": "2026-12-31", "value": "3:2026-09-02", "decided": None}},
    "contract_change_check.yml.j2": lambda h: {"w": {
        "agreement": h, "base": 2, "proposed": 3, "checked": 12,
        "weakened": [{"sla": h, "before": "covered", "after": "not covered", "margin": "1h 45m to spare → 15m late",
                      "reason": h, "gap": n % 2 == 0} for n in range(12)]}},
    "dispute_close_form.yml.j2": lambda h: dict(number=4, what=h, private_metadata='{"number": 4}'),
    "dispute_list.yml.j2": lambda h: dict(title=h, pager=pager(h), rows=[
        {"number": n, "supplier": h, "contract": h if n % 2 else None, "what": h, "owner": "U0SAFE", "open": n % 3 != 0,
         "outcome": h, "opened": "2026-03-02", "closed": "2026-04-01"} for n in range(1, 11)]),
    # Issue 17, complaints slice: the complaint's words, the answer, the outcome and the names are typed
    "owner_told.yml.j2": lambda h: dict(about="complaint", party=h, party_kind="customer", number=3, customer=h,
                                        service=h, agreement=h, complainant="U0SAFE", text=h,
                                        permalink="https://x.slack.com/archives/C1/p1?a=b|c>", recorded_by="U0SAFE",
                                        owner="U0OTHER", due="2026-03-09 09:00 UTC"),
    "complaint_recorded.yml.j2": lambda h: dict(number=3, customer=h, service=h, agreement=h, complainant="U0SAFE",
                                                text=h, permalink="https://x.slack.com/archives/C1/p1?a=b|c>",
                                                recorded_by="U0SAFE", owner="U0OTHER", due="2026-03-09 09:00 UTC"),
    "complaint_late.yml.j2": lambda h: dict(number=3, customer=h, owner=None, complainant="U0SAFE",
                                            due="2026-03-09 09:00 UTC", late_since="2026-03-09 09:00 UTC"),
    "complaint_form.yml.j2": lambda h: dict(customers=[("1", h), ("2", h)], services=[("3", h)], customer_id="1",
                                            complainant="U0SAFE", text=h, quoted=h, private_metadata=h[:500]),
    "complaint_reply_form.yml.j2": lambda h: dict(to="close", number=3, customer=h, text=h, private_metadata=h[:500]),
    "complaint_list.yml.j2": lambda h: dict(label=h, may=[1, 2], pager=pager(h), empty=h, rows=[NS(
        number=n, status=("open", "answered", "closed")[n % 3], customer=h, service=h, complainant="U0SAFE",
        owner="U0OTHER", recorded="2026-03-02", due="2026-03-09 09:00 UTC", overdue=True, text=h, answer=h,
        outcome=h, permalink="https://x.slack.com/archives/C1/p1?a=b|c>",
        settled=("", "answered 2026-03-04", "closed 2026-03-05")[n % 3]) for n in range(10)]),
    # Issue 17, workload
    "gate_settled.yml.j2": lambda h: dict(name=h, version=4),
    "maintenance_notice.yml.j2": lambda h: dict(id=3, service=h, when=h, what="planned", late=True, length=h,
                                                series=h, count=13, last=h),
    "workload_notice.yml.j2": lambda h: dict(name=h, period=h, lines=[h] * 25, over=True),
    "workload_reply.yml.j2": lambda h: dict(title=h, lines=[h, [h, {"user": "U0SAFE"}, h]] * 23, more=0, channels_said=h,
                                           channels=["C0SAFE"] * 3),
}
