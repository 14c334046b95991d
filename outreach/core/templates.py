"""Render pitch templates: sandboxed Jinja2, strict about undefined names, with Babel filters.

Reviewers edit templates, so a template must never run code or reach Python internals: it runs in
an immutable sandbox with no globals, sees only read-only views, and cannot build huge strings.
A rendered subject is one line or an error, so no data can inject a mail header.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from jinja2 import StrictUndefined, Template
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from outreach.core import briefs
from outreach.core.campaign import Campaign, TargetPage
from outreach.core.formatting import LocaleFormatter, formatter
from outreach.core.locale_folders import MESSAGES, SUBJECT, Library, Snapshot, TemplateSource
from outreach.core.models import Prospect
from outreach.core.template_context import (
    VIEWS,
    HookSet,
    HookView,
    SenderView,
    market_context,
    page_view,
    prospect_views,
    view_fields,
)
from outreach.errors import NotFoundError, TemplateError, UnsafeHeaderError

MAX_SEQUENCE_LENGTH = 20_000
"""Longest string or list `+` and `*` may build: a pitch needs nothing bigger."""
MAX_INTEGER_BITS = 4_096
"""Largest integer `*` and `**` may build (about 1,200 digits)."""
RECHECK_SECONDS = 1.0
"""A renderer looks at template files again at most this often: edits show within a second, and
a batch does not stat every file for every prospect. Approvals always compare the rendered hash."""
REPLY_PREFIX = "Re: "
"""Follow-ups are replies in the pitch's thread (RFC 5322's conventional prefix)."""

_BINOPS = {"+": operator.add, "*": operator.mul, "**": operator.pow}
_VIEW_FIELDS = {view: view_fields(view) for view in (*VIEWS.values(), HookView)}
_UNSAFE_IN_HEADER = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
"""Control characters (Unicode Cc: CR, LF, NUL, tab…) and the Unicode line and paragraph separators."""

_RENDER_FAILURES = (jinja2.TemplateError, ValueError, TypeError, LookupError, ArithmeticError, RecursionError)


class PitchEnvironment(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox; `+`, `*` and `**` are bounded so a template cannot build huge values."""

    intercepted_binops = frozenset(_BINOPS)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Views expose their data fields only (a whitelist); anything else gets Jinja's checks."""
        fields = _VIEW_FIELDS.get(type(obj))
        if fields is not None:
            return attr in fields
        return bool(super().is_safe_attribute(obj, attr, value))

    def getattr(self, obj: Any, attribute: str) -> Any:
        """A view's data field directly (what Jinja's checks would return for it); anything else checked."""
        fields = _VIEW_FIELDS.get(type(obj))
        if fields is not None and attribute in fields:
            return getattr(obj, attribute)  # a data field, never a str.format to wrap
        return super().getattr(obj, attribute)

    def call_binop(self, context: Any, operator_name: str, left: Any, right: Any) -> Any:
        """Refuse repetitions, concatenations and powers that would build something enormous."""
        problem = _too_big(operator_name, left, right)
        if problem:
            raise SecurityError(problem)
        return _BINOPS[operator_name](left, right)


def _too_big(operator_name: str, left: Any, right: Any) -> str | None:
    """Why `left <operator> right` would be too big to build, or None."""
    sequences = (str, list, tuple)
    if operator_name == "+" and isinstance(left, sequences) and isinstance(right, sequences):
        items = len(left) + len(right)
    elif operator_name == "*" and isinstance(left, sequences) and _is_int(right):
        items = len(left) * right
    elif operator_name == "*" and isinstance(right, sequences) and _is_int(left):
        items = len(right) * left
    else:
        items = 0
    if items > MAX_SEQUENCE_LENGTH:
        return f"'{operator_name}' would build {items} items (limit {MAX_SEQUENCE_LENGTH})"
    if _is_int(left) and _is_int(right):
        bits = (left.bit_length() * right if operator_name == "**" and right > 0
                else left.bit_length() + right.bit_length() if operator_name == "*" else 0)
        if bits > MAX_INTEGER_BITS:
            return f"'{operator_name}' would build a {bits}-bit integer (limit {MAX_INTEGER_BITS})"
    return None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _finalize(value: Any) -> Any:
    """Refuse to print None, which would put `None` into an email (`Hola None`)."""
    if value is None:
        raise jinja2.TemplateRuntimeError(
            "printed an empty value (None); guard it with {% if … %} or | default('…')")
    return value


