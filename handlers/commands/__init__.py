"""The `/slm` slash command (router.py) and its subcommands, one module each, each recorded with `@command`."""
