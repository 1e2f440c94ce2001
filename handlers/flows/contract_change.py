"""Below a proposed version of an OLA or contract, in its thread: which SLA targets it would weaken, before it is
agreed (bot.suppliers.changes). One post per version, through the once-only outbox, after the version's own."""
from __future__ import annotations

from slack_sdk import WebClient

from bot import agreements, delivery, outbox
from bot.suppliers import changes
from bot.workspace.actor import Actor
from models import AgreementKind, AgreementVersion

TEMPLATE = "contract_change_check.yml.j2"


def key(version_id: int) -> str:
    return f"contract_change:{version_id}"


def post(client: WebClient, deps, actor: Actor, agreement_id: int, version_id: int) -> bool:
    """Queue and send the check of this version into the thread; False when there is nothing to post (an SLA, a
    first version, or no thread yet)."""
    with deps.db.session() as session:
        agreement = agreements.get(session, actor.team_id, agreement_id)
        row = session.get(AgreementVersion, version_id)
        if agreement.kind == AgreementKind.SLA.value or row is None or not agreement.thread_ts:
            return False
        result = changes.check_change(session, agreement, row.number, now=actor.at())
        if result is None:
            return False
        outbox.enqueue(session, actor.team_id, key(version_id), agreement.channel_id, TEMPLATE,
                       {"w": changes.as_context(result)}, actor.at(), thread_ts=agreement.thread_ts)
    return delivery.deliver(deps, client, actor.team_id, key(version_id)).done
