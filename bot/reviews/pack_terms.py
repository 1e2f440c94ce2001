"""A review pack without its commercial terms (bot.agreements.terms): what is posted in a public channel when the
workspace keeps them out (`commercial_terms_in_public` = hide). Its achievement, breaches and actions stay; the
monthly charge, each credit's rule, working and amount, and the totals read NOT_SHOWN instead."""
from __future__ import annotations

from dataclasses import replace

from bot.reviews.pack import CreditFigure, Pack

NOT_SHOWN = "not shown in this public channel (ask for the pack in a DM with me)"


def without_credits(pack: Pack) -> Pack:
    hidden = CreditFigure(amount=None, rule="not shown", working="", why=NOT_SHOWN)
    return replace(pack, charge=None, charge_note=NOT_SHOWN, credit_totals=[],
                   targets=[replace(t, credit=hidden) for t in pack.targets])
