"""`forget` in detail: nested mentions, aliases, subdomain addresses, and what stays."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from outreach.core import audit, dnc
from outreach.core.forget import REDACTED, forget
from outreach.core.models import AuditEntry, Prospect, ProspectAlias, Suppression
from tests.core.conftest import Env, session_rows, write_csv_text

HEADER = "domain,outlet,contact_name,email\n"


def test_mentions_inside_nested_details_are_redacted(env: Env) -> None:
    with env.session() as session:
        audit.record(session, actor="a", action="note.add", object_type="note", object_id="ana@diario.mx",
                     detail={"to": ["ana@diario.mx", "luis@otro.mx"], "meta": {"cc": "ANA@DIARIO.MX"},
                             "n": 2})
    with env.session() as session:
        report = forget(session, "ana@diario.mx", actor="dpo")
        assert report.redacted == 1
    with env.session() as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "note.add")).one()
        assert entry.object_id == REDACTED
        assert entry.detail == {"to": [REDACTED, "luis@otro.mx"], "meta": {"cc": REDACTED}, "n": 2}


def test_forgetting_a_domain_takes_subdomain_addresses_and_aliases(env: Env, tmp_path: Path) -> None:
    env.import_file(write_csv_text(tmp_path, "a.csv", HEADER + "diario.mx,Diario,Ana,ana@news.diario.mx\n"
                                   "otro.mx,Otro,Luis,luis@otro.mx\n"))
    with env.session() as session:
        pid = session.exec(select(Prospect.id).where(Prospect.domain == "diario.mx")).one()
        session.add(ProspectAlias(prospect_id=pid or 0, campaign_id=env.campaign_id, market="es-MX",
                                  identity="diario.mx|e:ana.old@diario.mx"))
        dnc.add_entry(session, "editor@news.diario.mx", reason="", actor="t")
    with env.session() as session:
        report = forget(session, "diario.mx", actor="dpo")
        assert (report.prospects, report.do_not_contact) == (1, 1)
    with env.session() as session:
        assert [p.domain for p in session_rows(session, Prospect)] == ["otro.mx"]
        assert session_rows(session, ProspectAlias) == []
        assert [s.kind for s in session_rows(session, Suppression)] == ["domain"]
        forgotten = audit.entries(session, object_type="domain")[0]
        assert forgotten.action == "subject.forget" and "diario" not in str(forgotten.model_dump())


def test_forget_is_idempotent_and_keeps_one_suppression(env: Env) -> None:
    with env.session() as session:
        first = forget(session, "ana@diario.mx", actor="dpo")
        second = forget(session, "ANA@diario.mx", actor="dpo")
    assert (first.newly_suppressed, second.newly_suppressed) == (True, False)
    with env.session() as session:
        assert len(session_rows(session, Suppression)) == 1
