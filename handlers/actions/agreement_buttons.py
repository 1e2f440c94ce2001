"""The buttons on an agreement's headline: Propose change, Agree to version N, Show document."""
from __future__ import annotations

from functools import partial

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot import agreements, delivery, outbox
from bot import cover as coverage
from bot.reviews import sla_review
from bot.workspace import roles as members
from bot.workspace.audience import shared_with
from handlers import registry
from models import AgreementKind, AgreementStatus
from handlers.flows import agreement_thread, shared_channel, terms_posting
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
    refusal, settled = None, 0
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
            # For the service managers, should the person who pressed it not be one of the provider's own
            managers_refusal = render_message("coverage_gaps.yml.j2", headline=str(refused),
                                              checks=gaps_view(refused.checks), name=agreement.name,
                                              can_waive=True, can_upgrade=True)
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
                # The DMs that listed its gaps with Waive… buttons now say it is agreed, without them.
                settled = coverage.settle_gate_dms(session, agreement, deps.clock.now())
    if refusal is not None:  # answered once the row lock is let go: nobody waits on Slack for it
        audience = shared_channel.audience_here(client, deps, actor.team_id, (body.get("channel") or {}).get("id"))
        if audience.shared:  # the gaps name OLAs, contracts and their owners: never shown in a shared channel
            _refused_in_a_shared_channel(client, deps, actor, respond, agreement, int(number), audience,
                                         refusal, managers_refusal, body)
        else:
            respond(replace_original=False, response_type="ephemeral", **refusal)
        return
    context["done"] = f"Your agreement to version {number} of {agreement.name} is recorded"
    delivery.deliver(deps, client, actor.team_id, news_key)  # what does not go now, the scheduler sends later
    if settled:
        delivery.deliver_pending(deps, client, team_id=actor.team_id, key_prefix=coverage.gate_dm_prefix(agreement.id))
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


def _refused_in_a_shared_channel(client: WebClient, deps, actor, respond: Respond, agreement, number: int, audience,
                                 refusal: dict, managers_refusal: dict, body: dict) -> None:
    """*Agree* refused over gaps in a channel shared with another organisation. The person who pressed it sees only
    what the customer may ("can't be agreed yet: the provider is arranging cover"). The gaps themselves go by DM:
    to them if they are the provider's own; otherwise to the provider's service managers, once each (the outbox,
    keyed by this press, so that agreement edits each DM to say it is settled: coverage.settle_gate_dms)."""
    channel = body["channel"]["id"]
    pressed = body["actions"][0].get("action_ts") or body.get("trigger_id") or ""  # this press, not the button
    prefix = f"{coverage.gate_dm_prefix(agreement.id)}{number}:{actor.user_id}:{pressed}:"
    note = render_message("shared_channel.yml.j2", kind="private_note", channel_id=channel,
                          why=shared_with(audience), what="the gaps in the cover beneath it")
    if shared_channel.of_the_host(client, actor):
        # Through the outbox, as the service managers' copies below: agreement edits it (coverage.settle_gate_dms).
        with deps.db.session() as session:
            outbox.enqueue(session, actor.team_id, prefix + actor.user_id, actor.user_id, "coverage_gaps.yml.j2", {},
                           deps.clock.now(), message=shared_channel.with_note(refusal, note))
        delivery.deliver_pending(deps, client, team_id=actor.team_id, key_prefix=prefix)
        told = shared_channel.went_by_dm(f"Why version {number} of {agreement.name} can't be agreed", audience)
        waiting = render_message("shared_channel.yml.j2", kind="agree_waiting", name=agreement.name, number=number,
                                 told=False)
        respond(replace_original=False, response_type="ephemeral",
                **shared_channel.with_note(told, waiting))
        return
    with deps.db.session() as session:
        for user in members.managers(session, actor.team_id):
            outbox.enqueue(session, actor.team_id, prefix + user, user, "coverage_gaps.yml.j2", {}, deps.clock.now(),
                           message=shared_channel.with_note(managers_refusal, note))
        told = bool(members.managers(session, actor.team_id))
    delivery.deliver_pending(deps, client, team_id=actor.team_id, key_prefix=prefix)
    respond(replace_original=False, response_type="ephemeral", **render_message(
        "shared_channel.yml.j2", kind="agree_waiting", name=agreement.name, number=number, told=told))