def _unwrap(value: Any) -> Any:
    """A hook's raw value; anything else unchanged."""
    return value.value if isinstance(value, HookView) else value


def _filters(fmt: LocaleFormatter) -> dict[str, Any]:
    """The Babel filters of one market, bound to its locale."""

    def currency(value: Any, code: str | None = None, whole: bool = False) -> str:
        code = code or (value.currency if isinstance(value, HookView) else None)
        if not code:
            raise ValueError("currency needs a code for a plain number: | currency('MXN')")
        return fmt.currency(_unwrap(value), code, whole=whole)

    def plural(count: Any, **forms: str) -> str:
        return fmt.plural(_unwrap(count), forms)

    return {
        "number": lambda value: fmt.number(_unwrap(value)),
        "percent": lambda value: fmt.percent(_unwrap(value)),
        "currency": currency,
        "date": lambda value, style="long": fmt.date(_unwrap(value), style),
        "territory": fmt.territory,
        "language": fmt.language,
        "plural": plural,
    }


def make_environment(fmt: LocaleFormatter) -> PitchEnvironment:
    """A sandboxed environment for one market: strict undefined, no autoescape, no globals."""
    env = PitchEnvironment(undefined=StrictUndefined, autoescape=False, trim_blocks=True,
                           lstrip_blocks=True, finalize=_finalize)
    env.globals.clear()  # no range, cycler, lipsum…: nothing to call that the context did not give
    env.filters.update(_filters(fmt))
    return env


@dataclass(frozen=True)
class RenderedMessage:
    """A message ready for review or the outbox: subject and body, and where their text came from."""

    market: str
    message: str
    subject: str
    body: str
    subject_source: TemplateSource
    body_source: TemplateSource


@dataclass
class _Compiled:
    source: TemplateSource
    template: Template


