"""Named duplicate and non-duplicate pairs, each judged among a realistic list of other prospects."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from outreach.core.prospect_dedupe import cluster_rows

BENCH = Path(__file__).resolve().parents[2] / "bench" / "synthetic.py"


def background() -> list[dict[str, Any]]:
    """Twelve hundred clean, distinct prospects from the benchmark's generator."""
    spec = importlib.util.spec_from_file_location("synthetic", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [{key: row[key] for key in ("domain", "outlet", "contact_name", "email")}
            for row in module.Generator(seed=21).entities(1200)]


BACKGROUND = background()


def prospect(domain: str, outlet: str = "", contact: str = "", email: str = "") -> dict[str, Any]:
    """A row as dedupe reads it."""
    return {"domain": domain, "outlet": outlet, "contact_name": contact, "email": email}


ANA = prospect("diariotlacualpan.com.mx", "Diario de Tlacualpan", "Lucía Ramírez Ochoa",
               "lucia.ramirez@diariotlacualpan.com.mx")


@pytest.mark.parametrize(("other", "same"), [
    pytest.param(ANA, True, id="identical"),
    pytest.param(prospect("diariotlacualpan.com.mx", "Diario de Tlacualpan S.A. de C.V.",
                          "Ramírez Ochoa Lucía", "lucia.ramirez@diariotlacualpan.com.mx"),
                 True, id="suffix-and-swapped-name"),
    pytest.param(prospect("diariotlacualpan.com.mx", "Diario de Tlacualpan", "Lucia Ramirez Ochoa",
                          "luciaramirez.ochoa@gmail.com"), True, id="free-mail-and-no-accents"),
    pytest.param(prospect("diariotlacualpan.com.mx", "Diario de Tlacualpan", "Lucía Ramírez Ocha",
                          "lucia.ramirez@diariotlacualpan.com.mx"), True, id="typo-in-name"),
    pytest.param(prospect("diariotlacualpan.mx", "Diario de Tlacualpan", "Lucía Ramírez Ochoa",
                          "lucia.ramirez@diariotlacualpan.mx"), True, id="other-suffix"),
    pytest.param(prospect("diariotlacualpan.com.mx", "Diario de Tlacualpan", "Lucía Ramírez Ochoa", ""),
                 True, id="email-missing"),
    pytest.param(prospect("diariotlacualpan.com.mx", "Diario de Tlacualpan", "Tomás Herrera",
                          "tomas.herrera@diariotlacualpan.com.mx"), False, id="colleague"),
    pytest.param(prospect("diariotlacualpan.com.mx", "Diario de Tlacualpan"), False, id="outlet-only-row"),
    pytest.param(prospect("revistacholula.com.mx", "Revista Cholula", "Lucía Ramírez Ochoa",
                          "lucia.ramirez@revistacholula.com.mx"), False, id="namesake-elsewhere"),
    pytest.param(prospect("diariotlacualpan.com.ar", "Diario de Tlacualpan", "Martín Ferreyra",
                          "mferreyra@diariotlacualpan.com.ar"), False, id="same-name-outlet-other-country"),
])
def test_pairs(other: dict[str, Any], same: bool) -> None:
    rows = [*BACKGROUND, ANA, other]
    labels = cluster_rows(rows).labels
    assert bool(labels[-1] == labels[-2]) is same


def test_the_background_has_no_false_clusters() -> None:
    assert cluster_rows(BACKGROUND).cluster_count() == 0
