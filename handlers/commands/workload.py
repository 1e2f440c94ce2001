"""Issue 17's commands: an SLA's workload limits (`/slm sla limit`), planned maintenance windows (`/slm maintenance`)
and exclusions agreed with the customer (`/slm exclusion`). Thin: parse, authorise, call bot.workload, answer."""
from __future__ import annotations

import re

from bot import agreements, delivery
from bot.errors import InvalidInput
from bot.parsing import windows
from bot.workload import exclusions, limits, maintenance
from bot.workspace.permissions import Capability, require
from handlers import registry
from handlers.commands.arguments import one_name, two_names
from handlers.commands.router import SlashRequest
from handlers.flows import agreement_thread
from handlers.replies import tell
from messages import render_message
from models import AgreementKind, ExclusionKind

LIMIT_USAGE = "/slm sla limit <SLA> <limit> [excusing <targets>]"
EXCLUSION_USAGE = "/slm exclusion add <SLA> <when> <force majeure|customer outage> agreed by @contact [for <service>]"
MAINTENANCE_USAGE = "/slm maintenance add <service> <when>"
_KINDS = {"force majeure": ExclusionKind.FORCE_MAJEURE, "customer outage": ExclusionKind.CUSTOMER_OUTAGE,
          "customer's outage": ExclusionKind.CUSTOMER_OUTAGE, "customer's own outage": ExclusionKind.CUSTOMER_OUTAGE,
          "customer own outage": ExclusionKind.CUSTOMER_OUTAGE}
_TAIL = re.compile(r"^(?P<when>.+?)\s+(?P<kind>force majeure|customer(?:'s)?(?: own)? outage)\s+agreed by\s+"
                   r"<@(?P<user>[A-Z0-9]+)(?:\|[^>]*)?>(?:\s+for\s+(?P<service>.+?))?(?:\s*:\s*(?P<note>.*))?$",
                   re.IGNORECASE)


def read_exclusion(text: str) -> exclusions.Typed:
    """What follows the SLA's name, in the user's words; a refusal names what is missing."""
    m = _TAIL.match(" ".join((text or "").replace("’", "'").split()))
    if m is None:
        raise InvalidInput({"text": "Say when, why (force majeure or customer outage) and which of the customer's "
                                    f"contacts agreed it: `{EXCLUSION_USAGE}`, like `/slm exclusion add \"Acme "
                                    "Payroll\" 2026-12-03 08:00-14:00 Europe/London force majeure agreed by @carol`."})
    kind = _KINDS[" ".join(m.group("kind").lower().split())]
    return exclusions.Typed(m.group("when"), kind, m.group("user"), m.group("service"),
                            (m.group("note") or "").strip()[:300])


def _reply(req: SlashRequest, title: str, lines: list[str], more: int = 0, channels: tuple[str, list[str]] = ("", [])
           ) -> None:
    req.respond(**render_message("workload_reply.yml.j2", title=title, lines=lines, more=more,
                                 channels_said=channels[0], channels=channels[1]))


@registry.command("sla limit", "/slm sla limit <SLA> [<limit> [excusing <targets>] | remove N]",
                  "State a workload limit of an SLA (like “up to 400 tickets a month excusing resolution targets”): "
                  "proposed as its next version")
