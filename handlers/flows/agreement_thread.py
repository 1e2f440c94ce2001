"""The negotiation thread of an agreement: one headline message, kept up to date in place; the detail below it.

Every version is posted in the thread with its changes in words and its document
attached; every agreement to a version is posted there too. The headline, each
version post and each document go through the once-only delivery path (bot.delivery).
"""
from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import agreements, channel_privacy, delivery, outbox, reviews, service_map
from bot import cover as coverage
from bot.agreements.terms import Decision
from bot.reviews import sla_review
from bot.workspace.actor import Actor
from bot.workspace.audience import INTERNAL, Audience, Item, may_see, shared_with
from handlers.flows import shared_channel, terms_posting
from handlers.presenters.cover import upgrade_view
from messages import render_message
from messages.markdown import chunks
from models import Agreement, AgreementKind, AgreementStatus, AgreementVersion, OutboxKind


log = logging.getLogger(__name__)

BUSY_WAIT_SECONDS = 20  # longer than one send (the Web API client's 15 s timeout)


def headline(session, agreement: Agreement, audience: Audience = INTERNAL) -> dict:
    """The thread's headline. In a channel shared with the customer's workspace (`audience`), without what lies
    beneath the SLA: the waivers of gaps in its cover and the upgrades under way (they name OLAs and suppliers)."""
    kind = AgreementKind(agreement.kind)
    beneath = may_see(audience, Item.GATE_DETAIL)
    party = service_map.get_party(session, agreement.team_id, agreement.counterparty_id)
    signed = {s.side: s.user_id for s in agreements.signoffs(session, agreement, agreement.latest_version)}
    review_line, review_none = review_standing(session, agreement)
    return render_message(
        "agreement_headline.yml.j2", agreement=agreement, kind_label=kind.label,
        counterparty_label=agreements.COUNTERPARTY_LABEL[kind], counterparty=party.name,
        services=[s.name for s in agreements.services_of(session, agreement)], status_line=agreements.status_line(agreement),
        review_month=agreements.MONTHS[agreement.review_month - 1], targets=agreements.targets_of(session, agreement),
        signatures=signed, waived=len(coverage.waivers_of(session, agreement)) if beneath else 0,
        pending=agreement.pending_term,
        upgrades=[upgrade_view(u) for u in coverage.open_upgrades(session, agreement)] if beneath else [],
        open=agreement.status != AgreementStatus.RETIRED.value,  # an expired one may still be renewed
        review_line=review_line, review_none=review_none,
        sla_review_line=sla_review.status_line(session, agreement))  # "Review due 2027-02-01" (bot.reviews)


def review_standing(session, agreement: Agreement) -> tuple[str | None, bool]:
    """An SLA's review cadence in one line ("review cadence not agreed", or "Reviewed: …"), and whether none was
    ever proposed (then the line says how to propose one). None for OLAs and UCs: reviews are agreed on SLAs."""
    if agreement.kind != AgreementKind.SLA.value:
        return None, False
    arrangement = reviews.arrangement_of(session, agreement)
    return reviews.standing(arrangement), arrangement is None


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "agreement"


@dataclass
class Progress:
    """What one pass over the thread did, and where it stopped if it did not finish."""

    name: str
    kind: str
    channel_id: str | None = None
    headline: bool = False                                # the headline was posted now
    versions: list[int] = field(default_factory=list)     # versions posted now
    documents: list[int] = field(default_factory=list)    # versions whose document was attached now
    stopped_at: str | None = None                         # "headline", "version" or "document"
    number: int | None = None                             # the version it stopped at
    reason: str = ""
    unsure: bool = False                                  # Slack did not answer: it may be there already
    terms: Decision | None = None                         # what its channel shows of commercial terms

    def stop(self, where: str, result: "delivery.Result", number: int | None = None) -> None:
        """The pass stops here: a post did not go (yet), for the reason the delivery gave."""
        self.stopped_at, self.number, self.reason, self.unsure = where, number, _why(result), result.maybe_sent

    @property
    def finished(self) -> bool:
        return self.stopped_at is None

    def message(self, warning: str | None = None) -> dict:
        """What to tell the person who asked: what was done, or what could not be, in their words."""
        if self.stopped_at == "headline" and not self.unsure:
            return render_message("agreement_not_posted.yml.j2", name=self.name, kind=self.kind,
                                  channel_id=self.channel_id, error=self.reason)
        return render_message("agreement_post_result.yml.j2", progress=self, warning=warning, terms=self.terms)


