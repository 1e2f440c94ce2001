"""The "Propose a change" modal: one change to a target, a clause or the term becomes the next version.

The choice of what to change (and, for a new target, its kind) redraws the form,
so the questions follow the answer.
"""
from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import agreements
from bot.calendars import records as calendar_records
from bot.agreements import targets
from bot.parsing import credits
from handlers.flows import contract_change
from bot.workload import limits
from handlers.flows import agreement_thread
from handlers import registry
from handlers.replies import metadata, read_metadata, tell
from handlers.views.values import ViewValues, run_form
from messages import render, render_message
from messages.ids import Action, Block, Callback
from models import Agreement

FIELDS = {f: Block.for_field("prop", f) for f in (
    "change", "kind", "level", "duration", "goal", "period", "metric_name", "threshold", "calendar",
    "warning_percent", "service_credit", "clause_text", "start", "end", "review_month", "reason", "limit")}


def _choices(session, agreement: Agreement) -> list[tuple[str, str]]:
    rows = agreements.targets_of(session, agreement)
    out = [(f"target:{t.key}", f"{t.key}: {targets.describe(t.kind, t.level, t.duration, t.goal, t.metric_name, t.threshold)}")
           for t in rows]
    out.append(("target:new", "Add a target"))
    out += [(f"remove:{t.key}", f"Remove {t.key}") for t in rows]
    out += [(f"clause:{key}", f"Clause: {heading}") for key, (heading, _d) in agreements.CLAUSES.items()]
    out.append(("term", "Dates and review month"))
    if agreement.kind == "sla":  # issue 17: the workload the SLA is sized for (bot.workload.limits)
        out.append(("limit:new", "Add a workload limit"))
        out += [(f"limit:remove:{w.id}", f"Remove workload limit: {w.text}")
                for w in limits.working(session, agreement.team_id, agreement.id)]
    return out[:100]  # a select holds 100 options


def view_for(session, actor, agreement: Agreement, change: str | None, kind: str | None = None) -> dict:
    rows = {t.key: t for t in agreements.targets_of(session, agreement)}
    change = change or (f"target:{next(iter(rows))}" if rows else "target:new")
    target = rows.get(change.partition(":")[2]) if change.startswith("target:") else None
    kind = target.kind if target else kind
    clause = change.partition(":")[2] if change.startswith("clause:") else None
    start, end = agreements.working_term(agreement)  # the term as negotiated so far
    return render("agreement_propose.yml.j2", agreement=agreement, term_start=start.isoformat(), term_end=end.isoformat(),
                  term_month=(agreement.pending_term or {}).get("review_month", agreement.review_month), choices=_choices(session, agreement), change=change,
                  target=target, kind=kind if change.startswith("target:") else None,
                  calendars=[(c.id, c.name) for c in calendar_records.all_of(session, actor.team_id)[:100]],
                  months=[(str(i + 1), m) for i, m in enumerate(agreements.MONTHS)],
                  clause_heading=agreements.CLAUSES[clause][0] if clause else "",
                  clause_text=agreement.clauses.get(clause, agreements.CLAUSES[clause][1]) if clause else "",
                  credit_hint=_credit_hint(target.service_credit if target else ""),
                  private_metadata=metadata(agreement_id=agreement.id, change=change, kind=kind))


def _credit_hint(current: str | None) -> str:
    """Any clause is allowed, but only the stated forms are computed in the review pack: say which, and whether the
    clause as it stands is one of them."""
    forms = "; ".join(f"“{f}”" for f in credits.COMPUTABLE_FORMS)
    now = "" if not current or credits.computes(current) else "The clause as it stands is not computable. "
    return (f"{now}The review pack computes the credit when it is written like {forms} (with “, capped at …” if "
            "need be); other wording is kept, and shown as not computable.")


def open(client: WebClient, trigger_id: str, deps, actor, agreement_id: int) -> None:
    with deps.db.session() as session:
        agreement = agreements.get(session, actor.team_id, agreement_id)
        agreements.proposing_side(session, actor, agreement)  # refuse before the form is filled, not after
        view = view_for(session, actor, agreement, None)
    client.views_open(trigger_id=trigger_id, view=view)


