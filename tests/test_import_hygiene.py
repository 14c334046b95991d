"""The core never imports a front end: checked in a clean interpreter, beside import-linter."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import outreach.core

CORE_MODULES = sorted(
    f"outreach.core.{info.name}" for info in pkgutil.iter_modules(outreach.core.__path__)
    if info.name != "migrations"
)


def test_core_modules_are_found() -> None:
    assert {"outreach.core.campaign", "outreach.core.db", "outreach.core.hreflang"} <= set(CORE_MODULES)


def test_importing_the_core_loads_no_front_end() -> None:
    script = (
        f"import sys\nfor name in {CORE_MODULES!r}:\n    __import__(name)\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'textual', 'typer', 'rich'} or m.startswith(('outreach.cli', 'outreach.tui')))\n"
        "print(','.join(loaded))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
