"""The review pack's chart: each target's achievement against its goal over its last periods, as a PNG.

matplotlib draws with the Agg backend (no display, no GUI toolkit), through its object API (no pyplot state shared
between threads). One small panel per target, so targets of different scales (99.9% availability, 95% of tickets)
each keep a readable axis; the goal is a dashed line, a missed period a red point.

matplotlib (and numpy under it) is imported by the first chart drawn, not when the bot starts: it is over a third of
the start-up's imports and a fifth of the idle process's memory, and most processes draw no chart for hours.
"""
from __future__ import annotations

import io
from functools import cache

MAX_PANELS = 8  # the pack's text lists every target; the chart keeps the first ones readable


def panels_of(pack) -> list:
    """The targets the chart draws: those with anything measured, at most MAX_PANELS."""
    return [t for t in pack.targets if any(p.achieved is not None for p in t.trend)][:MAX_PANELS]


@cache
def _figure_class():
    """matplotlib's Figure, with the Agg backend chosen before it is imported (once, on the first chart)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    return Figure


def render_png(pack) -> bytes | None:
    """PNG bytes of the pack's trend chart, or None when no target has anything measured to draw."""
    panels = panels_of(pack)
    if not panels:
        return None
    figure = _figure_class()(figsize=(8, 2.2 * len(panels) + 0.6), dpi=100)
    figure.suptitle(f"{pack.agreement}: achievement against goal, to {pack.period_label}", fontsize=11)
    axes = figure.subplots(len(panels), 1, squeeze=False)[:, 0]
    for ax, target in zip(axes, panels):
        labels = [p.label for p in target.trend]
        values = [float(p.achieved) if p.achieved is not None else float("nan") for p in target.trend]
        where = list(range(len(labels)))  # by position, so a period with nothing measured keeps its place
        ax.plot(where, values, marker="o", color="#1f77b4", label="achieved")
        missed = [(x, value) for x, value, p in zip(where, values, target.trend) if p.met is False]
        if missed:
            ax.scatter([m[0] for m in missed], [m[1] for m in missed], color="#d62728", zorder=3, label="missed")
        ax.set_xticks(where, labels)
        ax.set_xlim(-0.5, len(labels) - 0.5)
        low = min([v for v in values if v == v] + ([float(target.goal)] if target.goal is not None else []))
        margin = max((100 - low) * 0.1, 0.05)
        ax.set_ylim(low - margin, 100 + margin)
        if target.goal is not None:
            ax.axhline(float(target.goal), color="#2ca02c", linestyle="--", linewidth=1, label=f"goal {target.goal}%")
        ax.set_title(f"{target.key}: {target.description}"[:90], fontsize=9, loc="left")
        ax.set_ylabel("%", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7, loc="lower left")
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
