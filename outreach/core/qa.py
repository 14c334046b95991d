"""QA checks on a market's templates, in the manner of Weblate's checks: each finding is an error
(blocks approval) or a warning, and names the template file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, cast

from jinja2 import meta, nodes

from outreach.core import address, briefs, locales
from outreach.core.briefs import MAPPING_METHODS, Brief
from outreach.core.formatting import PLURAL_CATEGORIES, formatter
from outreach.core.language import Detection, detect_language
from outreach.core.locale_folders import SUBJECT, TemplateSource
from outreach.core.template_context import CONTEXT_NAMES, HOOK_FIELDS, VIEWS, sample_prospect, view_fields
from outreach.core.templates import Renderer, checked_subject
from outreach.errors import TemplateError, TemplateNotFoundError

Severity = Literal["error", "warning"]

CHECKS: dict[str, str] = {
    "missing": "no folder along the market's fallback chain has the template",
    "syntax": "the template is not valid Jinja (with the line)",
    "include": "the template includes, imports or extends another: templates are self-contained",
    "unknown-variable": "a name or attribute that is not in the render context",
    "hook-missing": "a data hook the market's brief does not have",
    "hook-unsourced": "a cited hook has no source (error) or no source URL (warning)",
    "hook-stale": "a cited hook is older than the brief's age limit",
    "plural-forms": "a plural phrase lacks a category the locale's CLDR rules use",
    "render": "rendering for a sample prospect fails (with the line)",
    "other-language": "the rendered text, or a paragraph of it, is in another campaign language",
    "address-form": "a word in a form of address the locale.toml does not use (tú in an usted locale)",
    "hard-coded-url": "a URL written into the text that is not one of the market's target pages",
    "subject-length": "the rendered subject is longer than the locale's subject_max",
    "placeholder": "a placeholder left in: [NAME], XXX, TODO, {name}",
    "double-space": "two spaces in a row in the text",
    "trailing-whitespace": "spaces at the end of a line",
}
"""Every check's id and what it looks for."""

LEAK_LANGUAGES = frozenset({"en"})
"""Languages text is often left in whatever the campaign's languages (English boilerplate)."""
PARAGRAPH_MIN_LETTERS = 40
SUBJECT_MIN_LETTERS = 15
PARAGRAPH_CONFIDENCE = 0.9
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'«»“”]+", re.IGNORECASE)
_PLACEHOLDERS = re.compile(
    r"\[[^\[\]\n]{2,40}\](?!\()"           # [NAME], [nombre del medio]
    r"|(?i:\bx{3,}\b)|\b(?:TODO|TBD|FIXME)\b"  # case-sensitive TODO: Spanish `todo` is a word
    r"|(?<!\{)\{\s*\w+\s*\}(?!\})"          # {name} left from another template language
    r"|<[A-Z_]{3,}>|%\(?\w*\)?s\b|(?i:lorem ipsum)")


@dataclass(frozen=True)
class Finding:
    """One check's verdict on one template."""

    check: str
    severity: Severity
    message: str
    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.file and self.line else (self.file or "")
        return f"{where}: {self.severity} [{self.check}] {self.message}".lstrip(": ")


def has_errors(findings: Iterable[Finding]) -> bool:
    """Whether any finding blocks approval."""
    return any(finding.severity == "error" for finding in findings)


@dataclass
class _Subject:
    """What every check of one template needs."""

    renderer: Renderer
    tag: str
    source: TemplateSource
    ast: nodes.Template
    brief: Brief | None
    today: date

    def finding(self, check: str, severity: Severity, message: str, line: int | None = None) -> Finding:
        return Finding(check, severity, message, str(self.source.path), line)