@registry.action({"block_id": Block.PROP_CHANGE, "action_id": Action.INPUT})
@registry.action({"block_id": Block.PROP_KIND, "action_id": Action.INPUT})
def redraw(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
    """The person picked another thing to change, or the kind of a new target: ask the questions that fit."""
    ack()
    view, actor = body["view"], context["actor"]
    meta, values = read_metadata(view), ViewValues(view)
    change = values.option(Block.PROP_CHANGE) or meta["change"]
    kind = values.option(Block.PROP_KIND) if change == "target:new" else None
    with context["deps"].db.session() as session:
        agreement = agreements.get(session, actor.team_id, meta["agreement_id"])
        new_view = view_for(session, actor, agreement, change, kind)
    client.views_update(view_id=view["id"], hash=view["hash"], view=new_view)


def _change(values: ViewValues, change: str):
    what, _, key = change.partition(":")
    if what == "remove":
        return targets.TargetChange(key=key, remove=True)
    if what == "clause":
        return targets.ClauseChange(key, values.text(Block.PROP_CLAUSE_TEXT))
    if what == "limit":
        return (limits.LimitChange(remove=int(key.partition(":")[2])) if key.startswith("remove:")
                else limits.LimitChange(text=values.text(Block.PROP_LIMIT)))
    if what == "term":
        return targets.TermChange(values.date(Block.PROP_START), values.date(Block.PROP_END),
                                  values.option_id(Block.PROP_REVIEW_MONTH))
    return targets.TargetChange(
        key=None if key == "new" else key, kind=values.option(Block.PROP_KIND), level=values.option(Block.PROP_LEVEL),
        duration=values.text(Block.PROP_DURATION), goal=values.text(Block.PROP_GOAL), period=values.option(Block.PROP_PERIOD),
        metric_name=values.text(Block.PROP_METRIC_NAME), threshold=values.text(Block.PROP_THRESHOLD),
        calendar_id=values.option_id(Block.PROP_CALENDAR), warning_percent=values.text(Block.PROP_WARNING_PERCENT),
        service_credit=values.text(Block.PROP_SERVICE_CREDIT))


@registry.view(Callback.AGREEMENT_PROPOSE)
def submit(ack: Ack, view: dict, client: WebClient, context: BoltContext) -> None:
    values, actor, deps = ViewValues(view), context["actor"], context["deps"]
    meta = read_metadata(view)
    change = values.option(Block.PROP_CHANGE) or meta["change"]

    def work():
        with deps.db.session() as session:
            agreement = agreements.get(session, actor.team_id, meta["agreement_id"])
            made = agreements.propose(session, actor, agreement, _change(values, change),
                                      values.text(Block.PROP_REASON), deps.docs)
            return agreement, made

    done = run_form(ack, FIELDS, work, view)
    if done is None:
        return
    ack()
    agreement, made = done
    context["done"] = f"Version {made.version.number} of {agreement.name} is recorded"
    try:
        posted = agreement_thread.post_version(client, deps, actor, agreement.id, warning=made.warning)
    except agreement_thread.ThreadIncomplete as stopped:  # recorded; `post` finishes what is left
        tell(client, actor, agreement.channel_id, stopped.progress.message(made.warning))
    else:
        if posted.terms is not None and posted.terms.public:  # shown or left out in a public channel: its proposer knows
            tell(client, actor, agreement.channel_id, render_message(
                "terms_warning.yml.j2", number=made.version.number, name=agreement.name,
                channel_id=agreement.channel_id, t=posted.terms))
    contract_change.post(client, deps, actor, agreement.id, made.version.id)  # issue 17: what it would weaken
    agreement_thread.underpinning_changed(client, deps, actor, agreement.id,
                                          f"changed in version {made.version.number} ({'; '.join(made.version.changes)})")
