"""The import contract: which rooms may import which, read from every module's imports with `ast`.

    handlers/ (listeners, flows, presenters)  ->  domain packages in bot/  ->  models/
    messages/ (templates) is called by handlers; bot/'s root modules are the wiring.

Every import counts, the lazy ones inside functions too: a lazy import hides a dependency, it does not
remove it. An import names the module it loads: `from bot import cover` is an import of bot.cover, and
`from bot.cover import check` one of bot.cover (a package's submodules do not import the package). A
migration under models/migrations/versions is loaded by Alembic from its path, and is left out.
"""
from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ROOMS = ("bot", "handlers", "models", "messages")
NOT_MODULES = (ROOT / "models" / "migrations" / "versions",)

# The domain, in layers: a package may import the packages of a lower layer, never of its own or a higher one.
# bot.parsing reads what people type (durations, money, service hours) and knows no entity, so it is at the bottom.
# Packages not written yet (measurements, breaches, reviews) are placed where they will go: measurements and
# measurements read agreed targets (and the cover check reads their past achievement), breaches build on what measurements find and on the cover beneath; a review looks back over measurements and breaches.
LAYERS: list[tuple[str, ...]] = [
    ("bot.parsing",),
    ("bot.workspace",),
    ("bot.calendars", "bot.benchmarks", "bot.service_map"),
    ("bot.requirements",),
    ("bot.agreements",),
    ("bot.actions",),
    ("bot.measurements",),
    ("bot.workload",),  # issue 17: workload limits, maintenance windows, exclusions (the pack reads them)
    ("bot.cover",),
    ("bot.breaches", "bot.complaints"),  # issue 17: complaints sit beside breaches (cover below, reviews above)
    ("bot.satisfaction",),  # issue 17: ratings read tickets and SLAs; the pack and the relationship view show them
    ("bot.suppliers",),  # issue 17, suppliers: contracts' owners, reviews, changes, disputes
    ("bot.reviews",),
]
DOMAIN = tuple(package for layer in LAYERS for package in layer)
NOT_FOR_THE_DOMAIN = ("slack_sdk", "slack_bolt", "handlers", "messages", "bot.sandbox", "bot.app", "bot.server")
NOT_FOR_MODELS = ("bot", "handlers", "messages")
MAX_LINES = 400
COHESIVE = "one cohesive algorithm"  # what a longer module's docstring says, with why
PLAIN_DATA = "one table of plain data"  # or, outside the domain, a table (the sandbox's Web API methods), with why


def _name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    found = {}
    for room in ROOMS:
        for path in sorted((ROOT / room).rglob("*.py")):
            if not any(path.is_relative_to(skipped) for skipped in NOT_MODULES):
                found[_name(path)] = path
    return found


def _package_of(name: str, path: Path) -> str:
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


@cache
def imports_of(name: str) -> frozenset[str]:
    """Every module `name` imports, anywhere in it (the ones of this project resolved to a module of it)."""
    path = modules()[name]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the package this module is in
                package = _package_of(name, path).split(".")
                package = package[:len(package) - (node.level - 1)]
                base = ".".join(package + ([base] if base else []))
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in modules() else base)
    return frozenset(found)


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _of(prefix: str) -> list[str]:
    return [name for name in modules() if _within(name, prefix)]


def _imports_from(prefixes, forbidden) -> list[str]:
    return [f"{module} imports {imported}" for prefix in prefixes for module in _of(prefix)
            for imported in sorted(imports_of(module)) if any(_within(imported, f) for f in forbidden)]


def _present(packages) -> list[str]:
    return [p for p in packages if p in modules()]


def test_the_contract_sees_the_code():
    """The reading itself: a test that finds no module, or no import, would pass whatever the code did."""
    assert {"bot.app", "bot.cover", "handlers.registry", "models", "messages"} <= set(modules())
    assert "bot.cover" in imports_of("handlers.actions.coverage_buttons")
    assert "handlers.flows.agreement_thread" in imports_of("bot.jobs")
    assert set(_present(DOMAIN)) >= {"bot.workspace", "bot.service_map", "bot.agreements", "bot.cover"}
    assert _imports_from(["handlers.commands"], ["slack_bolt"])  # a rule that can fail


@pytest.mark.parametrize("package", _present(DOMAIN))
def test_the_domain_knows_nothing_of_slack_handlers_or_messages(package):
    wrong = _imports_from([package], NOT_FOR_THE_DOMAIN)
    assert not wrong, f"the domain renders nothing and calls no Slack: {wrong}"


def test_models_know_nothing_of_the_bot():
    wrong = _imports_from(["models"], NOT_FOR_MODELS)
    assert not wrong, f"models/ holds the tables only: {wrong}"