class ThreadIncomplete(Exception):
    """The thread could not be brought up to date; `progress` says how far it got and why it stopped."""

    def __init__(self, progress: Progress):
        super().__init__(progress.reason)
        self.progress = progress


def _deliver(client: WebClient, deps, team_id: str, key: str, retry: bool) -> delivery.Result:
    if retry:  # a person asked: what waits for its next try (or gave up) is tried now
        with deps.db.session() as session:
            outbox.retry_now(session, team_id, key)
    result = delivery.deliver(deps, client, team_id, key)
    # Another sender has it (the scheduler resuming after a restart): it settles within one send; then go on
    # from there, since the next post of the thread waits for this one.
    deadline = time.monotonic() + BUSY_WAIT_SECONDS
    while result.outcome is delivery.Outcome.BUSY and time.monotonic() < deadline:
        time.sleep(0.5)  # each look costs a few queries: no need to ask more often than a send settles
        result = delivery.deliver(deps, client, team_id, key)
    return result


def _why(result: delivery.Result) -> str:
    if result.outcome is delivery.Outcome.BUSY:
        return "it is being posted right now"
    return result.error.removeprefix("Slack: ") or result.outcome.value


def publish(client: WebClient, deps, team_id: str, agreement_id: int, *, unanswered=(), warning: str | None = None,
            retry: bool = False) -> Progress:
    """Bring an agreement's thread up to date: its headline, then each version in order, each with its document
    below it. Every post is one outbox row under its own key (queued once, tagged, looked up in Slack before a
    resend), so a pass cut short by a failure or a restart resumes where it stopped and never posts twice."""
    with deps.db.session() as session:
        agreement = agreements.get(session, team_id, agreement_id)
        progress = Progress(name=agreement.name, kind=agreement.kind, channel_id=agreement.channel_id)
        key = agreements.headline_key(agreement.id)
        queued = outbox.get(session, team_id, key)
        channel = queued.channel if queued else agreement.channel_id
        people = None if channel or agreement.thread_ts else agreements.negotiators(session, agreement)
    if people:  # no channel chosen: a group DM of whoever drafted it and the other side's contacts (Slack
        try:    # answers with the same one every time, so a resumed pass finds it again)
            channel = client.conversations_open(users=",".join(people))["channel"]["id"]
        except SlackApiError as err:
            progress.stopped_at, progress.reason = "headline", err.response.get("error") or "no answer"
            return progress
    audience = shared_channel.audience_here(client, deps, team_id, channel)
    if audience.shared and progress.kind != AgreementKind.SLA.value:  # an OLA or a UC: never before a customer
        progress.stopped_at = "headline"
        progress.reason = f"{shared_with(audience)}, and an {AgreementKind(progress.kind).label} is the provider's own"
        return progress
    with deps.db.session() as session:
        agreement = agreements.get(session, team_id, agreement_id)
        if not agreement.thread_ts:
            outbox.enqueue(session, team_id, key, channel, "agreement_headline.yml.j2", {}, deps.clock.now(),
                           message=headline(session, agreement, audience))
    progress.channel_id = channel or progress.channel_id
    with deps.db.session() as session:
        agreement = agreements.get(session, team_id, agreement_id)
        posted, linked = agreement.thread_ts, agreement.permalink
    if not posted:
        result = _deliver(client, deps, team_id, key, retry)
        if not result.done:
            progress.stop("headline", result)
            return progress
        progress.headline = result.outcome is not delivery.Outcome.ALREADY
    if not posted or not linked:  # also when the scheduler posted the headline of a pass cut short
        _keep_permalink(client, deps, team_id, agreement_id)
    progress.terms = terms_posting.decision(client, deps, team_id, agreement_id)  # a public channel's terms
    _post_versions(client, deps, team_id, agreement_id, progress, list(unanswered), warning, retry)
    return progress


