from bot.workspace.permissions import Capability, require
from handlers import registry
from handlers.commands.arguments import one_name
from handlers.commands.router import SlashRequest
from handlers.views import service_form


@registry.command("service add", "/slm service add [name]", "Add a service to the service map")
def add_service(req: SlashRequest) -> None:
    require(req.actor, Capability.EDIT_MAP)
    service_form.open(req.client, req.trigger_id, channel_id=req.channel_id, name=one_name(req.args))
