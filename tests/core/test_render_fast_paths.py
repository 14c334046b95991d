"""Rendering's shortcuts give exactly what the long way gives: view attributes, shared subjects, plurals."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from jinja2.sandbox import ImmutableSandboxedEnvironment

from outreach.core import locales
from outreach.core.formatting import formatter
from outreach.core.template_context import VIEWS, HookView, view_fields
from outreach.core.templates import make_environment
from tests.core.workspaces import mx_workspace, prospect, renderer_for

VARIED = [{}, {"contact_name": "Zoë O'Brien", "first_name": "Zoë"}, {"outlet": None, "first_name": None},
          {"domain": "ñandú.mx", "identity": "ñandú.mx", "outlet": "Ñandú \"Noticias\""},
          {"contact_name": None, "first_name": None, "email": None}]
BODY = ("{% if contact.first_name %}Hola, {{ contact.first_name }}{% else %}Hola{% endif %}: "
        "{{ prospect.name }} {{ hooks.pymes }} {{ hooks.salario | currency(whole=true) }} {{ page.url }}")


@pytest.mark.parametrize("fields", VARIED)
def test_follow_ups_sharing_one_subject_equal_each_rendered_alone(tmp_path: Path, fields: dict[str, str]) -> None:
    renderer = renderer_for(mx_workspace(tmp_path / "ws", followup_1=BODY, followup_2="{{ anchor }} " + BODY,
                                         subject="{{ prospect.name }} y {{ hooks.pymes }}"))
    one = prospect(**fields)
    context = renderer.context("es-MX", one, anchor="nómina")
    subject = renderer.render_subject("es-MX", context)
    for name in ("pitch", "followup-1", "followup-2"):
        alone = renderer.render("es-MX", one, message=name, anchor="nómina")
        assert renderer.render_with("es-MX", name, context, subject) == alone


def test_view_fields_read_as_the_sandbox_would_read_them(tmp_path: Path) -> None:
    renderer = renderer_for(mx_workspace(tmp_path / "ws"))
    context = renderer.context("es-MX", prospect())
    fast, slow = make_environment(formatter("es-MX")), ImmutableSandboxedEnvironment()
    views = [context[name] for name in VIEWS if name in context]
    views += [view for view in context["hooks"].values() if isinstance(view, HookView)]
    for view in views:
        for name in view_fields(type(view)):
            assert fast.getattr(view, name) == slow.getattr(view, name)
        for name in ("__class__", "__slots__", "missing", "__init__"):
            assert type(fast.getattr(view, name)).__name__.endswith("Undefined")


@pytest.mark.parametrize("tag", ["es-MX", "en-US", "pl-PL", "fr-FR", "ar-EG", "ru-RU"])
def test_cached_plural_categories_are_babels(tag: str) -> None:
    counts: list[object] = [0, 1, 2, 3, 5, 11, 21, 22, 25, 100, 101, 1_000_000, 2_000_000, 1.0, 1.5, 0.5, 2.0,
                            Decimal("1"), Decimal("1.0"), Decimal("1.00"), Decimal("21.5"), Decimal("1E+6")]
    fmt, locale = formatter(tag), locales.babel_locale(tag)
    for count in counts * 2:  # the second pass answers from the cache
        expected = locale.plural_form(count if isinstance(count, Decimal) else Decimal(str(count)))
        assert fmt.plural_category(count) == expected, count
