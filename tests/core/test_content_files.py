"""Reading files people edit: every failure names the file, and the line or key."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError

from outreach.core.content_files import parse_toml, read_text, validation_problems
from outreach.errors import BriefError, ContentError, LocaleFileError


def test_read_text_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(BriefError, match=r"nope.md: file not found"):
        read_text(tmp_path / "nope.md", BriefError)


def test_read_text_names_an_unreadable_path(tmp_path: Path) -> None:
    with pytest.raises(LocaleFileError, match=r"cannot read: Is a directory"):
        read_text(tmp_path, LocaleFileError)


def test_read_text_names_bad_encoding(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes("sign_off = 'Atención'".encode("latin-1"))
    with pytest.raises(LocaleFileError, match=r"latin1.toml: not UTF-8 text \(invalid continuation byte"):
        read_text(path, LocaleFileError)


@pytest.mark.parametrize(("first_line", "reported"), [
    pytest.param(1, "line 2", id="a whole file"),
    pytest.param(5, "line 6", id="front matter starting on line 5"),
])
def test_parse_toml_reports_the_files_own_lines(first_line: int, reported: str) -> None:
    with pytest.raises(BriefError) as caught:
        parse_toml("a = 1\nb = = 2\n", Path("x.md"), BriefError, first_line=first_line)
    assert f"(at {reported}, column 5)" in str(caught.value)
    assert str(caught.value).startswith("x.md: invalid TOML: ")


def test_parse_toml_returns_the_data() -> None:
    assert parse_toml("[hooks.a]\nvalue = 1\n", Path("x.md"), BriefError) == {"hooks": {"a": {"value": 1}}}


class _Example(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    items: list[int] = []


@pytest.mark.parametrize(("data", "prefix", "problems"), [
    pytest.param({}, "", ["f.toml: name: required but missing"], id="missing"),
    pytest.param({"name": "a", "colour": 1}, "", ["f.toml: colour: unknown key"], id="unknown key"),
    pytest.param({"name": "a", "items": [1, "x"]}, "hooks.", [
        "f.toml: hooks.items[2]: Input should be a valid integer, unable to parse string as an integer"],
        id="list items count from one, with a prefix"),
])
def test_validation_problems_name_file_and_key(data: dict[str, object], prefix: str,
                                               problems: list[str]) -> None:
    with pytest.raises(ValidationError) as caught:
        _Example.model_validate(data)
    assert validation_problems(Path("f.toml"), caught.value, prefix) == problems


def test_content_errors_keep_every_problem() -> None:
    error = ContentError(["a: x: bad", "b: y: worse"])
    assert error.problems == ("a: x: bad", "b: y: worse") and str(error) == "a: x: bad\nb: y: worse"
    assert isinstance(BriefError(["p"]), ContentError) and isinstance(LocaleFileError(["p"]), ContentError)


def test_an_atomic_rewrite_keeps_the_file_mode(tmp_path: Path) -> None:
    from outreach.core.workspace import write_atomically

    shared, new = tmp_path / "campaign.toml", tmp_path / "new.toml"
    shared.write_text("a = 1\n")
    shared.chmod(0o664)
    write_atomically(shared, "a = 2\n")
    write_atomically(new, "b = 1\n")
    assert (shared.read_text(), shared.stat().st_mode & 0o777) == ("a = 2\n", 0o664)
    assert new.stat().st_mode & 0o777 == 0o644
