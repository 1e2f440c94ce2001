"""`/slm review pack <SLA> [period]`: the review pack of an SLA, posted in the channel where it was asked, with the
document and the chart in its thread.

Who may ask: anyone who may view the service map (every member). The pack shows what the SLA achieved, its
breaches and actions: what `/slm sla show` and `/slm tree` already show any member, and what the customer's own
people in the workspace come to the review to read. It changes nothing, so it needs no role. Its credits and charge
are commercial terms (bot.agreements.terms): only for those who may see them, and in a public channel only with the
workspace's say-so.
"""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from bot import agreements, channel_privacy, delivery, reviews
from bot.agreements import terms
from bot.errors import DomainError, InvalidInput
from bot.measurements import periods
from bot.reviews import chart, pack_posting
from bot.workspace.permissions import Capability, require
from handlers import registry
from handlers.commands.arguments import QUOTES, one_name
from handlers.commands.router import SlashRequest
from messages import render_message
from models.base import name_key
from models import Agreement, AgreementKind

USAGE = "/slm review pack <SLA> [period]"
EXAMPLE = "/slm review pack Acme Payroll 2026-10"


def _sla_and_period(session, team_id: str, args: str) -> tuple[Agreement, str]:
    """The SLA named first (quoted, or the longest run of leading words that names one), then the period."""
    args = args.strip()
    if not args:
        raise InvalidInput({"name": f"Name the SLA, like `{EXAMPLE}`."})
    if args[0] in QUOTES and (end := args.find(QUOTES[args[0]], 1)) > 0:
        return agreements.by_name(session, team_id, args[1:end].strip(), AgreementKind.SLA), args[end + 1:].strip()
    words = args.split()
    names = {n: one_name(" ".join(words[:n])) for n in range(len(words), 0, -1)}
    known = agreements.names_known(session, team_id, [name_key(name) for name in names.values()], AgreementKind.SLA)
    for n, name in names.items():  # the longest run of words first
        if name_key(name) in known:
            return agreements.by_name(session, team_id, name, AgreementKind.SLA), " ".join(words[n:])
    return agreements.by_name(session, team_id, one_name(args), AgreementKind.SLA), ""  # says which SLAs there are


def _when(at: datetime, zone: str) -> str:
    """When a review is, in the asker's zone: "Tue 01 Dec 2026 10:00 GMT"."""
    local = (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).astimezone(ZoneInfo(zone))
    return local.strftime("%a %d %b %Y %H:%M ") + (local.tzname() or zone)


@registry.command("review pack", USAGE, "Post an SLA's review pack here: achievement, credits, breaches, actions, "
                  "what comes next")
def post_pack(req: SlashRequest) -> None:
    require(req.actor, Capability.VIEW_MAP)
    deps, team = req.deps, req.actor.team_id
    # Posted where it was asked: in a public channel, its credits and charge only with the workspace's say-so.
    public = channel_privacy.is_public_here(req.client, team, req.channel_id, req.channel_name, req.actor.at())
    # In a channel shared with the customer's workspace: only what the customer may see (bot.reviews.pack_audience).
    audience = channel_privacy.audience(req.client, team, req.channel_id, req.actor.at())
    with deps.db.session() as session:
        sla, words = _sla_and_period(session, team, req.args)
        # Credits only where the workspace lets them be (a public channel) and to those who may see them: a DM or a
        # private channel is no licence for any member to read them.
        hide = (terms.decide(sla.kind, public, terms.setting_of(session, team)).withhold
                or not terms.may_see(session, req.actor, sla))
        if sla.agreed_version is None:
            raise DomainError(f"{sla.name} is not in force yet: it has no agreed version to review.")
        coming = None if words else pack_posting.coming_review(session, team, sla.id, req.channel_id, req.actor.at())
        if coming is not None:  # the coming review's own pack, posted now rather than the day before
            pack = pack_posting.queue_review_pack(session, coming, sla, deps.docs, req.actor.at(), without_credits=hide,
                                                  audience=audience)
            key, review_when = coming.pack_key, _when(coming.scheduled_for, req.actor.tz)
        else:
            kinds = [t.get("period") or "monthly" for t in reviews.agreed_content(session, sla).get("targets", [])]
            try:
                start, end = reviews.parse_period(words, req.actor.today(), kinds,
                                                  periods.fy_start_month(session, team))
            except reviews.PeriodProblem as problem:
                raise InvalidInput({"period": str(problem)}) from None
            pack = reviews.build_pack(session, sla, start, end, req.actor.at(), tz=req.actor.tz)
            key, review_when = reviews.on_demand_key(sla.id, start, req.channel_id, req.trigger_id), None
            reviews.queue_pack(session, team, req.channel_id, pack, key, deps.docs, req.actor.at(), without_credits=hide,
                               audience=audience)
    req.context["done"] = f"The review pack of {sla.name} for {pack.period_label} is queued for this channel"
    result = delivery.deliver(deps, req.client, team, key)
    if result.done:  # the document and the chart follow it into its thread
        delivery.deliver_pending(deps, req.client, team_id=team, key_prefix=f"{key}:")
    req.respond(**render_message("review_pack_posted.yml.j2", agreement=sla.name, period=pack.period_label,
                                 posted=result.done, error=result.error, channel_id=req.channel_id,
                                 chart=bool(chart.panels_of(pack)), review_when=review_when))
