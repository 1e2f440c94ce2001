"""The buttons on an agreement's headline: Propose change, Agree to version N, Show document."""
from __future__ import annotations

from functools import partial

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot import agreements, delivery, outbox
from bot import cover as coverage
from bot.reviews import sla_review
from handlers import registry
from models import AgreementKind, AgreementStatus
from handlers.flows import agreement_thread, terms_posting
from handlers.presenters.cover import buttons_for, gaps_view
from handlers.views import agreement_propose
from messages import render_message
from messages.ids import Action


@registry.action(Action.AGREEMENT_PROPOSE)
def propose(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
    ack()
    agreement_propose.open(client, body["trigger_id"], context["deps"], context["actor"], int(body["actions"][0]["value"]))


@registry.action(Action.AGREEMENT_AGREE)
def agree(ack: Ack, body: dict, client: WebClient, respond: Respond, context: BoltContext) -> None:
    ack()
    actor, deps = context["actor"], context["deps"]
    agreement_id, _, number = body["actions"][0]["value"].partition(":")
    refusal = None
    with deps.db.session() as session:  # the cover check, before the row lock: nobody waits on it (see agree)
        agreement = agreements.get(session, actor.team_id, int(agreement_id))
        checked = coverage.check_agreement(session, agreement, actor.today(), at=actor.at()) if agreement.kind == AgreementKind.SLA else None
    with deps.db.session() as session:
        agreement = agreements.get(session, actor.team_id, int(agreement_id))
        try:
            result = agreements.agree(session, actor, agreement, int(number), gate=partial(coverage.gate, known=checked))
        except coverage.AgreementRefused as refused:  # nothing was recorded; say every gap, with what can be done
            refusal = render_message("coverage_gaps.yml.j2", headline=str(refused), checks=gaps_view(refused.checks),
                                     name=agreement.name, **buttons_for(actor))
        else:  # the news for the thread is queued with the sign-off itself: posted once, even after a restart
            who = [s.user_id for s in agreements.signoffs(session, agreement, int(number))]
            news = render_message(
                "agreement_agreed.yml.j2", now_agreed=result.now_agreed, number=int(number), who=who,
                active=agreement.status == AgreementStatus.ACTIVE, start=agreement.start_date.isoformat(),
                user=actor.user_id, side_label="provider" if result.side == "provider" else "other side",
                waiting_for=result.waiting_for or "", sha=result.signoff.document_sha256)
            session.flush()
            news_key = f"signoff:{result.signoff.id}"
            outbox.enqueue(session, actor.team_id, news_key, agreement.channel_id, "agreement_agreed.yml.j2", {},
                           deps.clock.now(), thread_ts=agreement.thread_ts, message=news)
            if result.now_agreed:  # its annual review (and a new term's or review month's) is planned with it
                sla_review.plan(session, agreement, deps.clock.now(), actor.org_tz)
    if refusal is not None:  # answered once the row lock is let go: nobody waits on Slack for it
        respond(replace_original=False, response_type="ephemeral", **refusal)
        return
    context["done"] = f"Your agreement to version {number} of {agreement.name} is recorded"
    delivery.deliver(deps, client, actor.team_id, news_key)  # what does not go now, the scheduler sends later
    agreement_thread.refresh_headline(client, deps, actor, agreement.id)
    if result.now_agreed:
        agreement_thread.underpinning_changed(client, deps, actor, agreement.id, f"was agreed at version {number}")


@registry.action(Action.AGREEMENT_SHOW)
def show(ack: Ack, body: dict, respond: Respond, context: BoltContext) -> None:
    ack()
    actor = context["actor"]
    with context["deps"].db.session() as session:
        agreement = agreements.get(session, actor.team_id, int(body["actions"][0]["value"]))
        row = agreements.version(session, agreement)
        shown = terms_posting.for_person(session, actor, agreement, row)  # commercial terms: theirs to see?
        document = terms_posting.person_document(session, context["deps"], agreement, row, shown)
    respond(replace_original=False, response_type="ephemeral",
            **agreement_thread.document_message(agreement, row, document=document))
