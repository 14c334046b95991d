"""Consoles for the command line: results on stdout, messages and errors on stderr."""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Any

import typer
from rich.console import Console

out = Console(highlight=False, soft_wrap=True, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


def print_json(data: Any) -> None:
    """Print data as indented JSON on stdout, unescaped so names stay readable."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def parse_day(text: str | None, option: str = "--on") -> date:
    """A YYYY-MM-DD date given on the command line, or today."""
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"'{text}' is not a date like 2026-11-22", param_hint=option) from None
