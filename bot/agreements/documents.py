"""Agreement documents rendered from the in-house template, which the organisation may replace.

The shipped template is `messages/documents/agreement.md.j2`. An organisation's own
(in TEMPLATES_DIR: `<kind>.md.j2` or `agreement.md.j2`) is tried against the
agreement before it is used (other documents, such as the review pack, use the same
mechanism through `render_document` with their own names); a template with an error is reported with its file
and line, and the last version that worked stays in force.
"""
from __future__ import annotations

import hashlib
import traceback
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from jinja2 import BaseLoader, StrictUndefined, TemplateError, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment
from sqlmodel import Session, select

from models import DocumentTemplate

SHIPPED = Path(__file__).resolve().parents[2] / "messages" / "documents" / "agreement.md.j2"


@dataclass
class Rendered:
    text: str
    sha256: str
    template: str            # which template made it: "built-in" or the organisation's file name
    warning: str | None = None  # a broken organisation template, in words: file, line, problem


class TemplateProblem(Exception):
    def __init__(self, file: str, line: int | None, problem: str):
        super().__init__(f"{file}, line {line}: {problem}" if line else f"{file}: {problem}")
        self.file, self.line, self.problem = file, line, problem


def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(loader=BaseLoader(), undefined=StrictUndefined, autoescape=False, trim_blocks=True,
                                lstrip_blocks=True, keep_trailing_newline=True)


@lru_cache(maxsize=64)
def _compiled(source: str, file: str):
    """A template's source compiled once, not at every render: compiling is most of a render's time (the same few
    templates render every version and every pack). Jinja2's templates render safely from several threads."""
    template = _environment().from_string(source)
    template.filename = file
    return template


def render_source(source: str, file: str, context: dict) -> str:
    """Render one template's source; any error becomes a TemplateProblem naming the file and line."""
    try:
        template = _compiled(source, file)
    except TemplateSyntaxError as err:
        raise TemplateProblem(file, err.lineno, err.message or "syntax error") from None
    try:
        return template.render(**context)
    except (TemplateError, TypeError, ValueError, AttributeError, KeyError) as err:
        line = None
        for frame in traceback.extract_tb(err.__traceback__):
            if frame.filename in ("<template>", file):
                line = frame.lineno
        raise TemplateProblem(file, line, str(err) or type(err).__name__) from None


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _organisation_file(templates_dir: Path | None, names: tuple[str, ...]) -> Path | None:
    if templates_dir is None:
        return None
    for name in names:
        path = templates_dir / name
        if path.is_file():
            return path
    return None


def render_agreement(session: Session, team_id: str, context: dict, *, kind: str, templates_dir: Path | None,
                     now: datetime) -> Rendered:
    return render_document(session, team_id, context, names=(f"{kind}.md.j2", "agreement.md.j2"), shipped=SHIPPED,
                           templates_dir=templates_dir, now=now)


def render_document(session: Session, team_id: str, context: dict, *, names: tuple[str, ...], shipped: Path,
                    templates_dir: Path | None, now: datetime) -> Rendered:
    """Render with the organisation's own template (the first of `names` in its TEMPLATES_DIR), else the shipped
    one. A template that fails is reported, and the last version of it that worked (or the shipped one) used."""
    path = _organisation_file(templates_dir, names)
    built_in = shipped.read_text(encoding="utf-8")
    if path is None:
        return _done(render_source(built_in, shipped.name, context), "built-in")
    source = path.read_text(encoding="utf-8")
    stored = session.exec(select(DocumentTemplate).where(DocumentTemplate.team_id == team_id,
                                                         DocumentTemplate.name == path.name)).first()
    if stored is not None and stored.sha256 == _hash(source):
        return _done(render_source(stored.source, path.name, context), path.name)
    try:
        text = render_source(source, path.name, context)
    except TemplateProblem as problem:
        fallback = "the previous version of it" if stored else "the built-in template"
        warning = f"Your template {problem} — I used {fallback} instead."
        if stored is not None:
            return _done(render_source(stored.source, path.name, context), path.name, warning)
        return _done(render_source(built_in, shipped.name, context), "built-in", warning)
    # It works: from now on it is the version in force.
    if stored is None:
        stored = DocumentTemplate(team_id=team_id, name=path.name, source=source, sha256=_hash(source), accepted_at=now,
                                  created_at=now, created_by="system")
    stored.source, stored.sha256, stored.accepted_at = source, _hash(source), now
    session.add(stored)
    return _done(text, path.name)


def _done(text: str, template: str, warning: str | None = None) -> Rendered:
    return Rendered(text=text, sha256=_hash(text), template=template, warning=warning)