def test_messages_know_nothing_of_handlers():
    wrong = _imports_from(["messages"], ["handlers"])
    assert not wrong, f"templates get plain data; they call no listener: {wrong}"


def _layer(package: str) -> int:
    return next(i for i, layer in enumerate(LAYERS) if package in layer)


def _domain_package(module: str) -> str | None:
    return next((p for p in DOMAIN if _within(module, p)), None)


@pytest.mark.parametrize("package", _present(DOMAIN))
def test_a_domain_package_imports_only_the_layers_below_it(package):
    wrong = [f"{module} imports {imported}" for module in _of(package) for imported in sorted(imports_of(module))
             if (other := _domain_package(imported)) not in (None, package) and _layer(other) >= _layer(package)]
    assert not wrong, f"{package} is in layer {_layer(package)} of LAYERS: {wrong}"


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative: the groups of modules that import each other, around some cycle."""
    index, low, on_stack, stack, groups = {}, {}, set(), [], []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            nxt = next(edges, None)
            if nxt is not None:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1 or node in graph[node]:
                    groups.append(sorted(group))
    return groups


def a_cycle(graph: dict[str, set[str]], group: list[str]) -> list[str]:
    """One cycle through the group's first module, shortest first: what the failure names."""
    start, members = group[0], set(group)
    came_from, frontier = {start: None}, [start]
    while frontier:
        following = []
        for node in frontier:
            for nxt in sorted(graph[node] & members):
                if nxt == start:
                    path, at = [], node
                    while at is not None:
                        path.append(at)
                        at = came_from[at]
                    return path[::-1] + [start]
                if nxt not in came_from:
                    came_from[nxt] = node
                    following.append(nxt)
        frontier = following
    return group


def import_graph() -> dict[str, set[str]]:
    ours = modules()
    return {name: {imported for imported in imports_of(name) if imported in ours} for name in ours}


def test_the_cycle_finder_names_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert strongly_connected(graph) == [["a", "b", "c"], ["e"]]
    assert a_cycle(graph, ["a", "b", "c"]) == ["a", "b", "c", "a"]
    assert a_cycle(graph, ["e"]) == ["e", "e"]


def test_no_import_cycles():
    graph = import_graph()
    cycles = [" -> ".join(a_cycle(graph, group)) for group in strongly_connected(graph)]
    assert not cycles, f"modules that import each other: {cycles}"


def _too_long(package: str) -> list[str]:
    long = []
    for module in _of(package):
        path = modules()[module]
        lines = len(path.read_text().splitlines())
        docstring = ast.get_docstring(ast.parse(path.read_text())) or ""
        if lines > MAX_LINES and COHESIVE not in docstring.lower():
            long.append(f"{path.relative_to(ROOT)}: {lines} lines")
    return long


@pytest.mark.parametrize("package", _present(DOMAIN))
def test_a_domain_module_reads_in_one_sitting(package):
    """Over MAX_LINES only with a docstring that says it is one cohesive algorithm, and why."""
    long = _too_long(package)
    assert not long, f"split by job, or say in the docstring why it is {COHESIVE}: {long}"


def test_every_other_module_reads_in_one_sitting_too():
    """The wiring at bot/'s root, bot/api, bot/sandbox, handlers, messages and models: over MAX_LINES only with a
    docstring that says it is one cohesive algorithm or one table of plain data, and why."""
    long = []
    for module, path in modules().items():
        if any(_within(module, package) for package in DOMAIN):
            continue
        docstring = (ast.get_docstring(ast.parse(path.read_text())) or "").lower()
        lines = len(path.read_text().splitlines())
        if lines > MAX_LINES and COHESIVE not in docstring and PLAIN_DATA not in docstring:
            long.append(f"{path.relative_to(ROOT)}: {lines} lines")
    assert not long, f"split by job, or say in the docstring why it is {COHESIVE} or {PLAIN_DATA}: {long}"


SLACK_SYNTAX = ("/slm", "<@", "<!", "<#")


def _strings(tree: ast.AST) -> list[ast.Constant]:
    """The string constants of a module that reach people: docstrings (which may name a command) left out."""
    docstrings = {id(body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and (body := node.body) and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)}
    return [node for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


@pytest.mark.parametrize("package", _present(DOMAIN))
def test_the_domain_spells_no_slack_syntax(package):
    """No mention, ping, channel link or command text is built in the domain: it names a `Person` or a `Command`
    (bot/errors.py) and the message layer spells them."""
    spelled = [f"{modules()[module].relative_to(ROOT)}:{node.lineno}"
               for module in _of(package) for node in _strings(ast.parse(modules()[module].read_text()))
               if any(token in node.value for token in SLACK_SYNTAX)]
    assert not spelled, f"Slack syntax spelled in the domain (name a Person or a Command instead): {spelled}"