def sla_limit(req: SlashRequest) -> None:
    with req.deps.db.session() as session:
        def is_sla(name: str) -> bool:
            return agreements.is_named(session, req.actor.team_id, name, AgreementKind.SLA)

        if is_sla(one_name(req.args)):
            agreement = limits.agreement_named(session, req.actor.team_id, one_name(req.args))
            in_force, number, proposed = limits.stated(session, agreement)
            said = [f"In force: #{w['id']} {w['text']}, excusing {w['excuses_text']}" for w in in_force] or [
                "In force: none" + ("" if agreement.agreed_version else " (no version is agreed yet)")]
            if number is not None:  # a later version, not yet agreed, states other limits
                said += [f"Proposed in version {number}, not yet agreed: #{w['id']} {w['text']}, excusing "
                         f"{w['excuses_text']}" for w in proposed] or [
                    f"Proposed in version {number}, not yet agreed: no limit"]
            stated = said if in_force or number is not None else []
            shown = (agreement.name, stated)
        else:
            shown = None
    if shown is not None:  # the SLA alone: the limits in force, and those of a version not yet agreed
        return _reply(req, f"Workload limits of {shown[0]}", shown[1] or [
            f"None stated. Add one: `{LIMIT_USAGE}`, like “up to 400 tickets a month”."])
    with req.deps.db.session() as session:
        name, text = two_names(req.args, is_sla, LIMIT_USAGE, "SLA")
        agreement = agreements.by_name(session, req.actor.team_id, name, AgreementKind.SLA)
        removing = re.fullmatch(r"remove\s+#?(\d+)", text.strip(), re.IGNORECASE)
        if removing and len(removing.group(1)) > 9:  # no id of ours, and past an INTEGER column on PostgreSQL
            raise InvalidInput({"limit": "Name the limit by its number, like `/slm sla limit Acme Payroll remove 2` "
                                         "(`/slm sla limit Acme Payroll` lists them)."})
        change = limits.LimitChange(remove=int(removing.group(1))) if removing else limits.LimitChange(text=text)
        reason = f"Workload limit removed (#{change.remove})" if removing else f"Workload limit: {text.strip()[:300]}"
        made = agreements.propose(session, req.actor, agreement, change, reason, req.deps.docs)
        agreement_id, number, changes, name = agreement.id, made.version.number, made.version.changes, agreement.name
        channel = agreement.channel_id
    _reply(req, f"Version {number} of {name} proposed", changes)
    try:
        agreement_thread.post_version(req.client, req.deps, req.actor, agreement_id, warning=made.warning)
    except agreement_thread.ThreadIncomplete as stopped:  # recorded; `/slm sla post` finishes what is left
        tell(req.client, req.actor, channel, stopped.progress.message(made.warning))


@registry.command("maintenance add", MAINTENANCE_USAGE,
                  "Plan a maintenance window (like `/slm maintenance add Payroll 2026-12-05 22:00-02:00 "
                  "Europe/London` or `/slm maintenance add Payroll Sat 22:00 for 4h`): announced to the service's customers, and not counted against availability")
def maintenance_add(req: SlashRequest) -> None:
    require(req.actor, Capability.PLAN_MAINTENANCE)
    with req.deps.db.session() as session:
        service, when = maintenance.split_service(session, req.actor.team_id, req.args)
        row, channels = maintenance.add(session, req.actor, service, when)
        span = windows.Span(row.starts_at, row.ends_at, row.tz)
        shown = (row.id, service.name, windows.format_window(span),
                 None if windows.reads_the_same(span, req.actor.tz) else windows.format_window(span, req.actor.tz))
        reminded = maintenance.reminded(session, row)
    # Told now, not at the next tick (the outbox keeps it once-only; what fails here is retried by the job).
    delivery.deliver_pending(req.deps, req.client, team_id=req.actor.team_id, key_prefix=maintenance.key_prefix(shown[0]))
    told = ("No customer of the service has a notice channel on the map: nobody was told" if not channels else
            "Announced to its customers' channels now, and again before it starts (the setting maintenance_notice)"
            if reminded else "Announced to its customers' channels now; it starts sooner than maintenance_notice, so "
            "this is its only notice")
    _reply(req, f"Maintenance window #{shown[0]} planned on {shown[1]}",
           [shown[2] + (f" (your time: {shown[3]})" if shown[3] else ""), told,
            f"Cancel it with `/slm maintenance cancel {shown[0]}`"], channels=("Announced to", channels))


@registry.command("maintenance", "/slm maintenance [list]", "The maintenance windows not yet over", pages=True)
def maintenance_list(req: SlashRequest) -> None:
    if req.args.strip() and req.args.strip().lower() != "list":
        raise InvalidInput({"text": "Say `/slm maintenance add <service> <when>`, `/slm maintenance list` or "
                                    "`/slm maintenance cancel N`."})
    with req.deps.db.session() as session:
        rows, total = maintenance.upcoming(session, req.actor.team_id, req.actor.at())
    _reply(req, "Maintenance windows not yet over", [
        f"#{r.id} {r.service}: {r.when}" for r in rows] or [
        "None planned. Plan one with `/slm maintenance add <service> <when>`."], total - len(rows))


@registry.command("maintenance list", "/slm maintenance list", "The maintenance windows not yet over", listed=False,
                  pages=True)
def maintenance_list_words(req: SlashRequest) -> None:
    maintenance_list(req)


@registry.command("maintenance cancel", "/slm maintenance cancel N",
                  "Cancel a maintenance window: its reminder is not sent, and the customers told are told it is off")