def check_template(renderer: Renderer, tag: str, name: str, *, today: date | None = None) -> list[Finding]:
    """Every finding for one of a market's templates, ordered by line."""
    tag = renderer.campaign.market(tag).tag
    try:
        source, _compiled = renderer.compile(tag, name)
    except TemplateNotFoundError as exc:
        return [Finding("missing", "error", exc.message, exc.file)]
    except TemplateError as exc:
        return [Finding("syntax", "error", exc.message, exc.file, exc.line)]
    subject = _Subject(renderer, tag, source, renderer.environment(tag).parse(source.text),
                       briefs.load_brief(renderer.workspace, tag), today or date.today())
    findings = [*_structure(subject), *_names(subject), *_hooks(subject), *_plurals(subject),
                *_text_checks(subject), *_rendered_checks(subject)]
    return sorted(findings, key=lambda finding: (finding.line or 0, finding.check))


def _structure(subject: _Subject) -> Iterator[Finding]:
    """Includes, imports and extends: templates have no loader and must stand alone."""
    for node in subject.ast.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
        yield subject.finding("include", "error", "templates cannot include, import or extend others",
                              node.lineno)


def _names(subject: _Subject) -> Iterator[Finding]:
    """Names and view attributes the context does not have."""
    for name in sorted(meta.find_undeclared_variables(subject.ast) - CONTEXT_NAMES):
        line = next((node.lineno for node in subject.ast.find_all(nodes.Name) if node.name == name), None)
        known = ", ".join(sorted(CONTEXT_NAMES))
        yield subject.finding("unknown-variable", "error", f"'{name}' is not in the context ({known})", line)
    for node in subject.ast.find_all(nodes.Getattr):
        if isinstance(node.node, nodes.Name) and node.node.name in VIEWS:
            fields = view_fields(VIEWS[node.node.name])
            if node.attr not in fields:
                yield subject.finding("unknown-variable", "error", f"'{node.node.name}' has no "
                                      f"'{node.attr}' (it has {', '.join(sorted(fields))})", node.lineno)


def _hook_uses(ast: nodes.Template) -> Iterator[tuple[str, int, nodes.Node]]:
    """(hook name, line, node) for every `hooks.name` and `hooks['name']` in a template."""
    for attribute in ast.find_all(nodes.Getattr):
        if _is_hooks(attribute.node) and attribute.attr not in MAPPING_METHODS:
            yield attribute.attr, attribute.lineno, attribute
    for item in ast.find_all(nodes.Getitem):
        if _is_hooks(item.node) and isinstance(item.arg, nodes.Const) and isinstance(item.arg.value, str):
            yield item.arg.value, item.lineno, item


def _is_hooks(node: nodes.Node) -> bool:
    return isinstance(node, nodes.Name) and node.name == "hooks"


def _hooks(subject: _Subject) -> Iterator[Finding]:
    """Hooks missing from the brief, hook attributes that do not exist, and unsourced or stale hooks."""
    brief, flagged = subject.brief, set()
    brief_name = briefs.brief_path(subject.renderer.workspace, subject.tag)
    for name, line, node in _hook_uses(subject.ast):
        if brief is None or name not in brief.hooks:
            yield subject.finding("hook-missing", "error", f"hook '{name}' is not in {brief_name}", line)
            continue
        yield from _hook_attribute(subject, node, name)
        if name in flagged:
            continue
        flagged.add(name)
        for flag in briefs.hook_flags(brief.hooks[name], brief, subject.today):
            check = "hook-stale" if flag.kind == "stale" else "hook-unsourced"
            severity: Severity = "error" if flag.kind == "unsourced" else "warning"
            yield subject.finding(check, severity, f"{flag.message} ({brief_name})", line)


def _hook_attribute(subject: _Subject, node: nodes.Node, name: str) -> Iterator[Finding]:
    """`hooks.x.valeu`: an attribute a hook does not have."""
    for parent in subject.ast.find_all(nodes.Getattr):
        if parent.node is node and parent.attr not in HOOK_FIELDS:
            yield subject.finding("unknown-variable", "error", f"hook '{name}' has no '{parent.attr}' "
                                  f"(it has {', '.join(sorted(HOOK_FIELDS))})", parent.lineno)


