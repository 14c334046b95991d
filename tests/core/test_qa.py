"""QA checks: each one fires on the fault it looks for, names the file and line, and stays quiet otherwise."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from outreach.core import qa
from outreach.core.qa import Finding, check_market, check_template, has_errors
from tests.campaigns import base_campaign, changed
from tests.core.workspaces import (
    BRIEF_MX,
    LOCALE_MX,
    SIMPLE,
    make_workspace,
    mx_workspace,
    prospect,
    renderer_for,
)

TODAY = date(2026, 11, 22)
SPANISH = ("Le escribo porque preparamos una guía práctica para que los dueños de pequeños negocios "
           "calculen la nómina de cada quincena sin errores y sin hojas de cálculo.")
ENGLISH = ("We have prepared a practical guide so that small business owners can run payroll every "
           "fortnight without mistakes and without spreadsheets.")


def findings(tmp_path: Path, name: str = "pitch", today: date = TODAY, brief: str = BRIEF_MX,
             **templates: str) -> list[Finding]:
    """QA findings of one es-MX template, the others being the clean SIMPLE ones."""
    root = mx_workspace(tmp_path / "ws", **templates)
    (root / "briefs" / "es-MX.md").write_text(brief, encoding="utf-8")
    return check_template(renderer_for(root), "es-MX", name, today=today)


def summary(found: list[Finding]) -> list[tuple[str, str, int | None]]:
    """(check, severity, line) of each finding."""
    return [(finding.check, finding.severity, finding.line) for finding in found]


def test_the_simple_templates_are_clean(tmp_path: Path) -> None:
    renderer = renderer_for(mx_workspace(tmp_path / "ws"))
    assert check_market(renderer, "es-MX", today=TODAY) == {name: [] for name in
                                                             ("subject", "pitch", "followup-1", "followup-2")}


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("Hola\n{% if contact.name %}\nsin cerrar\n", [("syntax", "error", 3)], id="syntax"),
    pytest.param("Hola\n{{ anchor | shout }}\n", [("syntax", "error", 2)], id="unknown filter"),
    pytest.param("{% include 'firma.j2' %}\n", [("include", "error", 1), ("render", "error", 1)],
                 id="include"),
    pytest.param("Hola\n{{ outlet }}\n", [("render", "error", 2), ("unknown-variable", "error", 2)],
                 id="unknown name"),
    pytest.param("Hola\n{{ contact.frist_name }}\n",
                 [("render", "error", 2), ("unknown-variable", "error", 2)], id="unknown attribute"),
    pytest.param("{{ hooks.cfdi }}\n", [("hook-missing", "error", 1), ("render", "error", 1)],
                 id="hook not in the brief"),
    pytest.param("{{ hooks['cfdi'] }}\n", [("hook-missing", "error", 1), ("render", "error", 1)],
                 id="hook by subscript"),
    pytest.param("x\n{{ hooks.pymes.valeu }}\n", [("render", "error", 2), ("unknown-variable", "error", 2)],
                 id="hook attribute"),
    pytest.param("{{ 3 | plural(one='{n} x', other='{n} xs') }}\n", [("plural-forms", "warning", 1)],
                 id="Spanish plural lacks many"),
    pytest.param("{{ 3 | plural(one='{n} x', many='{n} de xs') }}\n",
                 [("plural-forms", "error", 1), ("render", "error", 1)], id="plural lacks other"),
    pytest.param("{{ 3 | plural(uno='x', one='x', many='y', other='z') }}\n", [("plural-forms", "error", 1)],
                 id="unknown plural category"),
    pytest.param("x\n\n{{ 'abc' | number }}\n", [("render", "error", 3)], id="render failure"),
    pytest.param("Hola\nTe escribo porque tus lectores…\n", [("address-form", "error", 2)] * 2,
                 id="tú words in an usted locale"),
    pytest.param("{{ 2 | plural(one='te', many='te', other='te') }}\n", [("address-form", "error", 1)] * 3,
                 id="address in string constants"),
    pytest.param("Vea https://www.site.com/es/nominas/ por favor\n", [("hard-coded-url", "error", 1)],
                 id="another market's page"),
    pytest.param("Vea www.site.com/ por favor\n", [("hard-coded-url", "error", 1)], id="the client root"),
    pytest.param("Fuente: https://www.inegi.org.mx/datos.\n", [("hard-coded-url", "warning", 1)],
                 id="a third-party URL"),
    pytest.param("Vea https://www.site.com/mx/nomina/.\n", [], id="the market's own page is fine"),
    pytest.param("Hola [NOMBRE]:\n", [("placeholder", "error", 1)], id="bracket placeholder"),
    pytest.param("Hola [nombre del medio]:\n", [("placeholder", "error", 1)], id="lower-case brackets"),
    pytest.param("Hola XXX\n", [("placeholder", "error", 1)], id="XXX"),
    pytest.param("Hola\nTODO: cifra\n", [("placeholder", "error", 2)], id="TODO"),
    pytest.param("Hola {name}\n", [("placeholder", "error", 1)], id="brace placeholder"),
    pytest.param("Hola %s\n", [("placeholder", "error", 1)], id="printf placeholder"),
    pytest.param("Lorem ipsum\n", [("placeholder", "error", 1)], id="lorem ipsum"),
    pytest.param("Hola, todo el año\n", [], id="Spanish 'todo' is a word"),
    pytest.param("Hola  mundo\n", [("double-space", "warning", 1)], id="double space"),
    pytest.param("Hola\n  sangría\n", [], id="indentation is not a double space"),
    pytest.param("Hola \nmundo\n", [("trailing-whitespace", "warning", 1)], id="trailing space"),
    pytest.param("{% if true %}  \nHola\n{% endif %}\n", [("trailing-whitespace", "warning", 1)],
                 id="trailing space on a tag line"),
])
def test_checks_on_the_pitch(tmp_path: Path, text: str, expected: list[tuple[str, str, int]]) -> None:
    assert summary(findings(tmp_path, pitch=text)) == expected


def test_findings_name_the_template_file(tmp_path: Path) -> None:
    [finding] = findings(tmp_path, pitch="Hola XXX\n")
    assert finding.file is not None and finding.file.endswith("locales/es-MX/pitch.j2")
    assert str(finding) == f"{finding.file}:1: error [placeholder] placeholder left in: 'XXX'"


def test_address_findings_say_what_the_locale_uses(tmp_path: Path) -> None:
    [finding] = findings(tmp_path, pitch="Te escribo.\n")
    assert finding.message == ("'Te' is a tú/vos form; es-MX writes with usted or ustedes "
                               "(es-MX/locale.toml)")


@pytest.mark.parametrize(("hook", "today", "expected"), [
    pytest.param('source = "INEGI"\nsource_url = "https://www.inegi.org.mx/"\n', TODAY, [], id="sourced"),
    pytest.param("", TODAY, [("hook-unsourced", "error", 1)], id="unsourced blocks"),
    pytest.param('source = "INEGI"\n', TODAY, [("hook-unsourced", "warning", 1)], id="no link warns"),
    pytest.param('source = "INEGI"\nsource_url = "https://www.inegi.org.mx/"\n', date(2028, 6, 1),
                 [("hook-stale", "warning", 1)], id="stale warns"),
])
def test_cited_hooks_must_be_sourced_and_fresh(tmp_path: Path, hook: str, today: date,
                                               expected: list[tuple[str, str, int]]) -> None:
    brief = f'+++\n[hooks.cifra]\nvalue = 5\nunit = "number"\nas_of = 2026-07-31\n{hook}+++\n'
    text = "{{ hooks.cifra }} y {{ hooks.cifra.source }}\n"
    assert summary(findings(tmp_path, today=today, brief=brief, pitch=text)) == expected


def test_unused_hooks_are_not_the_templates_business(tmp_path: Path) -> None:
    brief = '+++\n[hooks.sin_fuente]\nvalue = 5\nunit = "number"\nas_of = 2020-01-01\n+++\n'
    assert findings(tmp_path, brief=brief) == []


def test_a_market_without_a_brief_has_every_hook_missing(tmp_path: Path) -> None:
    root = mx_workspace(tmp_path / "ws", pitch="{{ hooks.pymes }}\n")
    (root / "briefs" / "es-MX.md").unlink()
    found = check_template(renderer_for(root), "es-MX", "pitch", today=TODAY)
    assert found[0].message.startswith("hook 'pymes' is not in ") and found[0].message.endswith("es-MX.md")


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param(f"{SPANISH}\n\n{SPANISH}\n", [], id="Spanish"),
    pytest.param(f"{SPANISH}\n\n{ENGLISH}\n\n{SPANISH}\n", [("other-language", "warning", None)],
                 id="an English paragraph left in"),
    pytest.param(f"{ENGLISH}\n\n{ENGLISH}\n", [("other-language", "error", None)], id="all English"),
    pytest.param("Hello! Thanks for your time.\n", [], id="too short to judge"),
])
def test_text_left_in_another_language(tmp_path: Path, text: str,
                                       expected: list[tuple[str, str, None]]) -> None:
    found = findings(tmp_path, pitch=text)
    assert summary(found) == expected
    if expected:
        assert "English" in found[0].message and "Spanish" in found[0].message


def test_subject_checks(tmp_path: Path) -> None:
    long = "Datos de nómina y facturación electrónica para pymes mexicanas, con tablas por estado"
    assert summary(findings(tmp_path, name="subject", subject=long + "\n")) == [
        ("subject-length", "warning", None)]
    assert "renders to 85 characters" in findings(tmp_path / "b", name="subject", subject=long)[0].message
    assert summary(findings(tmp_path / "c", name="subject", subject="{% if false %}x{% endif %}")) == [
        ("render", "error", None)]
    assert summary(findings(tmp_path / "d", name="subject", subject="Uno\n\nDos\n")) == [
        ("render", "error", None)]


def test_a_missing_template_is_an_error(tmp_path: Path) -> None:
    settings = "address = 'usted'\nsign_off = 'Saludos,'\n[sender]\nname = 'L'\n"
    root = make_workspace(tmp_path / "ws", locales={"es-MX": {"locale.toml": settings}})
    [finding] = check_template(renderer_for(root), "es-MX", "pitch", today=TODAY)
    assert (finding.check, finding.severity) == ("missing", "error")
    assert "no pitch.j2 for es-MX in any of es-MX → es-419 → es → default" in finding.message


def test_every_page_of_the_market_is_rendered(tmp_path: Path) -> None:
    pages = [{"url": "https://www.site.com/mx/nomina/", "cluster": "payroll"},
             {"url": "https://www.site.com/mx/facturas/"}]
    campaign = changed(base_campaign(), "markets.es-MX.pages", pages)
    text = "{% if page.cluster %}ok{% else %}\n{{ 'abc' | number }}{% endif %}\n"
    root = make_workspace(tmp_path / "ws", campaign=campaign, briefs={"es-MX": BRIEF_MX},
                          locales={"es-MX": {"locale.toml": LOCALE_MX, **SIMPLE, "pitch.j2": text}})
    found = check_template(renderer_for(root), "es-MX", "pitch", today=TODAY)
    assert summary(found) == [("render", "error", 2)], "the second page's branch fails"


def test_has_errors_and_json() -> None:
    warning = Finding("double-space", "warning", "two spaces", "f.j2", 3)
    error = Finding("placeholder", "error", "XXX", "f.j2", 4)
    assert not has_errors([warning]) and has_errors([warning, error])
    assert qa.as_json(error) == {"check": "placeholder", "severity": "error", "message": "XXX",
                                 "file": "f.j2", "line": 4}
    assert str(Finding("missing", "error", "no pitch.j2")) == "error [missing] no pitch.j2"


def test_every_check_is_documented() -> None:
    assert set(qa.CHECKS) == {
        "missing", "syntax", "include", "unknown-variable", "hook-missing", "hook-unsourced", "hook-stale",
        "plural-forms", "render", "other-language", "address-form", "hard-coded-url", "subject-length",
        "placeholder", "double-space", "trailing-whitespace"}


def test_the_simple_follow_ups_pass_in_spain_too(tmp_path: Path) -> None:
    renderer = renderer_for(mx_workspace(tmp_path / "ws"))
    assert all(not found for found in check_market(renderer, "es-ES", today=TODAY).values())
    assert SIMPLE["pitch.j2"].startswith("Buen día")


def test_only_the_reviewers_words_are_checked_not_the_data(tmp_path: Path) -> None:
    root = mx_workspace(tmp_path / "ws", pitch="Le escribo sobre {{ prospect.name }}.\n")
    renderer = renderer_for(root)
    assert check_template(renderer, "es-MX", "pitch", today=TODAY) == []
    body = renderer.render("es-MX", prospect(outlet="Tu Dinero  Hoy [BETA]")).body
    assert body == "Le escribo sobre Tu Dinero  Hoy [BETA].\n", "outlet names are data, not reviewed text"


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("Vea https://www.site.com/mx/nomina\n", [], id="own page without its trailing slash"),
    pytest.param("Vea {{ 'https://www.site.com/es/nominas/' }}\n", [("hard-coded-url", "error", 1)],
                 id="a URL in a string constant"),
    pytest.param("Vea HTTPS://WWW.SITE.COM/es/nominas/\n", [("hard-coded-url", "error", 1)], id="upper case"),
    pytest.param("Escríbanos a prensa@site.com\n", [], id="an email address is not a URL"),
    pytest.param("Vea http://site.com/mx/otra/\n", [("hard-coded-url", "error", 1)], id="no www"),
])
def test_url_details(tmp_path: Path, text: str, expected: list[tuple[str, str, int]]) -> None:
    assert summary(findings(tmp_path, pitch=text)) == expected


def test_an_english_subject_is_a_warning(tmp_path: Path) -> None:
    found = findings(tmp_path, name="subject", subject="Payroll figures for small businesses this year\n")
    assert summary(found) == [("other-language", "warning", None)]


def test_findings_are_ordered_by_line(tmp_path: Path) -> None:
    text = "Hola XXX\nTe escribo \nOtra  línea\n"
    assert [finding.line for finding in findings(tmp_path, pitch=text)] == [1, 2, 2, 3]


def test_each_locale_accepts_its_own_forms(tmp_path: Path) -> None:
    spain = "Hola:\n\nTe escribo y os dejo el enlace para vuestros lectores.\n"
    root = mx_workspace(tmp_path / "ws")
    (root / "locales" / "es-ES" / "pitch.j2").write_text(spain, encoding="utf-8")
    renderer = renderer_for(root)
    assert check_template(renderer, "es-ES", "pitch", today=TODAY) == []
    (root / "locales" / "es-MX" / "pitch.j2").write_text(spain, encoding="utf-8")
    words = [f.message.split("'")[1] for f in check_template(renderer, "es-MX", "pitch", today=TODAY)]
    assert words == ["Te", "os", "vuestros"]


def test_german_plurals_need_only_one_and_other(tmp_path: Path) -> None:
    campaign = changed(base_campaign(), "markets.de-DE", {
        "timezone": "Europe/Berlin", "path": "/de/", "pages": [{"url": "https://www.site.com/de/lohn/"}]})
    settings = "address = 'Sie'\nsign_off = 'Viele Grüße'\n[sender]\nname = 'J'\n"
    pitch = "Guten Tag,\n\n{{ 3 | plural(one='{n} Firma', other='{n} Firmen') }}\n"
    root = make_workspace(tmp_path / "ws", campaign=campaign,
                          locales={"de-DE": {"locale.toml": settings, **SIMPLE, "pitch.j2": pitch}})
    assert check_template(renderer_for(root), "de-DE", "pitch", today=TODAY) == []


def test_check_market_covers_extra_templates(tmp_path: Path) -> None:
    root = mx_workspace(tmp_path / "ws", followup_3="Buen día XXX\n")
    found = check_market(renderer_for(root), "es-MX", today=TODAY)
    assert list(found) == ["subject", "pitch", "followup-1", "followup-2", "followup-3"]
    assert summary(found["followup-3"]) == [("placeholder", "error", 1)]


@pytest.mark.parametrize("text", [
    pytest.param("{% import 'macros.j2' as m %}Hola\n", id="import"),
    pytest.param("{% from 'macros.j2' import firma %}Hola\n", id="from import"),
    pytest.param("{% extends 'base.j2' %}\n", id="extends"),
])
def test_templates_stand_alone(tmp_path: Path, text: str) -> None:
    assert ("include", "error", 1) in summary(findings(tmp_path, pitch=text))


def test_macros_and_local_variables_are_fine(tmp_path: Path) -> None:
    text = ("{% macro saludo(nombre) %}Buen día, {{ nombre }}:{% endmacro %}\n"
            "{% set medio = prospect.name %}\n{{ saludo(contact.first_name or medio) }}\n")
    assert findings(tmp_path, pitch=text) == []


def test_mapping_methods_of_hooks_are_not_hook_names(tmp_path: Path) -> None:
    text = "{{ hooks.get('pymes') }} {{ hooks.items() | list | length }} {{ hooks.keys() | sort | first }}\n"
    assert findings(tmp_path, pitch=text) == []


def test_qa_accepts_market_tags_in_any_case(tmp_path: Path) -> None:
    root = mx_workspace(tmp_path / "ws", pitch="Hola XXX\n")
    assert summary(check_template(renderer_for(root), "ES-mx", "pitch", today=TODAY)) == [
        ("placeholder", "error", 1)]
