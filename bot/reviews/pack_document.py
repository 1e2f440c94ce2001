"""The review pack as a Markdown document, from the in-house template `messages/documents/review_pack.md.j2`, which
an organisation replaces by putting its own `review_pack.md.j2` in TEMPLATES_DIR: the same mechanism as the SLA's
document (bot.agreements.documents), so a broken edit is reported with its file and line and the last version that
worked stays in force.
"""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from bot.agreements import DocSettings
from bot.agreements.documents import Rendered, render_document
from bot.reviews import pack_satisfaction

SHIPPED = Path(__file__).resolve().parents[2] / "messages" / "documents" / "review_pack.md.j2"
ORGANISATION_NAMES = ("review_pack.md.j2",)


def context(pack, provider: str) -> dict:
    return {**pack.as_context(), "provider": provider,
            "satisfaction_md": pack_satisfaction.markdown(pack)}  # issue 17: the customer's satisfaction


def render(session: Session, team_id: str, pack, docs: DocSettings, now: datetime) -> Rendered:
    return render_document(session, team_id, context(pack, docs.provider_name), names=ORGANISATION_NAMES,
                           shipped=SHIPPED, templates_dir=docs.templates_dir, now=now)


def file_stem(pack) -> str:
    """"acme-payroll-review-2026-10-01": the name the document and the chart are posted under."""
    slug = re.sub(r"[^a-z0-9]+", "-", pack.agreement.lower()).strip("-")[:60] or "sla"
    return f"{slug}-review-{pack.period_start}"
