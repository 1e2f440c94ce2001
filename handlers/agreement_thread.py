"""The negotiation thread of an agreement: one headline message, kept up to date in place; the detail below it.

Every version is posted in the thread with its changes in words and its document
attached; every agreement to a version is posted there too.
"""
from __future__ import annotations

import re

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import agreements, coverage, delivery, service_map
from bot.context import Actor
from messages import render_message
from messages.markdown import chunks
from models import Agreement, AgreementKind, AgreementStatus, AgreementVersion, Requirement


log = logging.getLogger(__name__)


def headline(session, agreement: Agreement) -> dict:
    kind = AgreementKind(agreement.kind)
    party = service_map.get_party(session, agreement.team_id, agreement.counterparty_id)
    signed = {s.side: s.user_id for s in agreements.signoffs(session, agreement, agreement.latest_version)}
    return render_message(
        "agreement_headline.yml.j2", agreement=agreement, kind_label=kind.label,
        counterparty_label=agreements.COUNTERPARTY_LABEL[kind], counterparty=party.name,
        services=[s.name for s in agreements.services_of(session, agreement)], status_line=agreements.status_line(agreement),
        review_month=agreements.MONTHS[agreement.review_month - 1], targets=agreements.targets_of(session, agreement),
        signatures=signed, waived=len(coverage.waivers_of(session, agreement)), pending=agreement.pending_term,
        upgrades=coverage.open_upgrades(session, agreement),
        open=agreement.status != AgreementStatus.RETIRED.value)  # an expired one may still be renewed


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "agreement"


def post_version(client: WebClient, deps, agreement: Agreement, row: AgreementVersion, *,
                 unanswered: list[Requirement] = (), warning: str | None = None) -> str:
    """The version in the thread, then its document as a file beside it. Returns the post's ts."""
    posted = client.chat_postMessage(channel=agreement.channel_id, thread_ts=agreement.thread_ts, **render_message(
        "agreement_version.yml.j2", version=row, name=agreement.name, unanswered=list(unanswered), warning=warning))
    with deps.db.session() as session:  # posted: never post it twice, whatever happens to the file below
        agreements.record_version_post(session, session.merge(row), posted["ts"])
    client.files_upload_v2(channel=agreement.channel_id, thread_ts=agreement.thread_ts, content=row.document,
                           filename=f"{_slug(agreement.name)}-v{row.number}.md",
                           title=f"{agreement.name}, version {row.number}")
    return posted["ts"]


def start_thread(client: WebClient, deps, actor: Actor, agreement_id: int, *, unanswered, warning) -> Agreement:
    """Post the headline of a new draft, then version 1 under it."""
    with deps.db.session() as session:
        agreement = agreements.get(session, actor.team_id, agreement_id)
        message = headline(session, agreement)
        people = agreements.negotiators(session, agreement)
    channel = agreement.channel_id
    if not channel:  # no channel chosen: a group DM of whoever drafted it and the other side's contacts
        channel = client.conversations_open(users=",".join(people))["channel"]["id"]
    posted = client.chat_postMessage(channel=channel, **message)
    with deps.db.session() as session:  # posted: whatever happens next, never post a second headline
        agreement = agreements.get(session, actor.team_id, agreement_id)
        agreements.mark_posted(session, agreement, posted["channel"], posted["ts"])
        first = agreements.version(session, agreement, 1)
    try:  # a link for listings; without one they just show no link
        link = client.chat_getPermalink(channel=posted["channel"], message_ts=posted["ts"])["permalink"]
        with deps.db.session() as session:
            agreements.get(session, actor.team_id, agreement_id).permalink = link
    except SlackApiError as err:
        log.info("no permalink for %s: %s", agreement.name, err.response.get("error"))
    post_version(client, deps, agreement, first, unanswered=unanswered, warning=warning)
    refresh_headline(client, deps, actor, agreement_id)
    return agreement


def refresh_headline(client: WebClient, deps, actor: Actor, agreement_id: int) -> None:
    with deps.db.session() as session:
        agreement = agreements.get(session, actor.team_id, agreement_id)
        if not agreement.thread_ts:
            return
        message = headline(session, agreement)
    client.chat_update(channel=agreement.channel_id, ts=agreement.thread_ts, **message)


def document_message(agreement: Agreement, row: AgreementVersion) -> dict:
    """A version's document, for the person who asked to see it."""
    return render_message("agreement_show.yml.j2", name=agreement.name, number=row.number, author=row.created_by,
                          sha=row.document_sha256, reason=row.reason if row.number > 1 else "",
                          in_force=agreement.agreed_version == row.number, chunks=chunks(row.document))


def underpinning_changed(client: WebClient, deps, actor: Actor, agreement_id: int, why: str) -> None:
    """An OLA or UC changed: check the SLAs above it again; the service managers hear of any cover lost."""
    with deps.db.session() as session:
        agreement = agreements.get(session, actor.team_id, agreement_id)
        if agreement.kind == AgreementKind.SLA.value:
            coverage.recheck(session, agreement, actor.at())  # remember where this SLA stands now
            return
        queued = coverage.after_underpinning_change(session, agreement, actor.at(), why)
    if queued:
        delivery.deliver_pending(deps, client)