def _plurals(subject: _Subject) -> Iterator[Finding]:
    """Plural phrases must give every category the market's CLDR plural rules use."""
    needed = formatter(subject.tag).required_plural_categories()
    for node in subject.ast.find_all(nodes.Filter):
        if node.name != "plural":
            continue
        given = {cast(nodes.Keyword, pair).key for pair in node.kwargs}
        for key in sorted(given - set(PLURAL_CATEGORIES)):
            yield subject.finding("plural-forms", "error", f"'{key}' is not a CLDR plural category "
                                  f"({', '.join(PLURAL_CATEGORIES)})", node.lineno)
        missing = [category for category in needed if category not in given]
        if missing:
            severity: Severity = "error" if "other" in missing else "warning"
            yield subject.finding("plural-forms", severity, f"plural phrase lacks {', '.join(missing)} "
                                  f"({subject.tag} uses {', '.join(needed)})", node.lineno)


def _literal_text(ast: nodes.Template, *, constants: bool) -> Iterator[tuple[int, str]]:
    """(line, text) of the template's own words: its text and, if asked, its string constants."""
    for data in ast.find_all(nodes.TemplateData):
        yield data.lineno, data.data
    if constants:
        for const in ast.find_all(nodes.Const):
            if isinstance(const.value, str):
                yield const.lineno, const.value


def _line_of(start: int, text: str, offset: int) -> int:
    """The file line of `offset` in a text chunk that starts on line `start`."""
    return start + text.count("\n", 0, offset)


def _text_checks(subject: _Subject) -> Iterator[Finding]:
    """Checks on the words reviewers wrote: address, URLs, placeholders, spacing."""
    settings = subject.renderer.library.market_settings(subject.tag)
    language = subject.renderer.campaign.market(subject.tag).language
    allowed = settings.allowed_forms
    forms = " or ".join(sorted(allowed))
    for start, text in _literal_text(subject.ast, constants=True):
        for hit in address.wrong_forms(text, language, allowed):
            yield subject.finding("address-form", "error", f"'{hit.word}' is a {'/'.join(sorted(hit.forms))} "
                                  f"form; {subject.tag} writes with {forms} ({settings.folder}/locale.toml)",
                                  _line_of(start, text, hit.offset))
        yield from _urls(subject, start, text)
    for start, text in _literal_text(subject.ast, constants=False):
        for match in _PLACEHOLDERS.finditer(text):
            yield subject.finding("placeholder", "error", f"placeholder left in: '{match.group(0)}'",
                                  _line_of(start, text, match.start()))
        for match in re.finditer(r"(?<=\S) {2,}(?=\S)", text):
            yield subject.finding("double-space", "warning", "two spaces in a row",
                                  _line_of(start, text, match.start()))
    for number, line in enumerate(subject.source.text.splitlines(), start=1):
        if line != line.rstrip():
            yield subject.finding("trailing-whitespace", "warning", "spaces at the end of the line", number)


def _urls(subject: _Subject, start: int, text: str) -> Iterator[Finding]:
    """URLs typed into the text: fine if one of the market's pages, an error if elsewhere on the site."""
    campaign = subject.renderer.campaign
    own = {page.url.rstrip("/") for page in campaign.market(subject.tag).pages}
    site_hosts = {_host(page.url) for page in campaign.pages} | {_host(campaign.campaign.site)}
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:!?")
        if url.rstrip("/") in own:
            continue
        line = _line_of(start, text, match.start())
        if _host(url) in site_hosts:
            owner = next((p.market for p in campaign.pages if p.url.rstrip("/") == url.rstrip("/")), None)
            why = f"a page of {owner}" if owner else "not one of its target pages"
            yield subject.finding("hard-coded-url", "error", f"{url} is {why}; link {subject.tag}'s "
                                  "pages through {{ page.url }}", line)
        else:
            yield subject.finding("hard-coded-url", "warning", f"{url} is typed into the text; cite "
                                  "sources through the brief's hooks ({{ hooks.x.source_url }})", line)


