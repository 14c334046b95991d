"""The text of incoming mail: phrase lists per language, folding, and the new text above a quote."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from importlib.resources import files

SIGNATURE = "-- "
"""The signature separator (RFC 3676): what follows it is not the message."""


def fold(text: str) -> str:
    """Lower case without accents, one space between words: what phrases are compared with."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("ß", "ss"))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"\s+", " ", plain.replace("’", "'")).strip()


@dataclass(frozen=True)
class PhraseList:
    """Phrases of one kind in several languages, compiled into one whole-word pattern per language."""

    patterns: dict[str, re.Pattern[str]]

    @classmethod
    def build(cls, by_language: dict[str, list[str]]) -> PhraseList:
        """Compile folded phrases; a phrase matches only as whole words."""
        patterns = {}
        for language, phrases in by_language.items():
            longest_first = sorted(phrases, key=len, reverse=True)
            alternatives = "|".join(re.escape(fold(phrase)) for phrase in longest_first)
            patterns[language] = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
        return cls(patterns)

    def find(self, text: str, languages: tuple[str, ...] | None = None) -> tuple[str, str] | None:
        """The first (language, phrase) found in the text, looking in the given languages or all."""
        folded = fold(text)
        for language in languages or tuple(self.patterns):
            pattern = self.patterns.get(language)
            found = pattern.search(folded) if pattern else None
            if found:
                return language, found.group(0)
        return None

    @property
    def languages(self) -> tuple[str, ...]:
        """Languages that have phrases."""
        return tuple(self.patterns)


@dataclass(frozen=True)
class Phrases:
    """Everything outreach/data/mail_phrases.toml lists."""

    out_of_office: PhraseList
    auto_subject: dict[str, tuple[str, ...]]
    unsubscribe: PhraseList
    quote_headers: tuple[tuple[str, str], ...]
    outlook_from: tuple[str, ...]
    outlook_sent: tuple[str, ...]

    def auto_subject_prefix(self, subject: str) -> str | None:
        """The automatic-answer prefix the subject starts with, if any."""
        folded = fold(subject)
        return next((prefix for prefixes in self.auto_subject.values() for prefix in prefixes
                     if folded.startswith(prefix)), None)


@cache
def phrases() -> Phrases:
    """The bundled phrase lists, loaded once."""
    raw = tomllib.loads(files("outreach.data").joinpath("mail_phrases.toml").read_text(encoding="utf-8"))
    return Phrases(
        out_of_office=PhraseList.build(raw["out_of_office"]),
        auto_subject={lang: tuple(map(fold, items)) for lang, items in raw["auto_subject"].items()},
        unsubscribe=PhraseList.build(raw["unsubscribe"]),
        quote_headers=tuple((fold(item["starts"]), fold(item["ends"])) for item in raw["quote_header"]),
        outlook_from=tuple(raw["outlook_block"]["from"]),
        outlook_sent=tuple(fold(item) for item in raw["outlook_block"]["sent"]),
    )


def new_text(body: str) -> str:
    """The part of a reply its author wrote: above the quoted original, without `>` lines or signature."""
    lines = body.replace("\r\n", "\n").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        if line == SIGNATURE or line.rstrip() == "--" or _opens_quote(lines, index):
            break
        if not line.lstrip().startswith(">"):
            kept.append(line)
    return "\n".join(kept).strip()


def _opens_quote(lines: list[str], index: int) -> bool:
    """Whether this line starts the quoted original (an attribution line or an Outlook header block)."""
    table = phrases()
    folded = fold(lines[index])
    if not folded:
        return False
    joined = fold(f"{lines[index]} {lines[index + 1]}") if index + 1 < len(lines) else folded
    for starts, ends in table.quote_headers:
        for candidate in (folded, joined):
            if candidate.startswith(starts) and candidate.endswith(ends) and (starts or ends):
                return True
    if folded.lstrip("*").startswith(table.outlook_from):
        following = [fold(line).lstrip("*") for line in lines[index + 1:index + 4]]
        return any(line.startswith(table.outlook_sent) for line in following)
    return False


class _TextOfHtml(HTMLParser):
    """Visible text of an HTML body, leaving out quoted blocks and what mail clients mark as quoted."""

    QUOTE_MARKS = ("gmail_quote", "divrplyfwdmsg", "appendonsend", "moz-cite-prefix", "yahoo_quoted")
    BREAKS = frozenset({"br", "p", "div", "tr", "li", "h1", "h2", "h3", "blockquote"})
    VOID = frozenset({"br", "img", "hr", "meta", "link", "input", "wbr", "col", "area", "base", "source"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.depth = 0
        self.stopped = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BREAKS:
            self.parts.append("\n")
        if tag in self.VOID:
            return
        self.depth += 1
        marks = " ".join(value or "" for name, value in attrs if name in ("class", "id")).lower()
        if self.skip_depth == 0 and (tag in ("blockquote", "style", "script", "head") or
                                     any(mark in marks for mark in self.QUOTE_MARKS)):
            self.skip_depth = self.depth
            self.stopped = self.stopped or tag == "blockquote" or bool(marks)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        if self.skip_depth and self.depth == self.skip_depth:
            self.skip_depth = 0
        self.depth = max(self.depth - 1, 0)

    def handle_data(self, data: str) -> None:
        if not self.skip_depth and not self.stopped:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Plain text of an HTML body up to its first quoted block."""
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()
