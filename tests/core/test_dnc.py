"""Do-not-contact across campaigns, and `forget` erasing a subject everywhere but its hash."""

from __future__ import annotations

import hashlib

import pytest
from sqlmodel import select

from outreach.core import audit, dnc
from outreach.core.forget import REDACTED, forget
from outreach.core.models import AuditEntry, DoNotContact, Prospect, ProspectAlias, ProspectEvent, Suppression
from outreach.core.prospect_list import change_stage
from outreach.errors import DoNotContactError, NotFoundError, OutreachError
from tests.core.conftest import FIXTURES, Env, session_rows


@pytest.mark.parametrize(("value", "kind", "normalised"), [
    ("Ana@Diario.MX", "email", "ana@diario.mx"),
    ("diario.com.mx", "domain", "diario.com.mx"),
    ("https://www.Diario.com.mx/contacto", "domain", "diario.com.mx"),
    ("blog.diario.com.mx/", "domain", "blog.diario.com.mx"),
    ("bücher.de", "domain", "xn--bcher-kva.de"),
])
def test_subjects_are_parsed(value: str, kind: str, normalised: str) -> None:
    assert dnc.parse_subject(value) == dnc.Subject(kind, normalised)


@pytest.mark.parametrize("value", ["", "not a domain", "ana@", "localhost"])
def test_nonsense_subjects_are_refused(value: str) -> None:
    with pytest.raises(OutreachError):
        dnc.parse_subject(value)


@pytest.mark.parametrize(("entries", "email", "host", "blocked"), [
    (["diario.com.mx"], None, "blog.diario.com.mx", True),
    (["diario.com.mx"], "ana@news.diario.com.mx", None, True),
    (["diario.com.mx"], None, "otrodiario.com.mx", False),
    (["blog.diario.com.mx"], None, "diario.com.mx", False),
    (["ana@diario.com.mx"], "ANA@diario.com.mx", None, True),
    (["ana@diario.com.mx"], "luis@diario.com.mx", "diario.com.mx", False),
])
def test_blocklist_covers_subdomains_and_addresses(entries: list[str], email: str | None, host: str | None,
                                                   blocked: bool) -> None:
    blocklist = dnc.Blocklist()
    for entry in entries:
        subject = dnc.parse_subject(entry)
        (blocklist.emails if subject.kind == "email" else blocklist.domains).add(subject.value)
    assert blocklist.blocks(email, host) is blocked


def test_adding_marks_prospects_in_every_campaign_and_audits(env: Env) -> None:
    env.import_file(FIXTURES / "ahrefs_refdomains.csv", market="es-MX")
    env.import_file(FIXTURES / "ahrefs_refdomains.csv", market="es-ES")
    with env.session() as session:
        entry, marked = dnc.add_entry(session, "pymesdigitales.es", reason="asked us", actor="lucia")
        assert marked == 2 and entry.reason == "asked us"
        again = dnc.add_entry(session, "pymesdigitales.es", reason="", actor="lucia")
        assert again[1] == 0, "adding twice marks nothing new"
    with env.session() as session:
        flagged = [p for p in session_rows(session, Prospect) if p.do_not_contact]
        assert sorted(p.market for p in flagged) == ["es-ES", "es-MX"]
        assert dnc.is_do_not_contact(session, host="blog.pymesdigitales.es")
        events = session.exec(select(ProspectEvent).where(ProspectEvent.kind == "dnc")).all()
        assert len(events) == 2 and events[0].actor == "lucia"
        assert audit.entries(session, object_type="do_not_contact")[0].action == "dnc.add"


def test_a_dnc_prospect_can_never_be_pitched(env: Env) -> None:
    env.import_file(FIXTURES / "buzzstream_contacts.csv")
    with env.session() as session:
        dnc.add_entry(session, "jose.nunez@economiaregional.com.ar", reason="", actor="t")
    with env.session() as session:
        prospect = session.exec(select(Prospect).where(Prospect.do_not_contact)).one()
        change_stage(session, prospect.id or 0, "lost", actor="t")
        with pytest.raises(DoNotContactError, match="is on the do-not-contact list"):
            change_stage(session, prospect.id or 0, "pitched", actor="t")


def test_removing_unmarks_only_what_nothing_else_blocks(env: Env) -> None:
    env.import_file(FIXTURES / "buzzstream_contacts.csv")
    with env.session() as session:
        dnc.add_entry(session, "journal-des-pme.fr", reason="", actor="t")
        dnc.add_entry(session, "b.lefevre@journal-des-pme.fr", reason="", actor="t")
    with env.session() as session:
        assert dnc.remove_entry(session, "journal-des-pme.fr", actor="t") == 0, "the email entry still blocks"
        assert dnc.remove_entry(session, "b.lefevre@journal-des-pme.fr", actor="t") == 1
        with pytest.raises(NotFoundError, match="is not on the do-not-contact list"):
            dnc.remove_entry(session, "b.lefevre@journal-des-pme.fr", actor="t")
    with env.session() as session:
        assert not any(p.do_not_contact for p in session_rows(session, Prospect))
        assert dnc.entries(session) == []


def test_entries_list_domains_first(env: Env) -> None:
    with env.session() as session:
        for value in ("b@x.mx", "zeta.mx", "a@x.mx", "alpha.mx"):
            dnc.add_entry(session, value, reason="", actor="t")
    with env.session() as session:
        assert [e.value for e in dnc.entries(session)] == ["alpha.mx", "zeta.mx", "a@x.mx", "b@x.mx"]


def test_forget_an_email_erases_it_everywhere_but_its_hash(env: Env) -> None:
    env.import_file(FIXTURES / "buzzstream_contacts.csv")
    address = "jose.nunez@economiaregional.com.ar"
    with env.session() as session:
        dnc.add_entry(session, address, reason="GDPR request", actor="t")
    with env.session() as session:
        report = forget(session, address.upper(), actor="dpo")
        assert (report.prospects, report.do_not_contact, report.newly_suppressed) == (1, 1, True)
    with env.session() as session:
        assert all(address not in (p.email or "") for p in session_rows(session, Prospect))
        assert session_rows(session, DoNotContact) == []
        dumped = " ".join(str(row.model_dump()) for model in (AuditEntry, ProspectEvent, ProspectAlias)
                          for row in session_rows(session, model))
        assert address not in dumped.lower()
        assert REDACTED in dumped
        digest = hashlib.sha256(f"email:{address}".encode()).hexdigest()
        assert [(s.kind, s.digest, s.reason) for s in session_rows(session, Suppression)] == [
            ("email", digest, "forgotten")]
        assert dnc.is_do_not_contact(session, email=address)


def test_forget_a_domain_erases_its_prospects_and_addresses(env: Env) -> None:
    env.import_file(FIXTURES / "buzzstream_contacts.csv")
    env.import_file(FIXTURES / "ahrefs_refdomains.csv")
    with env.session() as session:
        report = forget(session, "https://www.journal-des-pme.fr/", actor="dpo")
        assert report.prospects == 1
        again = forget(session, "journal-des-pme.fr", actor="dpo")
        assert (again.prospects, again.newly_suppressed) == (0, False)
    with env.session() as session:
        domains = {p.domain for p in session_rows(session, Prospect)}
        assert "journal-des-pme.fr" not in domains and "economiaregional.com.ar" in domains
        assert dnc.is_do_not_contact(session, host="news.journal-des-pme.fr")