def maintenance_cancel(req: SlashRequest) -> None:
    require(req.actor, Capability.PLAN_MAINTENANCE)
    # Nine digits at most, as for `exclusion remove`: a longer number overflows the INTEGER id on PostgreSQL.
    number = re.fullmatch(r"#?(\d{1,9})", req.args.strip())
    if number is None:
        raise InvalidInput({"window": "Name the window by its number, like `/slm maintenance cancel 3` "
                                      "(`/slm maintenance list` shows them)."})
    with req.deps.db.session() as session:
        row, told = maintenance.cancel(session, req.actor, int(number.group(1)))
        window_id = row.id
    delivery.deliver_pending(req.deps, req.client, team_id=req.actor.team_id, key_prefix=maintenance.key_prefix(window_id))
    _reply(req, f"Maintenance window #{window_id} cancelled",
           ["Its reminder will not be sent" + ("; the cancel is announced where the window was" if told else
                                               "; it had not been announced yet, so nothing more is sent")],
           channels=("Cancel announced to", told))


@registry.command("exclusion add", EXCLUSION_USAGE,
                  "Record an exclusion agreed with the customer (force majeure, their own outage): left out of the "
                  "SLA's availability and ticket clocks")
def exclusion_add(req: SlashRequest) -> None:
    require(req.actor, Capability.RECORD_EXCLUSION)
    with req.deps.db.session() as session:
        def is_sla(name: str) -> bool:
            return agreements.is_named(session, req.actor.team_id, name, AgreementKind.SLA)

        name, rest = two_names(req.args, is_sla, EXCLUSION_USAGE, "SLA")
        agreement = agreements.by_name(session, req.actor.team_id, name, AgreementKind.SLA)
        row = exclusions.add(session, req.actor, agreement, read_exclusion(rest))
        shown = (row.id, agreement.name, windows.format_window(windows.Span(row.starts_at, row.ends_at, req.actor.tz)),
                 row.kind.replace("_", " "), row.agreed_by)
    _reply(req, f"Exclusion #{shown[0]} recorded on {shown[1]}",
           [[f"{shown[2]}: {shown[3]}, agreed by ", {"user": shown[4]}],
            "Its time is left out of the SLA's availability and ticket clocks"])


@registry.command("exclusion remove", "/slm exclusion remove N [why]",
                  "Remove an exclusion recorded wrongly (the trail keeps it, with why): its time counts again")
def exclusion_remove(req: SlashRequest) -> None:
    require(req.actor, Capability.RECORD_EXCLUSION)
    said = re.fullmatch(r"#?(\d{1,9})(?:\s+(.*))?", req.args.strip(), re.DOTALL)
    if said is None:
        raise InvalidInput({"exclusion": "Name the exclusion by its number, like `/slm exclusion remove 2 recorded "
                                         "twice` (`/slm exclusions <SLA>` lists them)."})
    with req.deps.db.session() as session:
        row = exclusions.remove(session, req.actor, int(said.group(1)), said.group(2) or "")
        shown = (row.id, windows.format_window(windows.Span(row.starts_at, row.ends_at, req.actor.tz)),
                 row.kind.replace("_", " "))
    _reply(req, f"Exclusion #{shown[0]} removed", [f"{shown[1]}: {shown[2]}",
                                                    "Its time counts again in the SLA's availability and ticket clocks; "
                                                    "the audit trail keeps what it was"])


@registry.command("exclusion", "/slm exclusion add|remove", "Exclusions: add or remove", listed=False)
def exclusion_words(req: SlashRequest) -> None:
    raise InvalidInput({"text": f"Say `{EXCLUSION_USAGE}`, `/slm exclusion remove N [why]` or `/slm exclusions <SLA>`."})


@registry.command("exclusions", "/slm exclusions <SLA>", "The exclusions agreed for an SLA", pages=True)
def exclusion_list(req: SlashRequest) -> None:
    with req.deps.db.session() as session:
        agreement = agreements.by_name(session, req.actor.team_id, one_name(req.args), AgreementKind.SLA)
        rows = exclusions.of_agreement(session, req.actor.team_id, agreement.id)
        lines = [[f"#{x.id} {windows.format_window(windows.Span(x.starts_at, x.ends_at, req.actor.tz))}: "
                  f"{x.kind.replace('_', ' ')}, agreed by ", {"user": x.agreed_by}, ", recorded by ",
                  {"user": x.created_by}] for x in rows]
        name = agreement.name
    _reply(req, f"Exclusions agreed for {name}", lines or ["None."])