def _host(url: str) -> str:
    """The lower-case host of a URL without `www.`, so `site.com` and `www.site.com` compare equal."""
    host = re.sub(r"^https?://", "", url, flags=re.IGNORECASE).split("/", 1)[0].lower()
    return host.removeprefix("www.")


def _rendered_checks(subject: _Subject) -> Iterator[Finding]:
    """Render for a sample prospect on each of the market's pages; check subject and language."""
    renderer, market = subject.renderer, subject.renderer.campaign.market(subject.tag)
    if not market.pages:
        yield subject.finding("render", "error", f"{market.tag} has no target pages to render with")
        return
    texts: list[str] = []
    seen: set[str] = set()
    for page in market.pages:
        context = renderer.context(subject.tag, sample_prospect(market), page)
        try:
            text = renderer.render_template(subject.tag, subject.source.name, context)[1]
            texts.append(checked_subject(text, subject.source) if subject.source.name == SUBJECT else text)
        except TemplateError as exc:
            if exc.message not in seen:
                seen.add(exc.message)
                yield subject.finding("render", "error", exc.message, exc.line)
    if texts and subject.source.name == SUBJECT:
        yield from _subject_length(subject, texts)
    if texts:
        yield from _language(subject, texts[0], market.language)


def _subject_length(subject: _Subject, texts: list[str]) -> Iterator[Finding]:
    limit = subject.renderer.library.market_settings(subject.tag).subject_max
    longest = max(texts, key=len)
    if len(longest) > limit:
        yield subject.finding("subject-length", "warning", f"the subject renders to {len(longest)} "
                              f"characters for a sample prospect (limit {limit}): «{longest}»")


def _language(subject: _Subject, text: str, expected: str) -> Iterator[Finding]:
    """The text must read as the market's language (an error), and so must each long paragraph."""
    candidates = {*subject.renderer.campaign.languages, expected, subject.source.language, *LEAK_LANGUAGES}
    is_subject = subject.source.name == SUBJECT
    whole = _detect(text, candidates, SUBJECT_MIN_LETTERS if is_subject else PARAGRAPH_MIN_LETTERS)
    if whole and whole.language != expected and (not is_subject or whole.confidence >= PARAGRAPH_CONFIDENCE):
        # A subject is short and detectors err on short text: a warning, never a block.
        yield subject.finding("other-language", "warning" if is_subject else "error",
                              f"the text reads as {locales.language_name(whole.language)} "
                              f"({whole.confidence:.0%}), not {locales.language_name(expected)}")
        return
    for index, paragraph in enumerate(re.split(r"\n\s*\n", text), start=1):
        found = _detect(paragraph, candidates, PARAGRAPH_MIN_LETTERS)
        if found and found.language != expected and found.confidence >= PARAGRAPH_CONFIDENCE:
            yield subject.finding("other-language", "warning", f"paragraph {index} («{paragraph[:40]}…») "
                                  f"reads as {locales.language_name(found.language)}, "
                                  f"not {locales.language_name(expected)}")


def _detect(text: str, candidates: set[str], min_letters: int) -> Detection | None:
    """The language of `text`, or None when it is too short to judge."""
    if sum(char.isalpha() for char in text) < min_letters:
        return None
    return detect_language(text, candidates)


def check_market(renderer: Renderer, tag: str, *, today: date | None = None) -> dict[str, list[Finding]]:
    """Findings of every template a market uses, by template name."""
    names = renderer.library.template_names(renderer.campaign.market(tag).tag)
    return {name: check_template(renderer, tag, name, today=today) for name in names}


def as_json(finding: Finding) -> dict[str, Any]:
    """A finding as plain data."""
    return {"check": finding.check, "severity": finding.severity, "message": finding.message,
            "file": finding.file, "line": finding.line}
