"""Commercial terms in an agreement's thread (bot.agreements.terms): what a version post and its document show in
the thread's channel, and the full version by DM to those entitled when a public channel has it without its terms.

Each DM is one outbox row under its own key, queued in the same transaction as the document it stands in for, so
it goes exactly once, whatever happens between (a restart, Slack down).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from slack_sdk import WebClient

from bot import agreements, channel_privacy, outbox
from bot.agreements import documents, terms
from messages import render_message
from messages.markdown import chunks
from models import Agreement, AgreementVersion

dm_prefix = terms.dm_prefix


@dataclass
class Shown:
    """What one version shows in the thread's channel: its terms left out (and to whom they went instead)."""

    hidden: list[str] = field(default_factory=list)    # the kinds of terms left out ("service credits", …)
    recipients: list[str] = field(default_factory=list)
    withhold: bool = False  # terms are left out here: a change of a service credit too, even to none


def decision(client: WebClient, deps, team_id: str, agreement_id: int) -> terms.Decision:
    """Where the thread is, and the workspace's setting: asks Slack (no session held), then reads the setting."""
    with deps.db.session() as session:
        agreement = agreements.get(session, team_id, agreement_id)
        channel, kind = agreement.channel_id, agreement.kind
    public = bool(channel) and channel_privacy.is_public(client, team_id, channel, deps.clock.now())
    with deps.db.session() as session:
        return terms.decide(kind, public, terms.setting_of(session, team_id))


def _stated(row: AgreementVersion) -> list[str]:
    """The terms this version's document or changes state."""
    return terms.present(row.content, "\n".join([row.document, *row.changes]))


def shown(session, agreement: Agreement, row: AgreementVersion, decided: terms.Decision) -> Shown:
    hidden = _stated(row) if decided.withhold else []
    return Shown(hidden, terms.entitled(session, agreement) if hidden else [], decided.withhold)


def version_message(agreement: Agreement, row: AgreementVersion, what: Shown, **extra) -> dict:
    changes = terms.public_changes(row.changes) if what.withhold else row.changes
    return render_message("agreement_version.yml.j2", version=row, name=agreement.name, changes=changes,
                          withheld=terms.left_out(what.hidden) if what.hidden else "", recipients=what.recipients,
                          **extra)


def document_text(session, deps, agreement: Agreement, row: AgreementVersion, what: Shown) -> str:
    """The version's document as its channel may see it: the stored one, or one rendered without the terms, with a
    line at its top saying what was left out and where the full version went."""
    went = "went by DM to the provider's service managers" + (
        "" if terms.internal(agreement.kind) else " and the customer's approvers")
    return without_terms(session, deps, agreement, row, what, f"not shown in this public channel: the full version "
                                                              f"(SHA-256 {row.document_sha256[:16]}…) {went}.")


def for_person(session, actor, agreement: Agreement, row: AgreementVersion) -> Shown:
    """What one person asking to see a version may see of its terms (bot.agreements.terms.may_see)."""
    return Shown() if terms.may_see(session, actor, agreement) else Shown(_stated(row), withhold=True)


def person_document(session, deps, agreement: Agreement, row: AgreementVersion, what: Shown) -> str:
    whose = "the provider's service managers" + ("" if terms.internal(agreement.kind) else " and the customer's approvers")
    return without_terms(session, deps, agreement, row, what, f"left out here: they are for {whose}.")


def without_terms(session, deps, agreement: Agreement, row: AgreementVersion, what: Shown, why: str) -> str:
    if not what.hidden:
        return row.document
    context = agreements.document_context(terms.withheld(row.content), row.number, deps.docs.provider_name)
    rendered = documents.render_agreement(session, agreement.team_id, context, kind=agreement.kind,
                                          templates_dir=deps.docs.templates_dir, now=deps.clock.now())
    return f"> {terms.left_out(what.hidden)} {why}\n\n" + rendered.text


def queue_dms(session, deps, agreement: Agreement, row: AgreementVersion, what: Shown) -> None:
    """The full version, by DM, to each person entitled to it: once each."""
    for user in what.recipients:
        outbox.enqueue(session, agreement.team_id, terms.dm_key(row.id, user), user, "agreement_terms_dm.yml.j2", {},
                       deps.clock.now(), message=render_message(
                           "agreement_terms_dm.yml.j2", name=agreement.name, number=row.number,
                           channel_id=agreement.channel_id, withheld=what.hidden, sha=row.document_sha256,
                           chunks=chunks(row.document)))
