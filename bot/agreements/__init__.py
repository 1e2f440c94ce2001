"""Agreements (competency 6.3): drafted from requirements, negotiated version by version, agreed by both sides.

The working state (term, targets, clauses) is the latest version. Each proposal
makes a new immutable version with its difference from the previous one in words,
its rendered document and the document's hash; agreement is recorded per side
against that hash. The version agreed by both sides is the one in force until a
newer one is agreed.

This package reads nothing of cover (bot.cover reads it): agreeing an SLA takes the cover gate from its caller.

- `queries`: one agreement, by id or name, the list; a version, services, targets, sign-offs; the row lock.
- `versions`: the snapshot a version keeps, the difference between two in words, the document it renders to;
  the standing clauses and counterparty labels.
- `negotiation`: drafting (version 1), proposing a change (the next version), who may propose; the thread
  the negotiation happens in, its posts' outbox keys and what is recorded once each is sent.
- `lifecycle`: agreeing (per side, past the gate), retiring, statuses rolling with time; terms, status in words.
- `targets`: an agreement's targets and the changes proposed to them; `answers`: which requirements they answer;
  `documents`: rendering a document from the organisation's template.

Callers write `agreements.get(...)`, `agreements.propose(...)`: the public names are re-exported here.
"""
from __future__ import annotations

from models import AgreementKind
from bot.agreements.lifecycle import (
    AgreeResult,
    Gate,
    agree,
    default_term,
    next_review,
    retire,
    roll_statuses,
    status_line,
    working_term,
)
from bot.agreements.negotiation import (
    COUNTERPARTY_KIND,
    GROUP_DM_LIMIT,
    Drafted,
    DraftInput,
    document_key,
    draft,
    headline_key,
    mark_posted,
    negotiators,
    propose,
    proposing_side,
    record_version_post,
    version_key,
)
from bot.agreements.queries import (
    by_name,
    is_named,
    counterparty_roles,
    get,
    known_names,
    list_agreements,
    list_page,
    names_known,
    lock,
    services_of,
    signoffs,
    targets_of,
    unfinished_threads,
    unfinished_versions,
    version,
)
# versions.new_version is not offered here: a version is made only by draft and propose, which check who may.
from bot.agreements.versions import (
    CLAUSES,
    COUNTERPARTY_LABEL,
    MONTHS,
    DocSettings,
    NewVersion,
    diff,
    document_context,
    snapshot,
)

__all__ = [
    "CLAUSES", "COUNTERPARTY_KIND", "COUNTERPARTY_LABEL", "GROUP_DM_LIMIT", "MONTHS",
    "AgreeResult", "AgreementKind", "DocSettings", "DraftInput", "Drafted", "Gate", "NewVersion",
    "agree", "by_name", "is_named", "counterparty_roles", "default_term", "diff", "document_context", "document_key", "draft",
    "get", "headline_key", "known_names", "list_agreements", "list_page", "names_known", "lock", "mark_posted", "negotiators", "next_review",
    "propose", "proposing_side", "record_version_post", "retire", "roll_statuses", "services_of", "signoffs",
    "snapshot", "status_line", "targets_of", "unfinished_threads", "unfinished_versions", "version", "version_key",
    "working_term",
]
