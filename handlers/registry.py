"""The one table of Slack listeners, whatever the surface.

Each listener module marks its functions with a decorator from here:

    @command("sla new", "/slm sla new <party>", "Draft an SLA")   # a word of `/slm` (handlers/commands/router.py)
    @view(Callback.SERVICE_FORM)                                   # a modal's submission
    @action(Action.HOME_ADD_SERVICE)                               # a button or a select
    @shortcut(Callback.SHORTCUT_RECORD_REQUIREMENT)                # a global or message shortcut
    @event("app_home_opened")                                      # an Events API event
    @options(re.compile("^search_service$"))                       # a searching select's options (block_suggestion)

Each records the function in `LISTENERS` and returns it unchanged. `load()` imports
every module of the listener packages (so a new file is found without being listed
anywhere), and `handlers.register` walks the table once into the Bolt app, each
listener guarded (handlers/guard.py). `/slm help` and the manifest test read the same
table, so neither can name a listener that is not there.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Callable

# Where listeners live: every module of these packages is imported by load().
LISTENER_PACKAGES = ("handlers.commands", "handlers.views", "handlers.actions", "handlers.events",
                     "handlers.shortcuts", "handlers.options")
# The surfaces Bolt matches itself, by the name of the App method that registers them; "subcommand" is ours:
# the words after `/slm`, which the router matches (Bolt sees one slash command).
BOLT_SURFACES = ("command", "view", "action", "shortcut", "event", "options")


@dataclass(frozen=True)
class Listener:
    surface: str               # one of BOLT_SURFACES, or "subcommand"
    key: object                # what Slack's request is matched on: a callback or action id, a constraint dict,
    #                            an event's type, the slash command, or a subcommand's words (a tuple)
    fn: Callable
    usage: str = ""            # subcommands only: for /slm help
    summary: str = ""
    listed: bool = True        # in /slm help (the OLA and UC twins of the SLA commands are summed up in one line)
    pages: bool = False        # a listing that only reads: a list's Next/Previous buttons may run it again

    @property
    def words(self) -> tuple[str, ...]:
        return self.key


LISTENERS: list[Listener] = []
_loaded = False  # load() looks through the packages once; /slm reads the table on every command


def _record(listener: Listener) -> None:
    same = [known for known in LISTENERS if (known.surface, known.key) == (listener.surface, listener.key)]
    if same:  # Bolt would run only the first one registered; say so at start, not when a person presses it
        raise ValueError(f"two listeners for the {listener.surface} {listener.key!r}: "
                         f"{same[0].fn.__module__}.{same[0].fn.__qualname__} and "
                         f"{listener.fn.__module__}.{listener.fn.__qualname__}")
    LISTENERS.append(listener)


def _decorator(surface: str):
    def decorator_for(key):
        def record(fn: Callable) -> Callable:
            _record(Listener(surface, key, fn))
            return fn

        return record

    decorator_for.__name__ = surface
    decorator_for.__doc__ = f"Record the decorated function as the listener for this {surface}."
    return decorator_for


slash_command = _decorator("command")
view = _decorator("view")
action = _decorator("action")
shortcut = _decorator("shortcut")
event = _decorator("event")
options = _decorator("options")  # keyed by a compiled pattern of action_ids: Bolt matches block_suggestion on it


def command(words: str, usage: str, summary: str, *, listed: bool = True, pages: bool = False):
    """Record the decorated function as the `/slm <words>` subcommand; it is called with a SlashRequest.
    `pages`: it only reads and shows a list, so a Next/Previous button may run it again (handlers/actions/list_pages.py);
    a button's value can be crafted, so nothing that changes anything is ever run from one."""
    def record(fn: Callable) -> Callable:
        _record(Listener("subcommand", tuple(words.split()), fn, usage, summary, listed, pages))
        return fn

    return record


def load() -> list[Listener]:
    """Import every listener module (each records itself), and return the table."""
    global _loaded
    if not _loaded:
        for package_name in LISTENER_PACKAGES:
            package = importlib.import_module(package_name)
            for module in pkgutil.iter_modules(package.__path__):
                importlib.import_module(f"{package_name}.{module.name}")
        _loaded = True
    return LISTENERS


def of(surface: str) -> list[Listener]:
    return [listener for listener in load() if listener.surface == surface]


def subcommands() -> dict[tuple[str, ...], Listener]:
    """The words of `/slm`, by their words."""
    return {listener.key: listener for listener in of("subcommand")}
