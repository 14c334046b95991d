"""Briefs: TOML front matter, data hooks, and every problem named by file, line or key."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from outreach.core import briefs
from outreach.core.briefs import Brief, add_months, hook_flags, parse_brief
from outreach.core.campaign_file import load_campaign
from outreach.errors import BriefError
from tests.core.workspaces import BRIEF_MX, make_workspace

PATH = Path("briefs/es-MX.md")

HOOK = """\
[hooks.pymes]
value = 68.4
unit = "percent"
as_of = 2026-01-31
source = "INEGI"
source_url = "https://www.inegi.org.mx/"
"""


def brief_text(front: str, prose: str = "Notas para el equipo.") -> str:
    """A brief file with `front` as its front matter."""
    return f"+++\n{front}+++\n{prose}\n"


def test_a_full_brief_parses() -> None:
    brief = parse_brief(BRIEF_MX, PATH, "es-MX")
    assert brief.market == "es-MX" and brief.path == PATH
    assert brief.topics == ("nómina",)
    assert brief.prose == "Notas."
    assert set(brief.hooks) == {"pymes", "salario"}
    pymes = brief.hooks["pymes"]
    assert (pymes.name, pymes.value, pymes.unit, pymes.as_of) == ("pymes", Decimal("68.4"), "percent",
                                                                   date(2026, 7, 31))
    assert brief.hooks["salario"].currency == "MXN" and pymes.currency is None
    assert brief.max_age_months == briefs.DEFAULT_MAX_AGE_MONTHS == 18


def test_every_front_matter_field() -> None:
    front = ('title = "T"\ntopics = ["a"]\nangles = ["b"]\nformats = ["c"]\nsource_types = ["d"]\n'
             'max_age_months = 6\nmarket = "es-mx"\n' + HOOK + 'max_age_months = 60\nnote = "n"\n')
    brief = parse_brief(brief_text(front), PATH, "es-MX")
    assert (brief.title, brief.angles, brief.formats, brief.source_types) == ("T", ("b",), ("c",), ("d",))
    assert brief.max_age_months == 6
    assert brief.hooks["pymes"].max_age_months == 60 and brief.hooks["pymes"].note == "n"


def test_date_hooks_hold_dates() -> None:
    front = '[hooks.plazo]\nvalue = 2027-01-01\nunit = "date"\nas_of = 2025-12-03\nsource = "AEAT"\n'
    hook = parse_brief(brief_text(front), PATH, "es-MX").hooks["plazo"]
    assert hook.value == date(2027, 1, 1)


def test_an_empty_front_matter_is_a_brief_with_nothing_in_it() -> None:
    brief = parse_brief("+++\n+++\n", PATH, "es-MX")
    assert brief.hooks == {} and brief.prose == "" and brief.topics == ()


def test_a_byte_order_mark_is_tolerated() -> None:
    assert parse_brief("\ufeff" + BRIEF_MX, PATH, "es-MX").hooks


@pytest.mark.parametrize(("text", "message"), [
    pytest.param("topics = []\n", "briefs/es-MX.md: line 1: a brief starts with a '+++' line",
                 id="no front matter"),
    pytest.param("+++\ntopics = []\n", "briefs/es-MX.md: the front matter opened on line 1 is never closed",
                 id="unclosed"),
    pytest.param(brief_text("topics = [\n"), "briefs/es-MX.md: invalid TOML: ", id="TOML syntax"),
    pytest.param(brief_text('topics = []\ncolour = "red"\n'), "briefs/es-MX.md: colour: unknown key",
                 id="unknown key"),
    pytest.param(brief_text('market = "es-ES"\n'),
                 "briefs/es-MX.md: market: 'es-ES' does not match the file name (es-MX)", id="other market"),
    pytest.param(brief_text(HOOK.replace('"percent"', '"money"')),
                 "briefs/es-MX.md: hooks.pymes.unit: unknown unit 'money'; use number, percent, date or "
                 "currency:XXX", id="unknown unit"),
    pytest.param(brief_text(HOOK.replace('"percent"', '"currency:XYZ"')),
                 "briefs/es-MX.md: hooks.pymes.unit: 'XYZ' is not an ISO 4217 currency code", id="currency"),
    pytest.param(brief_text(HOOK.replace('"percent"', '"date"')),
                 "briefs/es-MX.md: hooks.pymes: value: unit 'date' needs a date (2027-01-01)",
                 id="date unit with a number"),
    pytest.param(brief_text(HOOK.replace("value = 68.4", "value = 2026-01-01")),
                 "briefs/es-MX.md: hooks.pymes: value: unit 'percent' needs a number",
                 id="number unit, date"),
    pytest.param(brief_text(HOOK.replace("https://www.inegi.org.mx/", "inegi.org.mx")),
                 "briefs/es-MX.md: hooks.pymes.source_url: 'inegi.org.mx' is not an absolute http(s) URL",
                 id="relative URL"),
    pytest.param(brief_text(HOOK.replace("[hooks.pymes]", "[hooks.Pymes-MX]")),
                 "briefs/es-MX.md: hooks.Pymes-MX.name: 'Pymes-MX' must be lower-case letters",
                 id="hook name"),
    pytest.param(brief_text(HOOK.replace("as_of = 2026-01-31\n", "")),
                 "briefs/es-MX.md: hooks.pymes.as_of: required but missing", id="no date"),
    pytest.param(brief_text("max_age_months = 0\n"),
                 "briefs/es-MX.md: max_age_months: Input should be greater than or equal to 1", id="age"),
])
def test_problems_name_the_file_and_key(text: str, message: str) -> None:
    with pytest.raises(BriefError) as caught:
        parse_brief(text, PATH, "es-MX")
    assert message in str(caught.value)


def test_toml_errors_cite_the_files_own_line() -> None:
    text = "+++\ntopics = []\n\nangles = = 1\ntitle = 'x'\n+++\n"
    with pytest.raises(BriefError, match=r"\(at line 4, column 10\)"):
        parse_brief(text, PATH, "es-MX")


def test_several_problems_are_reported_at_once() -> None:
    text = brief_text('market = "es-ES"\ncolour = 1\n' + HOOK.replace('"percent"', '"money"'))
    with pytest.raises(BriefError) as caught:
        parse_brief(text, PATH, "es-MX")
    assert len(caught.value.problems) == 3


def _brief(age: int = 18, **hook: object) -> Brief:
    front = HOOK + "".join(f"{key} = {value}\n" for key, value in hook.items())
    return parse_brief(brief_text(f"max_age_months = {age}\n" + front), PATH, "es-MX")


@pytest.mark.parametrize(("brief", "today", "kinds"), [
    pytest.param(_brief(), date(2026, 6, 1), [], id="fresh and sourced"),
    pytest.param(_brief(), date(2027, 7, 30), [], id="a day before the limit"),
    pytest.param(_brief(), date(2027, 7, 31), ["stale"], id="on the limit"),
    pytest.param(_brief(age=6), date(2026, 8, 1), ["stale"], id="the brief's own limit"),
    pytest.param(_brief(max_age_months=60), date(2029, 1, 1), [], id="the hook's own limit (census)"),
])
def test_stale_hooks(brief: Brief, today: date, kinds: list[str]) -> None:
    assert [flag.kind for flag in hook_flags(brief.hooks["pymes"], brief, today)] == kinds


def test_a_command_line_age_overrides_the_brief_but_not_the_hook() -> None:
    brief = _brief(age=18)
    hook = brief.hooks["pymes"]
    assert [flag.kind for flag in hook_flags(hook, brief, date(2026, 4, 1), default_months=2)] == ["stale"]
    census = _brief(max_age_months=60)
    assert hook_flags(census.hooks["pymes"], census, date(2026, 4, 1), default_months=2) == []


def test_unsourced_and_unlinked_hooks_are_flagged() -> None:
    text = brief_text('[hooks.a]\nvalue = 1\nunit = "number"\nas_of = 2026-01-01\n'
                      '[hooks.b]\nvalue = 1\nunit = "number"\nas_of = 2026-01-01\nsource = "INE"\n')
    brief = parse_brief(text, PATH, "es-MX")
    flags = list(briefs.brief_flags(brief, date(2026, 2, 1)))
    assert [(flag.hook, flag.kind) for flag in flags] == [("a", "unsourced"), ("b", "no-source-url")]
    assert flags[0].message == "hook 'a' has no source"
    stale = hook_flags(brief.hooks["a"], brief, date(2030, 1, 1))
    assert stale[-1].message == ("hook 'a' is from 2026-01-01, older than 18 months "
                                 "(stale since 2027-07-01)")


@pytest.mark.parametrize(("day", "months", "expected"), [
    pytest.param(date(2025, 1, 31), 1, date(2025, 2, 28), id="clamped to February"),
    pytest.param(date(2024, 1, 31), 1, date(2024, 2, 29), id="leap year"),
    pytest.param(date(2025, 7, 31), 18, date(2027, 1, 31), id="eighteen months"),
    pytest.param(date(2025, 12, 15), 1, date(2026, 1, 15), id="across the year"),
    pytest.param(date(2025, 3, 31), 1, date(2025, 4, 30), id="thirty-day month"),
])
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_load_briefs_finds_them_and_reports_missing_as_none(tmp_path: Path) -> None:
    root = make_workspace(tmp_path, briefs={"es-MX": BRIEF_MX, "it-IT": BRIEF_MX})
    campaign = load_campaign(root)
    loaded = briefs.load_briefs(root, campaign)
    assert list(loaded) == ["es-ES", "es-MX"], "priority order, then tag"
    assert loaded["es-MX"] is not None and loaded["es-ES"] is None
    assert briefs.stray_briefs(root, campaign) == [root / "briefs" / "it-IT.md"]


def test_load_briefs_lists_every_broken_file(tmp_path: Path) -> None:
    root = make_workspace(tmp_path, briefs={"es-MX": "nope\n", "es-ES": "+++\ncolour = 1\n+++\n"})
    with pytest.raises(BriefError) as caught:
        briefs.load_briefs(root, load_campaign(root))
    assert [problem.split(": ")[1] for problem in caught.value.problems] == ["colour", "line 1"]


def test_a_brief_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    root = make_workspace(tmp_path)
    (root / "briefs" / "es-MX.md").write_bytes(b"+++\ntitle = \"Espa\xf1a\"\n+++\n")
    with pytest.raises(BriefError, match=r"es-MX.md: not UTF-8 text"):
        briefs.load_brief(root, "es-MX")


def test_as_json_carries_hooks_and_flags() -> None:
    brief = _brief()
    data = briefs.as_json(brief, date(2030, 1, 1))
    assert data["market"] == "es-MX" and "prose" not in data
    assert data["hooks"]["pymes"]["value"] == "68.4"
    assert [flag["kind"] for flag in data["flags"]] == ["stale"]


@pytest.mark.parametrize(("hook", "message"), [
    pytest.param(HOOK.replace('"percent"', '"currency:mxn"'), "'mxn' is not an ISO 4217 currency code",
                 id="currency codes are upper case"),
    pytest.param(HOOK.replace("value = 68.4", 'value = "68,4 %"'), "hooks.pymes.value", id="a string value"),
    pytest.param(HOOK.replace("max_age_months", "x").replace('source = "INEGI"', 'source = "INEGI"\n'
                                                                                  "max_age_months = 0"),
                 "hooks.pymes.max_age_months: Input should be greater than or equal to 1", id="hook age"),
])
def test_more_hook_problems(hook: str, message: str) -> None:
    with pytest.raises(BriefError, match=message):
        parse_brief(brief_text(hook), PATH, "es-MX")


def test_date_hooks_in_json_are_iso_dates() -> None:
    front = '[hooks.plazo]\nvalue = 2027-01-01\nunit = "date"\nas_of = 2025-12-03\nsource = "AEAT"\n'
    data = briefs.as_json(parse_brief(brief_text(front), PATH, "es-MX"), date(2026, 1, 1))
    assert data["hooks"]["plazo"]["value"] == "2027-01-01"
    assert [flag["kind"] for flag in data["flags"]] == ["no-source-url"]


def test_a_missing_brief_is_none_and_readmes_are_not_strays(tmp_path: Path) -> None:
    root = make_workspace(tmp_path)
    (root / "briefs" / "README.md").write_text("notes\n", encoding="utf-8")
    assert briefs.load_brief(root, "es-MX") is None
    assert briefs.stray_briefs(root, load_campaign(root)) == []
    assert briefs.brief_path(root, "es-MX") == root / "briefs" / "es-MX.md"


@pytest.mark.parametrize("name", ["items", "get", "keys", "values"])
def test_a_hook_cannot_shadow_a_mapping_method(name: str) -> None:
    with pytest.raises(BriefError, match=f"hooks.{name}.name: '{name}' is taken"):
        parse_brief(brief_text(HOOK.replace("[hooks.pymes]", f"[hooks.{name}]")), PATH, "es-MX")