def _keep_permalink(client: WebClient, deps, team_id: str, agreement_id: int) -> None:
    with deps.db.session() as session:
        agreement = agreements.get(session, team_id, agreement_id)
        channel, ts = agreement.channel_id, agreement.thread_ts
    try:  # a link for listings; without one they just show no link
        link = client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"]
    except SlackApiError as err:
        log.info("no permalink for agreement %s: %s", agreement_id, err.response.get("error"))
        return
    with deps.db.session() as session:
        agreements.get(session, team_id, agreement_id).permalink = link


def _post_versions(client, deps, team_id, agreement_id, progress: Progress, unanswered, warning, retry) -> None:
    with deps.db.session() as session:
        agreement = agreements.get(session, team_id, agreement_id)
        todo = [(v.id, v.number, v.message_ts is None) for v in agreements.unfinished_versions(session, agreement)]
    latest = todo[-1][1] if todo else None
    for version_id, number, unposted in todo:
        if unposted:
            key = agreements.version_key(version_id)
            with deps.db.session() as session:  # the words that came with it go with the version they came with
                agreement = agreements.get(session, team_id, agreement_id)
                row = session.get(AgreementVersion, version_id)
                extra = dict(unanswered=unanswered, warning=warning) if number == latest else {}
                shown = terms_posting.shown(session, agreement, row, progress.terms)
                outbox.enqueue(session, team_id, key, agreement.channel_id, "agreement_version.yml.j2", {},
                               deps.clock.now(), thread_ts=agreement.thread_ts,
                               message=terms_posting.version_message(agreement, row, shown, **{
                                   "unanswered": [], "warning": None, **extra}))
            result = _deliver(client, deps, team_id, key, retry)
            if not result.done:
                progress.stop("version", result, number)
                return
            progress.versions.append(number)
        key = agreements.document_key(version_id)
        with deps.db.session() as session:
            agreement = agreements.get(session, team_id, agreement_id)
            row = session.get(AgreementVersion, version_id)
            shown = terms_posting.shown(session, agreement, row, progress.terms)
            content = terms_posting.document_text(session, deps, agreement, row, shown)
            if outbox.enqueue(session, team_id, key, agreement.channel_id, "", {}, deps.clock.now(),
                              thread_ts=agreement.thread_ts, kind=OutboxKind.FILE,
                              message={"content": content, "filename": f"{_slug(agreement.name)}-v{number}.md",
                                       "title": f"{agreement.name}, version {number}"}):
                terms_posting.queue_dms(session, deps, agreement, row, shown)  # with it, or never
        result = _deliver(client, deps, team_id, key, retry)
        delivery.deliver_pending(deps, client, team_id=team_id, key_prefix=terms_posting.dm_prefix(version_id))
        if not result.done:
            progress.stop("document", result, number)
            return
        progress.documents.append(number)


def resume_unfinished(deps, client: WebClient) -> int:
    """Carry on every thread a pass left unfinished (the bot restarted, or Slack failed, between its posts): each
    post is queued only once the one above it is in the thread, so the outbox alone cannot finish it. Returns how
    many threads were brought up to date. What still waits (a backoff, a refusal) is left for a later round."""
    with deps.db.session() as session:
        todo = agreements.unfinished_threads(session)
    finished = 0
    for team_id, agreement_id in todo:
        team_client = client if deps.installs is None else deps.client_for(team_id)  # each workspace's own token
        if team_client is None:  # distributed mode, not installed (or uninstalled): its thread waits
            continue
        try:
            finished += publish(team_client, deps, team_id, agreement_id).finished
        except Exception:  # noqa: BLE001 - one thread's trouble is logged; the others still go on
            log.exception("could not carry on the thread of agreement %s", agreement_id)
    return finished


