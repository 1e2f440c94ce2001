"""The review cadence in the SLA's thread: the form's contents, each proposal or counter and each acceptance posted
once through the outbox (queued in the transaction that records it), and the headline brought up to date."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from slack_sdk import WebClient

from bot import agreements, delivery, outbox, reviews, service_map
from bot.reviews.cadence import next_after
from bot.workspace.actor import Actor
from handlers.flows import agreement_thread
from handlers.replies import metadata
from messages import render, render_message
from models import Agreement, OutboxKind, Party, Review, ReviewArrangement, ReviewFormat

WAITING_BLOCK = "rc_waiting"  # the proposal's "Waiting for …" line: gone once it is answered


def key_prefix(arrangement_id: int) -> str:
    return f"review-cadence:{arrangement_id}:"


def when_text(at: datetime, zone: str) -> str:
    return f"{at.astimezone(ZoneInfo(zone)):%a %-d %b %Y %H:%M} {zone}"


def period_text(review: Review) -> str:
    last = review.period_end - timedelta(days=1)
    return f"{review.period_start:%-d %b %Y} to {last:%-d %b %Y}"


def form(session, actor: Actor, agreement: Agreement, data: reviews.CadenceInput, *, countering: bool,
         revision: int | None = None) -> dict:
    # One more than a select holds: past 100 the select searches as the person types (handlers/options/).
    parties = [(str(p.id), p.name) for p in service_map.choices.parties(session, actor.team_id, limit=101)]
    chosen = [(str(p.id), p.name) for p in service_map.choices.named(session, actor.team_id, Party,
                                                                      list(data.attendee_party_ids))]
    return render("review_cadence_form.yml.j2", countering=countering, name=agreement.name, frequency=data.frequency,
                  zone=actor.org_tz, formats=[(f.value, f.label) for f in ReviewFormat], format=data.format,
                  users=data.attendee_user_ids, parties=parties, chosen_parties=chosen, reminders=data.reminders,
                  channel_id=data.channel_id,
                  private_metadata=metadata(agreement_id=agreement.id, revision=revision))


def queue_proposal(session, actor: Actor, agreement: Agreement, row: ReviewArrangement) -> None:
    """The proposal (or counter) as it now stands, into the SLA's thread, once per revision."""
    found = (session.get(Party, p) for p in row.attendee_party_ids)  # a party removed since is left out, not fatal
    parties = [p.name for p in found if p is not None and p.team_id == row.team_id]
    message = render_message(
        "review_cadence_proposal.yml.j2", proposer=row.proposed_by, countered=row.status == "countered",
        name=agreement.name, revision=row.revision, description=row.description,
        format_label=ReviewFormat(row.format).label, people=row.attendee_user_ids, parties=parties,
        reminders=row.reminder_offsets, channel_id=row.channel_id, why=row.note,
        first_dates=[when_text(at, row.timezone) for at in next_after(row, actor.at(), 3)],
        value=f"{agreement.id}:{row.revision}", waiting_for=reviews.who_may(session, agreement, row))
    outbox.enqueue(session, actor.team_id, f"{key_prefix(row.id)}r{row.revision}", agreement.channel_id or row.channel_id,
                   "review_cadence_proposal.yml.j2", {}, actor.at(), thread_ts=agreement.thread_ts, message=message)


def queue_settled(session, actor: Actor, arrangement_id: int, revision: int, *, accepted_by: str | None = None,
                  replaced_by: int | None = None) -> None:
    """The proposal of `revision` as it was posted, its buttons replaced by who accepted it or what replaced it:
    an edit queued after the post it edits (the outbox holds it until that post is in Slack)."""
    parent = f"{key_prefix(arrangement_id)}r{revision}"
    posted = outbox.get(session, actor.team_id, parent)
    if posted is None or not posted.message:
        return
    kept = [b for b in posted.message.get("blocks", []) if b.get("type") != "actions"
            and b.get("block_id") != WAITING_BLOCK]
    line = render_message("review_cadence_settled.yml.j2", accepted_by=accepted_by, replaced_by=replaced_by,
                          by=actor.user_id)
    outbox.enqueue(session, actor.team_id, f"{parent}:settled", posted.channel, "review_cadence_settled.yml.j2", {},
                   actor.at(), kind=OutboxKind.UPDATE, parent_key=parent,
                   message={"text": posted.message.get("text", ""), "blocks": kept + line["blocks"]})


def queue_agreed(session, actor: Actor, agreement: Agreement, row: ReviewArrangement, review: Review | None) -> None:
    message = render_message(
        "review_cadence_agreed.yml.j2", user=row.agreed_by, proposer=row.proposed_by, revision=row.revision,
        name=agreement.name, description=row.description, format_label=ReviewFormat(row.format).label.lower(),
        channel_id=row.channel_id, next_review=when_text(review.scheduled_for, row.timezone) if review else None,
        period=period_text(review) if review else None)
    outbox.enqueue(session, actor.team_id, f"{key_prefix(row.id)}r{row.revision}:agreed",
                   agreement.channel_id or row.channel_id, "review_cadence_agreed.yml.j2", {}, actor.at(),
                   thread_ts=agreement.thread_ts, message=message)


def posted(client: WebClient, deps, actor: Actor, agreement_id: int, arrangement_id: int) -> None:
    """After the transaction: send what it queued (what does not go now, the scheduler sends), and show the SLA's
    headline with where its reviews stand."""
    delivery.deliver_pending(deps, client, team_id=actor.team_id, key_prefix=key_prefix(arrangement_id))
    agreement_thread.refresh_headline(client, deps, actor, agreement_id)


def sla(session, actor: Actor, agreement_id: int) -> Agreement:
    return agreements.get(session, actor.team_id, agreement_id)
