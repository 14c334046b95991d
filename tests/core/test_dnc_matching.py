"""Which prospects a do-not-contact entry or a suppression reaches, in Python and in SQL."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlmodel import select

from outreach.core.dnc import Blocklist, Subject, digest, host_suffixes, matching_prospects, parse_subject
from outreach.core.models import Prospect
from tests.core.conftest import Env, write_csv_text

LIST = ("domain,contact_name,email\n"
        "diario.mx,Ana,ana@diario.mx\n"
        "blog.diario.mx,Luis,luis@gmail.com\n"
        "otro.mx,Eva,eva@news.diario.mx\n"
        "diario_mx.com,Sol,sol@gmail.com\n"
        "sub.diarioxmx.com,Pia,pia@diarioxmx.com\n"
        "midiario.mx,Rut,rut@midiario.mx\n")


@pytest.mark.parametrize(("host", "suffixes"), [
    ("a.b.diario.com.mx", ["a.b.diario.com.mx", "b.diario.com.mx", "diario.com.mx", "com.mx"]),
    ("diario.mx", ["diario.mx"]),
    ("", []),
    (None, []),
])
def test_host_suffixes(host: str | None, suffixes: list[str]) -> None:
    assert host_suffixes(host) == suffixes


def test_digests_are_sha256_of_kind_and_value() -> None:
    assert digest("email", "a@b.mx") == hashlib.sha256(b"email:a@b.mx").hexdigest()
    assert Subject("domain", "b.mx").digest == digest("domain", "b.mx")


@pytest.mark.parametrize(("suppressed", "email", "host", "expected"), [
    pytest.param("ana@diario.mx", "ANA@diario.mx", None, True, id="email-any-case"),
    pytest.param("diario.mx", None, "www.blog.diario.mx", True, id="subdomain-host"),
    pytest.param("diario.mx", "x@news.diario.mx", None, True, id="address-at-subdomain"),
    pytest.param("diario.mx", None, "midiario.mx", False, id="not-a-suffix-match"),
    pytest.param("ana@diario.mx", "eva@diario.mx", "diario.mx", False, id="other-address"),
])
def test_suppressions(suppressed: str, email: str | None, host: str | None, expected: bool) -> None:
    subject = parse_subject(suppressed)
    assert Blocklist(digests={subject.digest}).suppresses(email, host) is expected


def test_an_empty_blocklist_blocks_nothing() -> None:
    assert not Blocklist().blocks("a@b.mx", "b.mx") and not Blocklist().suppresses("a@b.mx", "b.mx")


@pytest.mark.parametrize("blocklist", [
    pytest.param(Blocklist(emails={"a@b.mx"}), id="an address"),
    pytest.param(Blocklist(domains={"b.mx"}), id="a domain"),
    pytest.param(Blocklist(digests={digest("email", "a@b.mx")}), id="a suppression"),
])
def test_a_blocklist_with_any_entry_is_not_empty(blocklist: Blocklist) -> None:
    assert Blocklist().is_empty and not blocklist.is_empty


@pytest.mark.parametrize(("value", "emails"), [
    pytest.param("diario.mx", ["ana@diario.mx", "eva@news.diario.mx", "luis@gmail.com"], id="domain"),
    pytest.param("blog.diario.mx", ["luis@gmail.com"], id="subdomain"),
    pytest.param("ANA@diario.mx", ["ana@diario.mx"], id="email"),
    pytest.param("diario_mx.com", ["sol@gmail.com"], id="underscore-is-literal"),
    pytest.param("midiario.mx", ["rut@midiario.mx"], id="no-false-suffix"),
])
def test_sql_matching(env: Env, tmp_path: Path, value: str, emails: list[str]) -> None:
    env.import_file(write_csv_text(tmp_path, "l.csv", LIST))
    with env.session() as session:
        found = session.exec(select(Prospect.email).where(matching_prospects(parse_subject(value)))).all()
    assert sorted(email or "" for email in found) == emails
