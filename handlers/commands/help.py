from handlers import registry
from handlers.commands.router import SlashRequest, help_message


@registry.command("help", "/slm help", "What I can do, and how to ask")
def show_help(req: SlashRequest) -> None:
    req.respond(**help_message())
