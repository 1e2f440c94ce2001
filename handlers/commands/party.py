from bot.workspace.permissions import Capability, require
from handlers import registry
from handlers.commands.arguments import one_name
from handlers.commands.router import SlashRequest
from handlers.views import party_form
from models import PartyKind

KIND_WORDS = {"customer": PartyKind.CUSTOMER, "supplier": PartyKind.SUPPLIER, "group": PartyKind.SUPPORT_GROUP,
              "support-group": PartyKind.SUPPORT_GROUP, "team": PartyKind.SUPPORT_GROUP}


@registry.command("party add", "/slm party add [customer|supplier|group] [name]",
                  "Add a customer, supplier or internal support group, with its contacts")
def add_party(req: SlashRequest) -> None:
    require(req.actor, Capability.EDIT_MAP)
    first, _, rest = req.args.partition(" ")
    kind = KIND_WORDS.get(first.lower())
    name = one_name(rest if kind else req.args)
    party_form.open(req.client, req.trigger_id, channel_id=req.channel_id, kind=kind, name=name)
