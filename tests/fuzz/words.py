"""What people might type after a command: the strategies the fuzz tests draw from."""
from __future__ import annotations

from hypothesis import strategies as st

from handlers.registry import subcommands

OWN_WORDS = sorted({w for words in subcommands() for w in words} | {
    "v1", "v2", "v0", "v999999999999", "P1", "P4", "P0", "mine", "overdue", "#1", "#0", "#-1", "#99999999999999999999",
    "customer", "supplier", "group", "service-manager", "admin", "outage", "ticket", "on", "off", "true", "none"})
ODD = ["", " ", "\t", "\n", '"', "“", "”", "'", "‘", "«", "»", "“unclosed", '""', "<@U0ALICE>", "<@U0NOBODY>",
       "<@U0BOB|bob>", "<#C0GENERAL|general>", "<#C999|x>", "<!channel>", "<!here>", "<https://evil.example|x>",
       "&lt;", "&amp;", ":tada:", "🎉", "👩🏽‍💻", "\u200b", "\u202e", "\x00", "\x07", "\x1b[31m", "\ud7ff", "Ω",
       "e\u0301", "ǅ", "ß", "İ", "Ⅻ", "١٢٣", "%s", "{0}", "{{x}}", "'; DROP TABLE service; --", "../../etc/passwd",
       "NaN", "inf", "-0", "1e309", "0x1F", "99999999999999999999999", "-1", "1.5", "1,000", "½", "²", "٣", "１", "4h", "4 hours",
       "95%", "101%", "-5%", "2026-02-30", "2026-13-01", "0000-00-00", "9999-12-31", "31/12/2026", "2026-W53",
       "yesterday", "Q5 2026", "2026-03-02T25:00", "P1D", "£1,000", "$-1", "€1e9"]


def words(names: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(OWN_WORDS), st.sampled_from(ODD), st.sampled_from(names or ["Payroll"]),
                     st.text(max_size=12), st.integers(min_value=-10**12, max_value=10**12).map(str),
                     st.dates().map(str), st.from_regex(r"[0-9]{1,3}[smhdw]", fullmatch=True))


def command_args(names: list[str]) -> st.SearchStrategy[str]:
    """Up to eight words of any sort, joined by spaces or nothing; sometimes quoted; sometimes very long."""
    joined = st.tuples(st.lists(words(names), max_size=8), st.sampled_from([" ", "", "  ", "\n"])).map(
        lambda t: t[1].join(t[0]))
    quoted = st.tuples(st.sampled_from(['"', "“", "'"]), joined, st.sampled_from(['"', "”", "'", ""]), joined).map(
        lambda t: f"{t[0]}{t[1]}{t[2]} {t[3]}")
    return st.one_of(joined, joined, quoted, st.text(max_size=200),
                     st.text(min_size=3000, max_size=5000, alphabet=st.characters(codec="utf-8")),
                     st.sampled_from(["x" * 4000, "é" * 3000, "<@U0ALICE> " * 200, "1" * 3000, "1," * 1500]))
