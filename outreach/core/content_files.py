"""Reading files people edit (briefs, locale.toml): every failure names the file, and the line or key."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from outreach.core.campaign_file import format_key
from outreach.errors import ContentError


def read_text(path: Path, error: type[ContentError]) -> str:
    """The file's UTF-8 text; `error` names the file when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error([f"{path}: file not found"]) from None
    except UnicodeDecodeError as exc:
        raise error([f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"]) from None
    except OSError as exc:
        raise error([f"{path}: cannot read: {exc.strerror}"]) from None


def parse_toml(text: str, path: Path, error: type[ContentError], *, first_line: int = 1) -> dict[str, Any]:
    """Parse TOML that starts on `first_line` of `path`, so syntax errors cite the file's own lines."""
    # Blank lines in front keep tomllib's "(at line N, column M)" true to the file.
    try:
        return tomllib.loads("\n" * (first_line - 1) + text)
    except tomllib.TOMLDecodeError as exc:
        raise error([f"{path}: invalid TOML: {exc}"]) from None


def validation_problems(path: Path, exc: ValidationError, prefix: str = "") -> list[str]:
    """pydantic's errors as `file: key: message` lines."""
    problems = []
    for error in exc.errors():
        key = prefix + format_key(error["loc"]) if error["loc"] else prefix.rstrip(".")
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown key"
        elif error["type"] == "missing":
            message = "required but missing"
        problems.append(f"{path}: {key or '(top level)'}: {message}")
    return problems
