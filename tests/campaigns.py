"""Small campaign dictionaries for tests, built to be copied and broken one key at a time."""

from __future__ import annotations

import copy
from typing import Any


def base_campaign(architecture: str = "subfolder") -> dict[str, Any]:
    """A valid two-market campaign (es-MX, es-ES) with one hreflang cluster."""
    hosts = {
        "subfolder": ({"path": "/mx/"}, {"path": "/es/"}, "https://www.site.com"),
        "subdomain": ({"host": "mx.site.com"}, {"host": "es.site.com"}, None),
        "cctld": ({"host": "www.site.com.mx"}, {"host": "www.site.es"}, None),
    }
    mx, es, prefix = hosts[architecture]
    mx_url = f"{prefix}/mx/nomina/" if prefix else f"https://{mx['host']}/nomina/"
    es_url = f"{prefix}/es/nominas/" if prefix else f"https://{es['host']}/nominas/"
    data: dict[str, Any] = {
        "campaign": {"id": "test", "name": "Test", "site": "https://www.site.com/",
                     "brands": ["Site"]},
        "architecture": {"type": architecture},
        "markets": {
            "es-MX": {"timezone": "America/Mexico_City", **mx,
                      "pages": [{"url": mx_url, "cluster": "payroll",
                                 "keywords": ["software de nómina"]}]},
            "es-ES": {"timezone": "Europe/Madrid", **es,
                      "pages": [{"url": es_url, "cluster": "payroll"}]},
        },
        "clusters": {"payroll": {"x_default": "https://www.site.com/payroll/"}},
    }
    if architecture == "subfolder":
        data["architecture"]["host"] = "www.site.com"
    return data


def changed(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of `data` with the dotted `path` set (`None` deletes it); `[n]` indexes lists."""
    result = copy.deepcopy(data)
    *parents, last = _parts(path)
    target: Any = result
    for part in parents:
        target = target[part] if isinstance(part, int) or part in target else target.setdefault(part, {})
    if value is None:
        del target[last]
    else:
        target[last] = value
    return result


def _parts(path: str) -> list[str | int]:
    """`markets.es-MX.pages[0].url` → ['markets', 'es-MX', 'pages', 0, 'url']."""
    parts: list[str | int] = []
    for chunk in path.split("."):
        name, _, index = chunk.partition("[")
        parts.append(name)
        if index:
            parts.append(int(index.rstrip("]")))
    return parts


def gate_campaign() -> dict[str, Any]:
    """Four markets (three Spanish, one German) on a subfolder site, for rule gate tests."""
    def page(path: str, cluster: str | None, keywords: list[str], mix: str = "local-first") -> dict[str, Any]:
        found: dict[str, Any] = {"url": f"https://www.site.com{path}", "mix": mix, "keywords": keywords}
        if cluster:
            found["cluster"] = cluster
        return found

    return {
        "campaign": {"id": "gate", "name": "Gate", "site": "https://www.site.com/",
                     "brands": ["Nominix"]},
        "architecture": {"type": "subfolder", "host": "www.site.com"},
        "markets": {
            "es-MX": {"timezone": "America/Mexico_City", "path": "/mx/", "cities": ["Monterrey"],
                      "pages": [page("/mx/nomina/", "payroll", ["software de nómina", "nómina en línea"]),
                                page("/mx/isr/", None, ["calculadora ISR"], "global-first")]},
            "es-ES": {"timezone": "Europe/Madrid", "path": "/es/",
                      "pages": [page("/es/nominas/", "payroll", ["programa de nóminas", "nóminas online"]),
                                page("/es/blog/", None, ["gestión de nóminas"], "balanced")]},
            "es-AR": {"timezone": "America/Argentina/Buenos_Aires", "path": "/ar/",
                      "pages": [page("/ar/sueldos/", "payroll", ["liquidación de sueldos", "sueldos online"])]},
            "de-DE": {"timezone": "Europe/Berlin", "path": "/de/",
                      "pages": [page("/de/lohn/", "payroll", ["Lohnabrechnung Software", "Lohn online"])]},
        },
    }
