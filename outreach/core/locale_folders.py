"""`locales/<tag>/`: locale.toml, the pitch templates in each folder, and the fallback chain.

A market takes each template from the first folder along its chain that has it: its own folder,
then the `fallback` its locale.toml declares or else the CLDR parent (es-AR → es-419 → es), and
finally `locales/default/`. Babel's gettext loading does not follow CLDR parents, so the chain is
resolved here, and nothing found anywhere is an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

from babel import UnknownLocaleError
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from outreach import locations
from outreach.core import address, locales
from outreach.core.content_files import parse_toml, read_text, validation_problems
from outreach.errors import LocaleFileError, TemplateNotFoundError

DEFAULT_FOLDER = "default"
"""The last folder of every chain: the campaign's source text, a starting point for translators."""

SETTINGS_FILE = "locale.toml"
TEMPLATE_SUFFIX = ".j2"
SUBJECT = "subject"
MESSAGES = ("pitch", "followup-1", "followup-2")
"""The messages a sequence sends, in order; each is sent with the subject."""
REQUIRED_TEMPLATES = (SUBJECT, *MESSAGES)

Origin = Literal["own", "declared", "ancestor", "default"]
T = TypeVar("T")


class Sender(BaseModel):
    """Who signs the market's pitches."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    role: str = ""
    company: str = ""
    email: str | None = None
    phone: str | None = None


class LocaleSettings(BaseModel):
    """One folder's locale.toml: tone, form of address, sign-off and fallback."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    folder: str
    """The folder's name: a tag (`es-MX`, `es-419`) or `default`."""
    language: str
    """ISO 639-1 language of the folder's text; derived from the folder's tag when not given."""
    address: str
    """Form of address to one editor: tú, usted or vos; du or Sie; tu or vous; você…"""
    plural_address: str | None = None
    """Form of address to a whole newsroom (vosotros in Spain, ustedes in Latin America)."""
    sign_off: str = Field(min_length=1)
    """The closing line before the signature (`Saludos cordiales,`)."""
    tone: str = ""
    """Notes for writers and reviewers: register, what editors here expect."""
    fallback: str | None = None
    """Folder to take missing templates from, instead of the CLDR parent; declaring it accepts its text."""
    subject_max: int = Field(60, ge=20, le=200)
    """Subjects longer than this (rendered) get a warning."""
    sender: Sender

    @model_validator(mode="before")
    @classmethod
    def _language_from_folder(cls, data: Any) -> Any:
        if isinstance(data, dict) and "language" not in data and data.get("folder") != DEFAULT_FOLDER:
            data = {**data, "language": locales.language_of(str(data.get("folder", "")))}
        return data

    @model_validator(mode="after")
    def _known_forms(self) -> LocaleSettings:
        problem = address.form_problem(self.language, self.address) or (
            address.form_problem(self.language, self.plural_address, plural=True)
            if self.plural_address else None)
        if problem:
            raise ValueError(problem)
        return self

    @field_validator("fallback")
    @classmethod
    def _known_fallback(cls, fallback: str | None, info: ValidationInfo) -> str | None:
        if fallback is None or fallback == DEFAULT_FOLDER:
            return fallback
        if fallback == info.data.get("folder") or not _is_locale(fallback):
            raise ValueError(f"'{fallback}' must be another locale folder (es-419, es-MX) or "
                             f"'{DEFAULT_FOLDER}'")
        return fallback

    @property
    def allowed_forms(self) -> set[str]:
        """The forms of address this locale's text may use."""
        return {self.address} | ({self.plural_address} if self.plural_address else set())

    def rendered_fields(self) -> dict[str, Any]:
        """The settings that reach rendered text: part of every template's content hash."""
        return self.model_dump(mode="json", include={"address", "plural_address", "sign_off", "sender"})


class Snapshot:
    """The (mtime, size) of some paths, to tell cheaply whether any was edited, added or removed."""

    def __init__(self, paths: Iterable[Path | str], recheck_seconds: float = 0.0) -> None:
        self.paths = tuple(str(path) for path in paths)
        self.signature = _signature(self.paths)
        self.recheck_seconds = recheck_seconds
        self._checked_at = time.monotonic()

    def fresh(self) -> bool:
        """Whether no path changed; within `recheck_seconds` of the last look, assumed so."""
        now = time.monotonic()
        if now - self._checked_at < self.recheck_seconds:
            return True
        self._checked_at = now
        return _signature(self.paths) == self.signature


def _signature(paths: tuple[str, ...]) -> tuple[tuple[int, int] | None, ...]:
    """(mtime, size) of each path; a folder's mtime changes when files are added or removed."""
    result: list[tuple[int, int] | None] = []
    for path in paths:
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            result.append(None)
        else:
            result.append((stat.st_mtime_ns, stat.st_size))
    return tuple(result)


@dataclass(frozen=True)
class ChainStep:
    """One folder of a market's fallback chain and how it was reached."""

    folder: str
    origin: Origin


@dataclass(frozen=True)
class TemplateSource:
    """A market's template as found on disk, with the hash that approvals are recorded against."""

    market: str
    name: str
    folder: str
    origin: Origin
    path: Path
    text: str
    content_hash: str
    language: str
    """The language of the folder the text came from."""

    @property
    def short_hash(self) -> str:
        """The first 12 hex digits of the content hash, for people."""
        return self.content_hash[:12]


