"""Babel formatting per market, golden-tested character by character (U+00A0 and U+202F included)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from outreach.core.briefs import Hook
from outreach.core.formatting import formatter

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(("tag", "value", "expected"), [
    pytest.param("es-MX", 1234567.891, "1,234,567.891", id="es-MX comma groups"),
    pytest.param("es-ES", 1234567.891, "1.234.567,891", id="es-ES dot groups"),
    pytest.param("es-ES", 1234, "1.234", id="es-ES groups four digits (Babel lacks minimumGroupingDigits)"),
    pytest.param("es-AR", 1234.5, "1.234,5", id="es-AR formats like Spain, not like es-419"),
    pytest.param("fr-FR", 1234567.5, f"1{NNBSP}234{NNBSP}567,5", id="fr-FR narrow no-break spaces"),
    pytest.param("de-DE", Decimal("1234"), "1.234", id="de-DE decimal"),
    pytest.param("en-GB", 0.5, "0.5", id="en-GB fraction"),
    pytest.param("pt-BR", -1234.5, "-1.234,5", id="pt-BR negative"),
    pytest.param("es-MX", 0.1 + 0.2, "0.30000000000000004", id="floats keep their shortest repr"),
])
def test_number(tag: str, value: float, expected: str) -> None:
    assert formatter(tag).number(value) == expected


@pytest.mark.parametrize(("tag", "value", "expected"), [
    pytest.param("es-MX", 34.7, "34.7%", id="es-MX no space"),
    pytest.param("es-ES", 34.7, f"34,7{NBSP}%", id="es-ES no-break space"),
    pytest.param("es-AR", 34.7, "34,7%", id="es-AR comma, no space"),
    pytest.param("fr-FR", 8.25, f"8,25{NBSP}%", id="fr-FR keeps both decimals"),
    pytest.param("de-DE", 99.3, f"99,3{NBSP}%", id="de-DE"),
    pytest.param("pt-BR", 100, "100%", id="pt-BR whole"),
])
def test_percent_takes_the_percentage_itself(tag: str, value: float, expected: str) -> None:
    assert formatter(tag).percent(value) == expected


@pytest.mark.parametrize(("tag", "code", "full", "whole"), [
    pytest.param("es-MX", "MXN", "$1,234.50", "$1,234", id="es-MX pesos"),
    pytest.param("es-ES", "EUR", f"1.234,50{NBSP}€", f"1.234{NBSP}€", id="es-ES euros"),
    pytest.param("es-AR", "ARS", "$1.234,50", "$1.234", id="es-AR pesos"),
    pytest.param("de-DE", "EUR", f"1.234,50{NBSP}€", f"1.234{NBSP}€", id="de-DE euros"),
    pytest.param("en-GB", "GBP", "£1,234.50", "£1,234", id="en-GB pounds"),
    pytest.param("fr-FR", "EUR", f"1{NNBSP}234,50{NBSP}€", f"1{NNBSP}234{NBSP}€", id="fr-FR euros"),
    pytest.param("pt-BR", "BRL", f"R${NBSP}1.234,50", f"R${NBSP}1.234", id="pt-BR reais"),
    pytest.param("es-MX", "EUR", "EUR1,234.50", "EUR1,234", id="euros in Mexico: code, no space"),
    pytest.param("es-ES", "MXN", f"1.234,50{NBSP}MXN", f"1.234{NBSP}MXN", id="pesos in Spain"),
])
def test_currency(tag: str, code: str, full: str, whole: str) -> None:
    fmt = formatter(tag)
    assert fmt.currency(1234.5, code) == full
    assert fmt.currency(1234.5, code.lower(), whole=True) == whole


def test_the_same_hook_renders_the_local_way_in_each_market() -> None:
    hook = Hook(name="gasto", value=Decimal("1234.50"), unit="currency:MXN", as_of=date(2026, 1, 1))
    euro = hook.model_copy(update={"unit": "currency:EUR"})
    assert formatter("es-MX").hook(hook) == "$1,234.50"
    assert formatter("es-ES").hook(euro) == f"1.234,50{NBSP}€"


@pytest.mark.parametrize(("tag", "expected"), [
    pytest.param("es-MX", ("07/03/25", "7 mar 2025", "7 de marzo de 2025", "viernes, 7 de marzo de 2025",
                           "marzo de 2025"), id="es-MX"),
    pytest.param("es-ES", ("7/3/25", "7 mar 2025", "7 de marzo de 2025", "viernes, 7 de marzo de 2025",
                           "marzo de 2025"), id="es-ES short differs"),
    pytest.param("de-DE", ("07.03.25", "07.03.2025", "7. März 2025", "Freitag, 7. März 2025", "März 2025"),
                 id="de-DE"),
    pytest.param("en-GB", ("07/03/2025", "7 Mar 2025", "7 March 2025", "Friday, 7 March 2025", "March 2025"),
                 id="en-GB"),
    pytest.param("fr-FR", ("07/03/2025", "7 mars 2025", "7 mars 2025", "vendredi 7 mars 2025", "mars 2025"),
                 id="fr-FR"),
    pytest.param("pt-BR", ("07/03/2025", "7 de mar. de 2025", "7 de março de 2025",
                           "sexta-feira, 7 de março de 2025", "março de 2025"), id="pt-BR"),
])
def test_dates_in_every_style(tag: str, expected: tuple[str, ...]) -> None:
    fmt = formatter(tag)
    styles = ("short", "medium", "long", "full", "month")
    assert tuple(fmt.date(date(2025, 3, 7), style) for style in styles) == expected


@pytest.mark.parametrize(("tag", "names"), [
    pytest.param("es-MX", ("México", "España", "alemán", "portugués"), id="es-MX"),
    pytest.param("de-DE", ("Mexiko", "Spanien", "Deutsch", "Portugiesisch"), id="de-DE"),
    pytest.param("fr-FR", ("Mexique", "Espagne", "allemand", "portugais"), id="fr-FR"),
    pytest.param("pt-BR", ("México", "Espanha", "alemão", "português"), id="pt-BR"),
])
def test_territory_and_language_names(tag: str, names: tuple[str, ...]) -> None:
    fmt = formatter(tag)
    assert (fmt.territory("MX"), fmt.territory("es"), fmt.language("de"), fmt.language("PT")) == names


@pytest.mark.parametrize(("tag", "count", "category"), [
    pytest.param("es-MX", 0, "other", id="es 0"),
    pytest.param("es-MX", 1, "one", id="es 1"),
    pytest.param("es-MX", 2, "other", id="es 2"),
    pytest.param("es-MX", 1_000_000, "many", id="es a million is many"),
    pytest.param("es-ES", 1_480_000_000, "many", id="es any whole millions are many"),
    pytest.param("es-MX", 1_500_000, "other", id="es 1.5 million written out is other"),
    pytest.param("es-MX", 1.5, "other", id="es fraction"),
    pytest.param("fr-FR", 0, "one", id="fr 0 is one"),
    pytest.param("fr-FR", 1.5, "one", id="fr 1.5 is one"),
    pytest.param("fr-FR", 1_000_000, "many", id="fr million"),
    pytest.param("de-DE", 1_000_000, "other", id="de has no many"),
    pytest.param("pt-BR", 16_000_000, "many", id="pt millions"),
])
def test_plural_categories_follow_cldr(tag: str, count: int, category: str) -> None:
    assert formatter(tag).plural_category(count) == category


SPANISH_FORMS = {"one": "{n} empresa", "many": "{n} de empresas", "other": "{n} empresas"}


@pytest.mark.parametrize(("tag", "count", "expected"), [
    pytest.param("es-MX", 1, "1 empresa", id="one"),
    pytest.param("es-MX", 2_500, "2,500 empresas", id="other, formatted"),
    pytest.param("es-ES", 3_000_000, "3.000.000 de empresas", id="many takes 'de'"),
    pytest.param("es-MX", 1_000_000, "1,000,000 de empresas", id="many in es-MX"),
])
def test_plural_phrases(tag: str, count: int, expected: str) -> None:
    assert formatter(tag).plural(count, SPANISH_FORMS) == expected


def test_plural_falls_back_to_other_and_never_formats_template_text() -> None:
    fmt = formatter("es-MX")
    assert fmt.plural(1_000_000, {"one": "x", "other": "{n} {0.__class__}"}) == "1,000,000 {0.__class__}"
    with pytest.raises(ValueError, match="no 'one' or 'other' form given for 1"):
        fmt.plural(1, {"many": "x"})


@pytest.mark.parametrize(("tag", "categories"), [
    pytest.param("es-MX", ("one", "many", "other"), id="Spanish"),
    pytest.param("fr-FR", ("one", "many", "other"), id="French"),
    pytest.param("de-DE", ("one", "other"), id="German"),
    pytest.param("en-GB", ("one", "other"), id="English"),
])
def test_required_plural_categories(tag: str, categories: tuple[str, ...]) -> None:
    assert formatter(tag).required_plural_categories() == categories


@pytest.mark.parametrize(("call", "error", "message"), [
    pytest.param(lambda f: f.number("12"), TypeError, "expected a number, got str", id="string number"),
    pytest.param(lambda f: f.number(True), TypeError, "expected a number, got bool", id="bool"),
    pytest.param(lambda f: f.date("2025-03-07"), TypeError, "expected a date", id="string date"),
    pytest.param(lambda f: f.date(date(2025, 1, 1), "tiny"), ValueError, "unknown date style 'tiny'",
                 id="date style"),
    pytest.param(lambda f: f.territory("XX"), ValueError, "'XX' is not a territory", id="territory"),
    pytest.param(lambda f: f.language("zz"), ValueError, "'zz' is not a language", id="language"),
])
def test_bad_input_is_named(call: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call(formatter("es-MX"))  # type: ignore[operator]


def test_formatters_are_cached_per_tag() -> None:
    assert formatter("es-MX") is formatter("es-MX")
    assert formatter("es-MX") is not formatter("es-ES")


@pytest.mark.parametrize(("unit", "value", "es_mx", "es_es"), [
    pytest.param("number", Decimal("1000000"), "1,000,000", "1.000.000", id="number"),
    pytest.param("percent", Decimal("68.4"), "68.4%", f"68,4{NBSP}%", id="percent"),
    pytest.param("date", date(2027, 1, 1), "1 de enero de 2027", "1 de enero de 2027", id="date is long"),
    pytest.param("currency:EUR", Decimal("50000"), "EUR50,000.00", f"50.000,00{NBSP}€", id="currency"),
])
def test_hook_display_follows_its_unit(unit: str, value: object, es_mx: str, es_es: str) -> None:
    hook = Hook(name="h", value=value, unit=unit, as_of=date(2026, 1, 1))  # type: ignore[arg-type]
    assert (formatter("es-MX").hook(hook), formatter("es-ES").hook(hook)) == (es_mx, es_es)


@pytest.mark.parametrize("tag", ["es-MX", "es-ES", "es-AR", "de-DE", "en-GB", "fr-FR", "pt-BR"])
@pytest.mark.parametrize("value", [Decimal(text) for text in ("0.5", "1234", "1234567.891", "-42.25")])
def test_numbers_read_back_in_their_own_locale(tag: str, value: Decimal) -> None:
    from babel.numbers import parse_decimal

    fmt = formatter(tag)
    assert parse_decimal(fmt.number(value), locale=fmt.locale) == value


@pytest.mark.parametrize(("tag", "separator", "decimal"), [
    pytest.param("es-MX", ",", ".", id="es-MX"),
    pytest.param("es-ES", ".", ",", id="es-ES"),
    pytest.param("de-DE", ".", ",", id="de-DE"),
    pytest.param("fr-FR", NNBSP, ",", id="fr-FR"),
    pytest.param("pt-BR", ".", ",", id="pt-BR"),
])
def test_separators_come_from_cldr(tag: str, separator: str, decimal: str) -> None:
    assert formatter(tag).number(Decimal("1234567.5")) == f"1{separator}234{separator}567{decimal}5"
