"""The direction between agreements, cover and actions, read from their source: cover reads agreements and
actions; neither reads cover; none reads Slack, handlers or messages, imports lazily, or spells Slack syntax."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[3] / "bot"
PACKAGES = ("agreements", "cover", "actions")
NEVER = {"agreements": ("bot.cover",), "actions": ("bot.cover",), "cover": ()}
NOBODY = ("slack_sdk", "slack_bolt", "handlers", "messages")
MODULES = [(package, path) for package in PACKAGES for path in sorted((BOT / package).glob("*.py"))]


def imported(tree: ast.AST) -> list[tuple[str, ast.AST]]:
    """Every module an import names, with the node it is in (`from bot import cover` names bot.cover)."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(alias.name, node) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            out += [(node.module, node)] + [(f"{node.module}.{alias.name}", node) for alias in node.names]
    return out


@pytest.mark.parametrize(("package", "path"), MODULES, ids=[f"{p}/{m.name}" for p, m in MODULES])
def test_imports_go_one_way_and_all_at_the_top(package, path):
    tree = ast.parse(path.read_text(), str(path))
    top = {id(node) for node in tree.body}
    for name, node in imported(tree):
        assert id(node) in top, f"{path.name}:{node.lineno} imports {name} inside a function"
        assert not name.startswith(NEVER[package]), f"{path.name}:{node.lineno}: {package} must not import {name}"
        assert not name.startswith(NOBODY), f"{path.name}:{node.lineno}: the domain must not import {name}"


@pytest.mark.parametrize(("package", "path"), MODULES, ids=[f"{p}/{m.name}" for p, m in MODULES])
def test_no_slack_syntax_is_spelled(package, path):
    strings = [n for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    for node in strings:
        assert "/slm" not in node.value and "<@" not in node.value and "<!" not in node.value, (
            f"{path.name}:{node.lineno} spells Slack syntax (name a Command or a Person from bot.errors instead)")


def test_the_check_sees_a_lazy_import_and_a_backwards_one():
    tree = ast.parse("def f():\n    from bot import cover as coverage\n")
    [(name, node)] = [(n, node) for n, node in imported(tree) if n == "bot.cover"]
    assert id(node) not in {id(n) for n in tree.body}
