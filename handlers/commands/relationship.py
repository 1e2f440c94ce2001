"""`/slm relationship [customer|supplier|group] <name>`: one party across all its agreements (achievement trend,
breaches, actions on time or late, reviews, unanswered requirements, waivers, renewals) with a verdict, posted in
the channel where it was asked, with the chart of its targets' trend in the thread.

Posted, not ephemeral, like the review pack: it is read together (by the service manager and the people who look
after the party) and its chart is a file, which only a message can carry. Who may ask: anyone who may view the
service map (every member): it shows what `/slm review pack` and `/slm sla show` already show any member. In a
channel shared with a customer's workspace, only that customer's, without waivers or contracts renewing
(bot.workspace.audience); any other party's is refused there.
"""
from __future__ import annotations

from bot import delivery, outbox
from bot.errors import DomainError, InvalidInput
from bot.reviews import pack_audience, relationship
from bot.workspace.audience import Item, may_see, shared_with
from bot.workspace.permissions import Capability, require
from handlers import registry
from handlers.commands.arguments import one_name
from handlers.commands.party import KIND_WORDS
from handlers.commands.router import SlashRequest
from handlers.flows import shared_channel
from messages import render_message

USAGE = "/slm relationship [customer|supplier|group] <name>"
EXAMPLE = "/slm relationship customer Acme"


@registry.command("relationship", USAGE, "Post how the relationship with a customer, supplier or group is going: "
                  "trend, breaches, actions, reviews, and a verdict")
def post_relationship(req: SlashRequest) -> None:
    require(req.actor, Capability.VIEW_MAP)
    deps, team = req.deps, req.actor.team_id
    first, _, rest = req.args.strip().partition(" ")
    kind = KIND_WORDS.get(first.lower())
    name = one_name(rest if kind and rest.strip() else req.args)
    if not name:
        raise InvalidInput({"name": f"Name the customer, supplier or group, like `{EXAMPLE}`."})
    # Who reads the channel, asked first (no session held): shared with a customer, it may see only that customer.
    audience = shared_channel.audience_here(req.client, deps, team, req.channel_id)
    with deps.db.session() as session:
        party = relationship.find_party(session, team, name, kind.value if kind else None)
        if party is None:
            known, more = relationship.party_names(session, team)
            listed = ", ".join(known) + (f" and {more} more" if more else "") if known else "none yet"
            what = kind.value.replace("_", " ") if kind else "customer, supplier or group"
            raise InvalidInput({"name": f"There is no {what} called “{name[:80]}”. The parties are: {listed}."})
        if not may_see(audience, Item.PARTY, party_id=party.id, party_kind=party.kind):
            raise DomainError(f"Only the relationship with the customer here is posted in this channel: "
                              f"{shared_with(audience)}. Ask for that one in a channel of your own workspace.")
        view = relationship.build(session, party, req.actor.at(), tz=req.actor.tz)
        if audience.shared:
            view = pack_audience.relationship_for_customer(view)
        key = relationship.request_key(party.id, req.channel_id, req.trigger_id)
        relationship.queue(session, team, req.channel_id, view, key, req.actor.at())
        charted = outbox.get(session, team, f"{key}:chart") is not None  # none when no target is measured
    req.context["done"] = f"The relationship view of {view.party} is queued for this channel"
    result = delivery.deliver(deps, req.client, team, key)
    if result.done:  # the chart follows it into its thread
        delivery.deliver_pending(deps, req.client, team_id=team, key_prefix=f"{key}:")
    req.respond(**render_message("relationship_posted.yml.j2", party=view.party, verdict=view.verdict,
                                 posted=result.done, error=result.error, channel_id=req.channel_id,
                                 charted=charted))