def start_thread(client: WebClient, deps, actor: Actor, agreement_id: int, *, unanswered, warning) -> Progress:
    """Post the headline of a new draft, then version 1 under it with its document."""
    progress = publish(client, deps, actor.team_id, agreement_id, unanswered=unanswered, warning=warning)
    refresh_headline(client, deps, actor, agreement_id)
    if not progress.finished:
        raise ThreadIncomplete(progress)
    return progress


def post_version(client: WebClient, deps, actor: Actor, agreement_id: int, *, warning: str | None = None) -> Progress:
    """A new version: into the thread with its document (and anything an earlier failure left behind)."""
    return start_thread(client, deps, actor, agreement_id, unanswered=(), warning=warning)


# Slack's answers when the headline is no longer there to edit: deleted by someone, or its channel archived.
HEADLINE_GONE = ("message_not_found", "channel_not_found", "is_archived")


def refresh_headline(client: WebClient, deps, actor: Actor, agreement_id: int) -> bool:
    """Bring the headline up to date after a change (the change itself is stored already). False when the headline
    is gone from Slack: nothing to edit, and nothing the person who made the change did wrong."""
    with deps.db.session() as session:
        agreement = agreements.get(session, actor.team_id, agreement_id)
        if not agreement.thread_ts:
            return True
        channel = agreement.channel_id
    audience = channel_privacy.audience(client, actor.team_id, channel, deps.clock.now())  # no session held
    with deps.db.session() as session:
        agreement = agreements.get(session, actor.team_id, agreement_id)
        message = headline(session, agreement, audience)
    try:
        client.chat_update(channel=agreement.channel_id, ts=agreement.thread_ts, **message)
    except SlackApiError as err:
        if err.response.get("error") not in HEADLINE_GONE:
            raise
        log.warning("the headline of agreement %s is gone from %s (%s)", agreement_id, agreement.channel_id,
                    err.response.get("error"))
        return False
    return True


def document_message(agreement: Agreement, row: AgreementVersion, review: tuple[str | None, bool] = (None, False),
                     document: str | None = None) -> dict:
    """A version's document, for the person who asked to see it (`document`: as they may see it, when it is not the
    stored one: terms_posting.person_document)."""
    standing = ""
    if agreement.agreed_version == row.number:  # agreed is not yet in force: that waits for the start date
        standing = ("in force" if agreement.status == AgreementStatus.ACTIVE.value
                    else f"agreed, in force from {agreement.start_date.isoformat()}"
                    if agreement.status == AgreementStatus.AGREED.value else f"agreed ({agreement.status})")
    return render_message("agreement_show.yml.j2", name=agreement.name, number=row.number, author=row.created_by,
                          sha=row.document_sha256, reason=row.reason if row.number > 1 else "",
                          standing=standing, chunks=chunks(document or row.document), review_line=review[0], review_none=review[1])


def underpinning_changed(client: WebClient, deps, actor: Actor, agreement_id: int, why: str) -> None:
    """An OLA or UC changed: check the SLAs above it again; the service managers hear of any cover lost."""
    with deps.db.session() as session:
        agreement = agreements.get(session, actor.team_id, agreement_id)
        if agreement.kind == AgreementKind.SLA.value:
            coverage.recheck(session, agreement, actor.at())  # remember where this SLA stands now
            return
        queued = coverage.after_underpinning_change(session, agreement, actor.at(), why, actor.org_tz)
    if queued:
        delivery.deliver_pending(deps, client)
