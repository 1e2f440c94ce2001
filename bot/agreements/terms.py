"""Commercial terms, and where they may be shown.

Commercial terms are an SLA's service credits and any money an agreement states (its `charges` clause), and an
underpinning contract's supplier contract reference. They are shown in private channels, DMs and group DMs; in a
public channel the workspace setting `commercial_terms_in_public` decides for an SLA (`hide`, the default: left
out, and the full version sent by DM to the provider's service managers and the customer's approvers; `show`: shown,
with a warning to whoever posts). An OLA's or a UC's terms are internal: they never go to a public channel, whatever
the setting, and their full version goes only to the service managers.

What a rendering leaves out is decided here, without Slack: `decide` (what to do in a channel) and `withheld` (a
version's content without its terms), which the document and the version post are rendered from.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

from sqlmodel import Session

from bot import service_map
from bot.workspace import roles, settings as workspace_settings
from bot.workspace.actor import Actor
from bot.workspace.permissions import Capability, can
from models import Agreement, AgreementKind, ContactRole

SETTING = "commercial_terms_in_public"
NOT_SHOWN = "not shown in this channel"  # what stands where a service credit was left out


@dataclass(frozen=True)
class Decision:
    """What posting a version into one channel does with its commercial terms."""

    public: bool      # the channel is public (not a private channel, a DM or a group DM)
    withhold: bool    # the terms are left out there (and the full version goes by DM)
    warn: bool        # the terms are shown there: whoever posts is warned that everyone in it sees them
    setting: str      # the workspace's choice, to say how to change it


def internal(kind: str) -> bool:
    """An OLA's and a UC's terms are the provider's own business: never public, never the customer's."""
    return kind != AgreementKind.SLA.value


def decide(kind: str, public: bool, setting: str) -> Decision:
    if not public:
        return Decision(public=False, withhold=False, warn=False, setting=setting)
    hide = setting != "show" or internal(kind)
    return Decision(public=True, withhold=hide, warn=not hide, setting=setting)


def setting_of(session: Session, team_id: str) -> str:
    return workspace_settings.get(session, team_id, SETTING)


def present(content: dict, text: str | None = None) -> list[str]:
    """The kinds of commercial terms a version's content states, in words ("service credits", "charges"); with
    `text` (its document and its changes), only those that text shows (the shipped template leaves a contract
    reference out, an organisation's may not)."""
    credits = [t["service_credit"] for t in content.get("targets", [])
               if t.get("service_credit") not in (None, "", NOT_SHOWN)]
    charges = ((content.get("clauses") or {}).get("charges") or "").strip()
    ref = content.get("contract_ref") or ""
    found = []
    for words, values in (("service credits", credits), ("charges", [charges] if charges else []),
                          ("the contract reference", [ref] if ref else [])):
        if values and (text is None or any(v in text for v in values)):
            found.append(words)
    return found


def left_out(kinds: list[str]) -> str:
    """The start of the sentence saying what was left out: "Service credits and charges are"."""
    words = " and ".join(kinds)
    return f"{words[:1].upper()}{words[1:]} {'is' if kinds == ['the contract reference'] else 'are'}"


def withheld(content: dict) -> dict:
    """A version's content with its commercial terms left out: every target's service credit reads NOT_SHOWN (those
    without one too, so the document does not tell which targets carry credits), the charges clause is empty (the
    template leaves it out), and the contract reference is gone."""
    out = copy.deepcopy(content)
    for target in out.get("targets", []):
        target["service_credit"] = NOT_SHOWN
    if "clauses" in out:
        out["clauses"]["charges"] = ""
    out["contract_ref"] = None
    return out


def public_changes(changes: list[str], why: str = "not shown in this public channel") -> list[str]:
    """A version's changes in words, without those that state a service credit ("T1 service credit: a → b"), and
    one line saying commercial terms changed in their place when there were any (so a change of credits alone
    does not read as no change at all)."""
    shown = [c for c in changes if " service credit: " not in c]
    return shown + [f"Commercial terms changed ({why})"] if len(shown) < len(changes) else shown


def entitled(session: Session, agreement: Agreement) -> list[str]:
    """Who receives the full version by DM when a public channel has it without its terms: the provider's service
    managers (the workspace admins while none is granted); for an SLA, also the customer's approvers."""
    people = roles.managers(session, agreement.team_id)
    if not internal(agreement.kind):
        contacts = service_map.contacts_of(session, agreement.team_id, agreement.counterparty_id)
        people += contacts.get(ContactRole.APPROVER, [])
    return list(dict.fromkeys(people))


def may_see(session: Session, actor: Actor, agreement: Agreement) -> bool:
    """Whether this person may see the agreement's commercial terms (privately: a DM, an ephemeral message): the
    provider's service managers and admins; for an SLA, also the customer's approvers."""
    if can(actor, Capability.DRAFT_AGREEMENT):  # those who draft and keep the agreements (the table says who)
        return True
    if internal(agreement.kind):
        return False
    contacts = service_map.contacts_of(session, agreement.team_id, agreement.counterparty_id)
    return actor.user_id in contacts.get(ContactRole.APPROVER, [])




def dm_key(version_id: int, user_id: str) -> str:
    """The outbox key of one person's DM of one version's full document: queued once, sent once."""
    return f"{dm_prefix(version_id)}{user_id}"


def dm_prefix(version_id: int) -> str:
    return f"agreement-terms:{version_id}:"
