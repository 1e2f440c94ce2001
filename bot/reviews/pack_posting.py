"""Posting a review pack: the parent message of the review's thread, then the Markdown document and the chart in
that thread, each through the once-only outbox.

The day before a review, its "review.pack" reminder (scheduled by the reminding slice under
f"review:{review.id}:pack") builds the pack for the review's period and queues it in the review channel under
`pack_key(review.id)`, kept in `Review.pack_key`; when Slack has the parent, `Review.thread_ts` and
`pack_posted_at` are recorded (the thread is where the review is discussed). On demand (`/slm review pack`) the
same three posts go to the channel where it was asked, under a key of that request.
"""
from __future__ import annotations

import base64
from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from bot import channel_privacy, outbox, reminders
from bot.agreements import DocSettings, terms
from bot.reviews import chart, pack_audience, pack_document, pack_terms
from bot.reviews.pack import Pack, build_pack
from bot.reviews.reminding import ENDED
from bot.workspace.audience import INTERNAL, Audience, Item, may_see
from models import Agreement, OutboxKind, Reminder, ReminderStatus, Review, ReviewArrangement, ReviewStatus

PREFIX = "review-pack:"
TEMPLATE = "review_pack.yml.j2"
# What the pack's document is rendered with when the sweep was given no document settings (bot.jobs passes the
# app's: the provider's name, the organisation's templates, in each reminder's Due).
DEFAULT_DOCS = DocSettings(provider_name="IT Services", templates_dir=None)


def pack_key(review_id: int) -> str:
    return f"{PREFIX}{review_id}"


def on_demand_key(agreement_id: int, start: date, channel: str, request: str) -> str:
    return f"pack:{agreement_id}:{start.isoformat()}:{channel}:{request}"[:180]


def queue_pack(session: Session, team_id: str, channel: str, pack: Pack, key: str, docs: DocSettings, now: datetime,
               *, review_id: int | None = None, late: bool = False, without_credits: bool = False,
               audience: Audience = INTERNAL) -> bool:
    """Queue the pack's parent message and, following it into its thread, the document and the chart. False when
    it was queued before under this key (nothing is queued twice). `without_credits`: a public channel that keeps
    commercial terms out (bot.reviews.pack_terms); `audience`: a channel shared with the customer's workspace
    shows them only their own (bot.reviews.pack_audience)."""
    if outbox.get(session, team_id, key) is not None:
        return False
    if without_credits:
        pack = pack_terms.without_credits(pack)
    if not may_see(audience, Item.WAIVER_REASON):  # a shared channel, or one nobody knows: the customer's view
        pack = pack_audience.for_customer(pack)
    document = pack_document.render(session, team_id, pack, docs, now)
    png = chart.render_png(pack)
    stem = pack_document.file_stem(pack)
    context = {"pack": pack.as_context(), "review_id": review_id, "late": late, "warning": document.warning,
               "chart": png is not None}
    if not outbox.enqueue(session, team_id, key, channel, TEMPLATE, context, now):
        return False
    title = f"{pack.agreement}: review pack, {pack.period_label}"
    outbox.enqueue(session, team_id, f"{key}:document", channel, "", {}, now, kind=OutboxKind.FILE, parent_key=key,
                   message={"content": document.text, "filename": f"{stem}.md", "title": title})
    if png is not None:
        outbox.enqueue(session, team_id, f"{key}:chart", channel, "", {}, now, kind=OutboxKind.FILE, parent_key=key,
                       message={"content_b64": base64.b64encode(png).decode("ascii"), "filename": f"{stem}.png",
                                "title": f"{pack.agreement}: achievement against goal, to {pack.period_label}"})
    return True


COMING = timedelta(days=7)  # a pack asked for this close to a review, in its channel, is that review's pack