class Renderer:
    """Renders a campaign's templates; compiles each once and caches market contexts and formatters."""

    def __init__(self, campaign: Campaign, workspace: Path | None = None,
                 library: Library | None = None) -> None:
        self.campaign = campaign
        self.workspace = workspace or campaign.source.parent
        self.library = library or Library(self.workspace, recheck_seconds=RECHECK_SECONDS)
        self._environments: dict[str, PitchEnvironment] = {}
        self._compiled: dict[tuple[str, str], _Compiled] = {}
        self._market_contexts: dict[str, tuple[dict[str, Any], Snapshot]] = {}

    def environment(self, tag: str) -> PitchEnvironment:
        """The market's sandboxed environment, made once."""
        if tag not in self._environments:
            self._environments[tag] = make_environment(formatter(tag))
        return self._environments[tag]

    def compile(self, tag: str, name: str) -> tuple[TemplateSource, Template]:
        """A market's template, compiled once per version of its file."""
        tag = self.campaign.market(tag).tag
        source = self.library.resolve(tag, name)
        cached = self._compiled.get((tag, name))
        if cached is None or cached.source != source:
            cached = _Compiled(source, self._compile_source(tag, source))
            self._compiled[(tag, name)] = cached
        return cached.source, cached.template

    def _compile_source(self, tag: str, source: TemplateSource) -> Template:
        env = self.environment(tag)
        try:
            code = env.compile(source.text, name=source.name, filename=str(source.path))
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(exc.message or str(exc), file=str(source.path), line=exc.lineno) from None
        return env.template_class.from_code(env, code, env.make_globals(None))

    def market_context(self, tag: str) -> dict[str, Any]:
        """The context shared by every prospect of a market: market, hooks, sender, locale, brand."""
        cached = self._market_contexts.get(tag)
        if cached is not None and cached[1].fresh():
            return cached[0]
        market = self.campaign.market(tag)
        watched = Snapshot([briefs.brief_path(self.workspace, market.tag),
                            *self.library.watched_paths(market.tag)], self.library.recheck_seconds)
        settings = self.library.market_settings(market.tag)
        brief = briefs.load_brief(self.workspace, market.tag)
        context = market_context(self.campaign, market, settings, brief, formatter(market.tag))
        self._market_contexts[tag] = (context, watched)
        return context

    def context(self, tag: str, prospect: Prospect, page: TargetPage | str | None = None,
                anchor: str | None = None, sender: SenderView | None = None) -> dict[str, Any]:
        """The full context of one prospect: shared market part plus prospect, contact, page, anchor."""
        market = self.campaign.market(tag)
        if prospect.market != market.tag:
            raise NotFoundError(f"prospect {prospect.id} ({prospect.domain}) is in {prospect.market}, "
                                f"not {market.tag}")
        target = self._target_page(market.tag, page)
        site, contact = prospect_views(prospect)
        context = {**self.market_context(market.tag), "prospect": site, "contact": contact,
                   "page": page_view(target), "anchor": anchor or self.campaign.campaign.brands[0]}
        if sender is not None:
            context["sender"] = sender
        return context

    def _target_page(self, tag: str, page: TargetPage | str | None) -> TargetPage:
        """The page to link: the one given (which must be the market's), or the market's first."""
        market = self.campaign.market(tag)
        if page is None:
            if not market.pages:
                raise NotFoundError(f"market {tag} has no target pages in {self.campaign.source}")
            return market.pages[0]
        url = page.url if isinstance(page, TargetPage) else page
        for candidate in market.pages:
            if candidate.url == url.strip():
                return candidate
        owner = next((p.market for p in self.campaign.pages if p.url == url.strip()), None)
        where = f"it is a page of {owner}" if owner else "it is not in the campaign"
        raise NotFoundError(f"'{url}' is not a target page of {tag}: {where}")

    def render_template(self, tag: str, name: str, context: dict[str, Any]) -> tuple[TemplateSource, str]:
        """One template rendered with a context; TemplateError names the file and line on failure."""
        source, template = self.compile(tag, name)
        try:
            return source, template.render(context)
        except _RENDER_FAILURES as exc:
            raise _render_error(exc, source) from None

    def render(self, tag: str, prospect: Prospect, *, message: str = "pitch",
               page: TargetPage | str | None = None, anchor: str | None = None,
               sender: SenderView | None = None) -> RenderedMessage:
        """A message (pitch or follow-up) with its subject for one prospect, page and anchor."""
        context = self.context(tag, prospect, page, anchor, sender)
        return self.render_with(tag, message, context)

    def render_with(self, tag: str, message: str, context: dict[str, Any],
                    subject: tuple[TemplateSource, str] | None = None) -> RenderedMessage:
        """A message with its subject, from a ready context (and the subject, when already rendered
        from the same context: a pitch's follow-ups share it)."""
        subject_source, subject_text = subject or self.render_subject(tag, context)
        if message != MESSAGES[0]:
            subject_text = REPLY_PREFIX + subject_text
        body_source, body = self.render_template(tag, message, context)
        return RenderedMessage(self.campaign.market(tag).tag, message, subject_text,
                               body.strip("\n") + "\n", subject_source, body_source)

    def render_subject(self, tag: str, context: dict[str, Any]) -> tuple[TemplateSource, str]:
        """The market's subject template rendered with a context, checked to be one safe line."""
        source, subject = self.render_template(tag, SUBJECT, context)
        return source, checked_subject(subject, source)


def checked_subject(text: str, source: TemplateSource) -> str:
    """The subject trimmed to one line; UnsafeHeaderError if a line break or control char remains."""
    subject = text.strip()
    unsafe = _UNSAFE_IN_HEADER.search(subject)
    if unsafe:
        raise UnsafeHeaderError(
            f"the rendered subject contains {unsafe.group(0)!r} at position {unsafe.start() + 1}: a "
            "subject must be one line, or data in it could inject mail headers", file=str(source.path))
    if not subject:
        raise TemplateError("the rendered subject is empty", file=str(source.path))
    return subject


def _render_error(exc: BaseException, source: TemplateSource) -> TemplateError:
    """A rendering failure as a TemplateError naming the template file and line."""
    line = _template_line(exc.__traceback__, str(source.path))
    if isinstance(exc, SecurityError):
        message = f"not allowed in a template: {exc}"
    elif isinstance(exc, jinja2.TemplateError):
        message = _friendly(exc.message or str(exc))
    else:
        message = f"{type(exc).__name__}: {exc}"
    return TemplateError(message, file=str(source.path), line=line)


def _template_line(trace: TracebackType | None, filename: str) -> int | None:
    """The template line where rendering failed, from the frames Jinja maps back to the template."""
    line = None
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == filename:
            line = trace.tb_lineno
        trace = trace.tb_next
    return line


def _friendly(message: str) -> str:
    """Jinja's `'outreach…ContactView object' has no attribute 'x'` as `'contact' has no attribute 'x'`."""
    for name, view in {**VIEWS, "hooks": HookSet}.items():
        message = message.replace(f"'{view.__module__}.{view.__name__} object'", f"'{name}'")
    return message
