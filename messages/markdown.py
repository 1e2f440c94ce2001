"""Showing a Markdown document inside Slack messages, which speak mrkdwn and cap a section at 3000 characters."""
from __future__ import annotations

import re

from messages.mrkdwn import mrkdwn_code, mrkdwn_escape

LIMIT = 2900


def _bold_only(line: str) -> str:
    """A line of the document: its **bold** stays bold; every other `*_~` (names people typed) shows as typed."""
    parts = re.split(r"\*\*(.+?)\*\*", line)  # even: plain; odd: the inside of **…**
    return "".join(f"*{mrkdwn_escape(part)}*" if i % 2 else mrkdwn_escape(part) for i, part in enumerate(parts))


def to_mrkdwn(markdown: str) -> str:
    out: list[str] = []
    table: list[str] = []

    def flush_table() -> None:
        if table:
            out.append("```\n" + "\n".join(table) + "\n```")
            table.clear()

    for line in markdown.splitlines():
        if line.startswith("|"):
            if not re.fullmatch(r"\|[-| :]+\|", line.strip()):
                table.append(mrkdwn_code(line))  # a table is shown as code: literal
            continue
        flush_table()
        heading = re.match(r"#{1,6}\s+(.*)", line)
        text = _bold_only(heading.group(1) if heading else line)
        out.append(f"*{text}*" if heading else text)
    flush_table()
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


def chunks(markdown: str, limit: int = LIMIT) -> list[str]:
    """The document as mrkdwn pieces that each fit a section, split between paragraphs where possible."""
    pieces: list[str] = []
    current = ""
    for para in to_mrkdwn(markdown).split("\n\n"):
        if len(para) > limit and current:  # keep the order: what came before goes out first
            pieces.append(current)
            current = ""
        while len(para) > limit:  # a paragraph longer than a section: cut it, keeping code fences whole
            cut = para[:limit]
            if cut.count("```") % 2:
                cut += "\n```"
                para = "```\n" + para[limit:]
            else:
                para = para[limit:]
            pieces.append(cut)
        if len(current) + len(para) + 2 > limit:
            pieces.append(current)
            current = para
        else:
            current = f"{current}\n\n{para}" if current else para
    if current:
        pieces.append(current)
    return pieces