def coming_review(session: Session, team_id: str, agreement_id: int, channel: str, now: datetime) -> Review | None:
    """The SLA's next review, when it is scheduled within COMING in this channel and its pack is not posted yet:
    a pack asked for here and now is that review's own (its thread the review's discussion, with "Close review"),
    rather than a second pack beside the one the day before would bring."""
    review = session.exec(select(Review).where(
        Review.team_id == team_id, Review.agreement_id == agreement_id,
        Review.status == ReviewStatus.SCHEDULED.value, Review.scheduled_for > now,
    ).order_by(Review.scheduled_for)).first()
    if review is None or review.pack_key or review.channel_id != channel:
        return None
    scheduled = review.scheduled_for if review.scheduled_for.tzinfo else review.scheduled_for.replace(tzinfo=now.tzinfo)
    return review if scheduled - now <= COMING else None


def queue_review_pack(session: Session, review: Review, agreement: Agreement, docs: DocSettings, now: datetime,
                      *, late: bool = False, without_credits: bool = False, audience: Audience = INTERNAL) -> Pack:
    """Build and queue a review's own pack in its channel, under `pack_key(review.id)`, kept on the review."""
    pack = build_pack(session, agreement, review.period_start, review.period_end, now, tz=_zone(session, agreement.id))
    key = pack_key(review.id)
    queue_pack(session, review.team_id, review.channel_id, pack, key, docs, now, review_id=review.id, late=late,
               without_credits=without_credits, audience=audience)
    review.pack_key = key
    session.add(review)
    return pack


def _zone(session: Session, agreement_id: int) -> str:
    found = session.exec(select(ReviewArrangement.timezone).where(ReviewArrangement.agreement_id == agreement_id)).first()
    return found or "UTC"


def channels_due(session: Session, now: datetime, limit: int = 200) -> list[tuple[str, str]]:
    """The (workspace, channel) of each review pack due by now: the sweep asks Slack who reads them first, with no
    session open, so a pack for a channel of the provider's own is not cut down to the customer's view for want
    of asking (bot.jobs.sweep_reminders)."""
    rows = session.exec(select(Review.team_id, Review.channel_id).join(Reminder, Reminder.subject_id == Review.id)
                        .where(Reminder.kind == "review.pack", Reminder.status == ReminderStatus.PENDING.value,
                               Reminder.due_at <= now, Reminder.team_id == Review.team_id)
                        .distinct().limit(limit)).all()
    return [(team, channel) for team, channel in rows if channel]


@reminders.handles("review.pack")
def _pack_due(session: Session, due: reminders.Due) -> bool:
    """The day before a review: its pack, as the parent of the review's thread. Moot for a review no longer
    scheduled; a pack already queued is not queued again."""
    review = session.get(Review, due.reminder.subject_id) if due.reminder.subject_id else None
    if review is None or review.status != ReviewStatus.SCHEDULED.value:
        return False
    if review.pack_key:
        return True
    agreement = session.get(Agreement, review.agreement_id)
    if agreement is None or agreement.team_id != review.team_id or agreement.status in ENDED:
        return False  # gone, retired or expired: no pack for a review that will not be held
    # No Slack call inside this session: the channel counts as public unless already known private (a DM, or Slack
    # said so lately), so its credits go there only with the workspace's say-so.
    public = not channel_privacy.known_private(review.team_id, review.channel_id, due.now)
    hide = terms.decide(agreement.kind, public, terms.setting_of(session, review.team_id)).withhold
    # Shared with the customer's workspace, or not known lately not to be: the customer's view (the safe side).
    audience = channel_privacy.known_audience(review.team_id, review.channel_id, due.now)
    queue_review_pack(session, review, agreement, due.docs or DEFAULT_DOCS, due.now, late=due.late,
                      without_credits=hide, audience=audience)
    return True


@outbox.on_sent(PREFIX)
def _pack_sent(session: Session, held: outbox.Claim, message_ts: str | None, now: datetime) -> None:
    """The pack's parent is in the channel: its thread is the review's (the document and chart follow it)."""
    parts = held.key.split(":")
    if len(parts) != 2 or not parts[1].isdigit():
        return
    review = session.get(Review, int(parts[1]))
    if review is not None and not review.thread_ts:
        review.thread_ts, review.pack_posted_at = message_ts, now
        session.add(review)
