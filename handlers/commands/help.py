from handlers.commands.router import SlashRequest, help_message, subcommand


@subcommand("help", "/slm help", "What I can do, and how to ask")
def show_help(req: SlashRequest) -> None:
    req.respond(**help_message())
