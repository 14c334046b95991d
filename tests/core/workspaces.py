"""Small template workspaces for tests: a campaign, locale folders and briefs, written from text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import tomli_w

from outreach.core.campaign import Campaign
from outreach.core.campaign_file import load_campaign
from outreach.core.models import Prospect
from outreach.core.templates import Renderer
from tests.campaigns import base_campaign

LOCALE_MX = """\
address = "usted"
plural_address = "ustedes"
sign_off = "Saludos cordiales,"
[sender]
name = "Lucía Romero"
company = "Site México"
"""

LOCALE_ES = """\
address = "tú"
plural_address = "vosotros"
sign_off = "Un saludo,"
[sender]
name = "Marta Gil"
"""

LOCALE_DEFAULT = """\
language = "en"
address = "you"
sign_off = "Best regards,"
[sender]
name = "Press team"
"""

BRIEF_MX = """\
+++
topics = ["nómina"]
[hooks.pymes]
value = 68.4
unit = "percent"
as_of = 2026-07-31
source = "INEGI"
source_url = "https://www.inegi.org.mx/"
[hooks.salario]
value = 1234.5
unit = "currency:MXN"
as_of = 2026-01-01
source = "CONASAMI"
source_url = "https://www.gob.mx/conasami"
+++
Notas.
"""

BRIEF_ES = BRIEF_MX.replace("currency:MXN", "currency:EUR").replace("INEGI", "INE")

SIMPLE = {
    "subject.j2": "Datos para {{ prospect.name }}\n",
    "pitch.j2": ("Buen día:\n\nLe escribo de {{ brand }}: {{ page.url }}\n\n"
                 "{{ locale.sign_off }}\n{{ sender.name }}\n"),
    "followup-1.j2": "Buen día:\n\nLe escribo de nuevo.\n",
    "followup-2.j2": "Buen día:\n\nGracias por su tiempo.\n",
}
"""Four templates that pass QA in an usted locale (short texts are not language-checked)."""


def make_workspace(root: Path, *, campaign: dict[str, Any] | None = None,
                   locales: dict[str, dict[str, str]] | None = None,
                   briefs: dict[str, str] | None = None) -> Path:
    """Write campaign.toml, locales/<folder>/<file> and briefs/<tag>.md under `root`."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "campaign.toml").write_text(tomli_w.dumps(campaign or base_campaign()), encoding="utf-8")
    for folder, files in (locales or {}).items():
        (root / "locales" / folder).mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (root / "locales" / folder / name).write_text(text, encoding="utf-8")
    (root / "briefs").mkdir(exist_ok=True)
    for tag, text in (briefs or {}).items():
        (root / "briefs" / f"{tag}.md").write_text(text, encoding="utf-8")
    return root


def mx_workspace(root: Path, **templates: str) -> Path:
    """es-MX and es-ES folders with the SIMPLE templates, es-MX's overridden by `templates`."""
    overrides = {f"{name.replace('_', '-')}.j2": text for name, text in templates.items()}
    mx = {"locale.toml": LOCALE_MX, **SIMPLE, **overrides}
    return make_workspace(root, locales={"es-MX": mx, "es-ES": {"locale.toml": LOCALE_ES, **SIMPLE}},
                          briefs={"es-MX": BRIEF_MX, "es-ES": BRIEF_ES})


def renderer_for(root: Path) -> Renderer:
    """A renderer that looks at files on every call (no recheck delay), for tests that edit them."""
    campaign = load_campaign(root)
    renderer = Renderer(campaign)
    renderer.library.recheck_seconds = 0.0
    return renderer


def prospect(market: str = "es-MX", **fields: Any) -> Prospect:
    """An unsaved prospect with a typical contact; `fields` override."""
    values: dict[str, Any] = {"id": 7, "campaign_id": 1, "market": market, "identity": "diario.mx",
                              "domain": "diario.mx", "outlet": "El Diario", "contact_name": "Ana Pérez",
                              "first_name": "Ana", "email": "ana@diario.mx"}
    return Prospect(**{**values, **fields})


def campaign_of(root: Path) -> Campaign:
    """The campaign of a test workspace."""
    return load_campaign(root)
