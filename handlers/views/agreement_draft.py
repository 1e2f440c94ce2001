"""The "New SLA / OLA / underpinning contract" modal, and posting the draft for negotiation."""
from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import agreements, service_map
from bot.workload import limits
from bot.workspace import settings as workspace_settings
from handlers.flows import agreement_thread
from handlers.presenters.choices import party_search, with_chosen
from handlers import registry
from handlers.replies import metadata, read_metadata, tell
from handlers.views.values import ViewValues, run_form
from messages import render, render_message
from messages.ids import Block, Callback
from models import AgreementKind

FIELDS = {f: Block.for_field("agr", f) for f in ("name", "counterparty", "services", "start", "end", "review_month",
                                                  "channel", "contract_ref", "notice_days", "renewal_date",
                                                  "workload_limits")}


def open(client: WebClient, trigger_id: str, deps, actor, *, kind: AgreementKind, channel_id: str | None,
         asked: str = "") -> bool:
    """Open the modal (for the counterparty named in `asked`, if it is one); False when the map lacks a
    counterparty of this kind or a service. The map is read in a session closed before Slack is called."""
    with deps.db.session() as session:
        view = _draft_view(session, actor, kind=kind, channel_id=channel_id, asked=asked)
    if view is None:
        return False
    client.views_open(trigger_id=trigger_id, view=view)
    return True


def _draft_view(session, actor, *, kind: AgreementKind, channel_id: str | None, asked: str) -> dict | None:
    wanted = agreements.COUNTERPARTY_KIND[kind]
    # A page of each (one more than a select holds): past 100 the select searches as the person types.
    parties = service_map.choices.parties(session, actor.team_id, kinds=(wanted,), limit=101)
    services = service_map.choices.services(session, actor.team_id, limit=101)
    if not parties or not services:
        return None
    counterparty = service_map.find(session, actor.team_id, asked) if asked else None
    counterparty = counterparty if counterparty is not None and getattr(counterparty, "kind", None) == wanted else None
    start, end = agreements.default_term(actor.today())
    name = ""
    if counterparty is not None:
        name = f"{counterparty.name}: {kind.label}"
    # The one service it can be about is chosen already: the map's only service, or the counterparty's only one.
    theirs = service_map.services_of_party(session, actor.team_id, counterparty.id) if counterparty else []
    only = services if len(services) == 1 else theirs if len(theirs) == 1 else []
    return render("agreement_draft.yml.j2", kind=kind.value, kind_label=kind.label, name=name,
                  counterparty_label=agreements.COUNTERPARTY_LABEL[kind],
                  parties=with_chosen(parties, counterparty), party_search=party_search(wanted),
                  counterparty_id=counterparty.id if counterparty else None,
                  services=[(s.id, s.name) for s in services], chosen_services=[(s.id, s.name) for s in only],
                  start=start.isoformat(), end=end.isoformat(),
                  months=[(str(i + 1), m) for i, m in enumerate(agreements.MONTHS)], review_month=str(workspace_settings.default_review_month(session, actor.team_id)),
                  channel_id=(counterparty.channel_id if counterparty else None) or channel_id,
                  private_metadata=metadata(kind=kind.value, channel_id=channel_id))


@registry.view(Callback.AGREEMENT_DRAFT)
def submit(ack: Ack, view: dict, client: WebClient, context: BoltContext) -> None:
    values, actor, deps = ViewValues(view), context["actor"], context["deps"]
    meta = read_metadata(view)
    kind = meta.choice("kind", AgreementKind)
    notice = values.text(Block.AGR_NOTICE_DAYS)
    data = agreements.DraftInput(
        kind=kind, name=values.text(Block.AGR_NAME), counterparty_id=values.option_id(Block.AGR_COUNTERPARTY),
        service_ids=[int(v) for v in values.options(Block.AGR_SERVICES)], start=values.date(Block.AGR_START),
        end=values.date(Block.AGR_END), review_month=values.option_id(Block.AGR_REVIEW_MONTH),
        channel_id=values.conversation(Block.AGR_CHANNEL), contract_ref=values.text(Block.AGR_CONTRACT_REF),
        notice_days=values.number(Block.AGR_NOTICE_DAYS), renewal_date=values.date(Block.AGR_RENEWAL_DATE),
        terms=[limits.DraftLimits(values.text(Block.AGR_WORKLOAD_LIMITS))] if kind is AgreementKind.SLA else [])
    if notice and data.notice_days is None:
        ack(response_action="errors", errors={Block.AGR_NOTICE_DAYS: "A notice period is a number of days, e.g. 90."})
        return

    def work():
        with deps.db.session() as session:
            return agreements.draft(session, actor, data, deps.docs)

    drafted = run_form(ack, FIELDS, work, view)
    if drafted is None:
        return
    ack()
    context["done"] = f"{drafted.agreement.name} is drafted (`/slm {kind.value} post {drafted.agreement.name}` posts it)"
    try:
        posted = agreement_thread.start_thread(client, deps, actor, drafted.agreement.id,
                                               unanswered=drafted.unanswered, warning=drafted.warning)
    except agreement_thread.ThreadIncomplete as stopped:  # the draft is kept; `post` finishes what is left
        tell(client, actor, meta.get("channel_id"), stopped.progress.message(drafted.warning))
        return
    tell(client, actor, meta.get("channel_id"), render_message(
        "agreement_posted.yml.j2", name=posted.name, channel_id=posted.channel_id, warning=drafted.warning,
        terms=posted.terms))  # a public channel: what it shows of commercial terms, in either setting