def content_hash(text: str, settings: LocaleSettings) -> str:
    """SHA-256 over the template text and the locale settings it prints (sign-off, sender)."""
    fields = json.dumps(settings.rendered_fields(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{text}\0{fields}".encode()).hexdigest()


class Library:
    """The locale folders of a workspace; reads files on demand, re-reading any that changed."""

    def __init__(self, workspace: Path, *, recheck_seconds: float = 0.0) -> None:
        self.root = locations.locales_dir(workspace)
        self.recheck_seconds = recheck_seconds
        """How long a resolved template is trusted before its files are looked at again."""
        self._files: dict[Path, tuple[tuple[int, int], Any]] = {}
        self._resolved: dict[tuple[str, str], tuple[TemplateSource, Snapshot]] = {}

    def folder(self, name: str) -> Path:
        """The folder of a tag or of `default`."""
        return self.root / name

    def settings(self, folder: str) -> LocaleSettings | None:
        """A folder's locale.toml, or None when it has none."""
        path = self.folder(folder) / SETTINGS_FILE
        return self._cached(path, lambda text: self._parse_settings(text, path, folder))

    def _parse_settings(self, text: str, path: Path, folder: str) -> LocaleSettings:
        data = parse_toml(text, path, LocaleFileError)
        try:
            return LocaleSettings.model_validate({**data, "folder": folder})
        except ValidationError as exc:
            raise LocaleFileError(validation_problems(path, exc)) from None

    def _cached(self, path: Path, parse: Callable[[str], T]) -> T | None:
        """Parse a file once per version on disk (size and mtime); None when it does not exist."""
        try:
            stat = path.stat()
        except FileNotFoundError:
            return None
        signature = (stat.st_mtime_ns, stat.st_size)
        cached = self._files.get(path)
        if cached is None or cached[0] != signature:
            cached = (signature, parse(read_text(path, LocaleFileError)))
            self._files[path] = cached
        return cast(T, cached[1])

    def chain(self, tag: str) -> list[ChainStep]:
        """The folders a market takes templates from, nearest first, ending with `default`."""
        own = self.settings(tag)
        declared = own is not None and own.fallback is not None
        steps = [ChainStep(tag, "own")]
        current: str | None = tag
        while current is not None and current != DEFAULT_FOLDER:
            settings = self.settings(current)
            current = settings.fallback if settings and settings.fallback else _cldr_parent(current)
            if current is not None and current in {step.folder for step in steps}:
                raise LocaleFileError([f"{self.folder(steps[-1].folder) / SETTINGS_FILE}: fallback: "
                                       f"'{current}' leads back into the chain of {tag} (a loop)"])
            if current is not None and current != DEFAULT_FOLDER:
                steps.append(ChainStep(current, "declared" if declared else "ancestor"))
        steps.append(ChainStep(DEFAULT_FOLDER, "default"))
        return steps

    def market_settings(self, tag: str) -> LocaleSettings:
        """The locale.toml that applies to a market: its own, or the nearest along its chain."""
        for step in self.chain(tag):
            found = self.settings(step.folder)
            if found is not None:
                return found
        raise LocaleFileError([f"{self.folder(tag) / SETTINGS_FILE}: not found, and no folder along "
                               f"{_describe_chain(self.chain(tag))} has a {SETTINGS_FILE}"])

    def watched_paths(self, tag: str) -> list[Path]:
        """Files and folders whose change can change what a market renders: chain folders, locale.toml."""
        folders = [self.folder(step.folder) for step in self.chain(tag)]
        return [*folders, *(folder / SETTINGS_FILE for folder in folders)]

    def resolve(self, tag: str, name: str) -> TemplateSource:
        """The template `name` for market `tag`, from the first folder along its chain that has it."""
        memo = self._resolved.get((tag, name))
        if memo is not None and memo[1].fresh():
            return memo[0]
        source = self._resolve(tag, name)
        watched = Snapshot([*self.watched_paths(tag), source.path], self.recheck_seconds)
        self._resolved[(tag, name)] = (source, watched)
        return source

    def _resolve(self, tag: str, name: str) -> TemplateSource:
        chain = self.chain(tag)
        for step in chain:
            path = self.folder(step.folder) / f"{name}{TEMPLATE_SUFFIX}"
            text = self._cached(path, lambda text: text)
            if text is not None:
                return self._source(tag, name, step, path, text)
        raise TemplateNotFoundError(f"no {name}{TEMPLATE_SUFFIX} for {tag} in any of "
                                    f"{_describe_chain(chain)}", file=str(self.root))

    def _source(self, tag: str, name: str, step: ChainStep, path: Path, text: str) -> TemplateSource:
        settings = self.market_settings(tag)
        folder_settings = self.settings(step.folder)
        language = folder_settings.language if folder_settings else locales.language_of(step.folder)
        return TemplateSource(tag, name, step.folder, step.origin, path, text,
                              content_hash(text, settings), language)

    def template_names(self, tag: str) -> list[str]:
        """The required templates, then any other `*.j2` found along the market's chain."""
        extra = {path.stem for step in self.chain(tag)
                 for path in self.folder(step.folder).glob(f"*{TEMPLATE_SUFFIX}")}
        return [*REQUIRED_TEMPLATES, *sorted(extra - set(REQUIRED_TEMPLATES))]


def _is_locale(tag: str) -> bool:
    """Whether `tag` is spelled like a folder (`es-419`) and Babel knows its locale."""
    if "_" in tag:
        return False
    try:
        locales.babel_locale(tag)
    except (ValueError, UnknownLocaleError):
        return False
    return True


def _cldr_parent(folder: str) -> str | None:
    """The next folder after `folder` by CLDR parent locales; None after a bare language."""
    chain = locales.fallback_chain(folder)
    return chain[1] if len(chain) > 1 else None


def _describe_chain(chain: list[ChainStep]) -> str:
    """`es-AR → es-419 → es → default`."""
    return " → ".join(step.folder for step in chain)
