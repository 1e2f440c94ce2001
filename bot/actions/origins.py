"""Where an action came from, as a link back: the Slack message it arose in (a breach alert, a review thread's
message), when we know the workspace's address from another permalink of it."""
from __future__ import annotations

ARCHIVES = "/archives/"


def message_link(site_permalink: str | None, channel: str | None, ts: str | None) -> str | None:
    """A permalink to the message `ts` in `channel`, built on the site of any permalink of the same workspace; None
    when that is unknown, or the message is in a DM (whose channel the bot does not keep)."""
    if not (site_permalink and ARCHIVES in site_permalink and channel and ts) or channel[:1] not in ("C", "G"):
        return None
    return f"{site_permalink.split(ARCHIVES)[0]}{ARCHIVES}{channel}/p{ts.replace('.', '')}"
