"""Cleaning cells: numbers with separators, emails, names, countries, languages, source types."""

from __future__ import annotations

import random
import string

import pytest
from email_validator import EmailNotValidError, validate_email

from outreach.core.normalise import (
    CellError,
    clean_text,
    country_code,
    fold,
    language_code,
    normalise_email,
    parse_number,
    person_name,
    source_type,
)


@pytest.mark.parametrize(("cell", "number"), [
    ("1,234", 1234.0), ("1.234.567", 1234567.0), ("12,5", 12.5), ("12.5", 12.5), ("45%", 45.0),
    ("0.125", 0.125), ("1 234", 1234.0), ("1\u00a0234", 1234.0), ("1,234.5", 1234.5),
    ("1.234,5", 1234.5), ("-3", -3.0), ("", None), ("-", None), ("n/a", None), (" 7 ", 7.0),
])
def test_numbers_parse_with_any_separators(cell: str, number: float | None) -> None:
    assert parse_number(cell) == number


@pytest.mark.parametrize("cell", ["abc", "12abc", "1,2,3x", "inf", "1e999"])
def test_unparseable_numbers_are_errors(cell: str) -> None:
    with pytest.raises(CellError, match="is not a number"):
        parse_number(cell)


@pytest.mark.parametrize(("cell", "email"), [
    ("Ana.Garcia@Diario.COM.mx", "Ana.Garcia@diario.com.mx"),
    (" mailto:ana@diario.mx ", "ana@diario.mx"),
    ("josé@correo.es", "josé@correo.es"),
    ("ana+pr@xn--bcher-kva.de", "ana+pr@bücher.de"),
])
def test_emails_are_normalised(cell: str, email: str) -> None:
    assert normalise_email(cell) == email


@pytest.mark.parametrize("cell", ["ana", "ana@", "@diario.mx", "ana@@diario.mx", "ana@diario",
                                  "ana@localhost", "ana@x.test", "a b@diario.mx", "ana@-x.com",
                                  "ana..b@diario.mx", "=cmd()"])
def test_invalid_emails_are_errors(cell: str) -> None:
    with pytest.raises(CellError, match="is not a valid email address"):
        normalise_email(cell)


def _random_address(rng: random.Random) -> str:
    """A random string that often looks like an address and often almost does."""
    alphabet = string.ascii_letters + string.digits + ".-_+@"
    local = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
    domain = "".join(rng.choice(string.ascii_lowercase + "-.") for _ in range(rng.randint(0, 12)))
    return f"{local}@{domain}.{rng.choice(['com', 'mx', 'de', 'c0m', 'x', 'local', 'test'])}"


def test_the_fast_email_path_agrees_with_email_validator() -> None:
    rng = random.Random(3)
    for address in (_random_address(rng) for _ in range(3000)):
        try:
            expected: str | None = validate_email(address, check_deliverability=False).normalized
        except EmailNotValidError:
            expected = None
        try:
            found: str | None = normalise_email(address)
        except CellError:
            found = None
        assert found == expected, address


@pytest.mark.parametrize(("cell", "name"), [
    ("  Ana   García ", "Ana García"),
    ("García, Ana", "Ana García"),
    ("Garci\u0301a Ana", "García Ana"),
    ("Smith, Jr., John", "Smith, Jr., John"),
])
def test_names_are_trimmed_nfc_and_unswapped(cell: str, name: str) -> None:
    assert person_name(cell) == name


def test_clean_text_composes_unicode() -> None:
    assert clean_text("Bahi\u0301a") == "Bahía" and fold("Bahía ÑANDÚ") == "bahia nandu"


@pytest.mark.parametrize(("cell", "code"), [
    ("mx", "MX"), ("MEX", "MX"), ("Mexico", "MX"), ("UK", "GB"), ("Germany", "DE"), ("", None),
])
def test_country_codes(cell: str, code: str | None) -> None:
    assert country_code(cell) == code


@pytest.mark.parametrize(("cell", "code"), [
    ("es", "es"), ("es-MX", "es"), ("pt_BR", "pt"), ("Spanish", "es"), ("deu", "de"), ("", None),
])
def test_language_codes(cell: str, code: str | None) -> None:
    assert language_code(cell) == code


@pytest.mark.parametrize(("parse", "cell"), [(country_code, "Atlantis"), (language_code, "Klingon")])
def test_unknown_codes_are_errors(parse: object, cell: str) -> None:
    with pytest.raises(CellError, match=f"'{cell}' is not a"):
        parse(cell)  # type: ignore[operator]


@pytest.mark.parametrize(("cell", "strict", "kind"), [
    ("press", True, "press"), ("Trade publication", True, "trade"),
    ("government/institution", True, "government"), ("Global publication", True, "global-publication"),
    ("chamber_of_commerce", True, "chamber"), ("News", False, "press"), ("Podcast", False, "other"),
    ("", True, None),
])
def test_source_types(cell: str, strict: bool, kind: str | None) -> None:
    assert source_type(cell, strict=strict) == kind


def test_unknown_source_type_is_an_error_in_our_own_format() -> None:
    with pytest.raises(CellError, match="unknown source type 'Podcast' \\(use one of: press, trade"):
        source_type("Podcast", strict=True)
