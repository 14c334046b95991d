"""Approvals: tied to the content hash, audited, refused on QA errors, and what the rule gate asks."""

from __future__ import annotations

import os
import threading
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from outreach.core import audit, review
from outreach.core.locale_folders import TemplateSource
from outreach.core.models import AuditEntry, CampaignRecord, TemplateReview
from outreach.core.review import ApprovalState, approval_state, message_approval
from outreach.core.store import Store, register_campaign
from outreach.core.templates import Renderer
from outreach.errors import ReviewError
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


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest) -> Store:
    """A migrated store on SQLite and, where one answers, on PostgreSQL."""
    fixture = "sqlite_url" if request.param == "sqlite" else "pg_url"
    return Store.open(str(request.getfixturevalue(fixture)), actor="lead")


@pytest.fixture
def renderer(tmp_path: Path) -> Renderer:
    """A renderer over the es-MX/es-ES test workspace, re-reading files on every call."""
    return renderer_for(mx_workspace(tmp_path / "ws"))


def edit(renderer: Renderer, folder: str, name: str, text: str) -> None:
    """Rewrite a file of the workspace as a reviewer's editor would, moving its mtime on."""
    path = renderer.workspace / "locales" / folder / name
    path.write_text(text, encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def approve(store: Store, renderer: Renderer, template: str = "pitch", tag: str = "es-MX",
            **options: object) -> ApprovalState:
    with store.transaction() as session:
        return review.approve(session, renderer, tag, template, "Lucía Romero", today=TODAY,
                              **options)  # type: ignore[arg-type]


def state(store: Store, renderer: Renderer, template: str = "pitch", tag: str = "es-MX") -> ApprovalState:
    with store.transaction() as session:
        return approval_state(session, renderer.campaign, tag, template)


def test_a_new_template_needs_review_and_reading_registers_nothing(store: Store, renderer: Renderer) -> None:
    found = state(store, renderer)
    assert (found.state, found.review, found.sendable) == ("needs review", None, False)
    assert found.why_not_sendable == "es-MX pitch is needs review"
    assert found.source is not None and found.source.folder == "es-MX"
    with store.transaction() as session:
        assert session.exec(select(CampaignRecord)).all() == []


def test_approve_records_reviewer_time_and_hash_with_an_audit_entry(store: Store, renderer: Renderer) -> None:
    result = approve(store, renderer, actor="lead", comment="revisado")
    assert result.state == "approved" and result.sendable
    assert result.source is not None and result.review is not None
    assert (result.review.reviewer, result.review.content_hash, result.review.source) == (
        "Lucía Romero", result.source.content_hash, "es-MX")
    assert result.review.decided_at.tzinfo is not None
    with store.transaction() as session:
        entries = audit.entries(session, object_type="template")
        assert [(e.actor, e.action, e.object_id) for e in entries] == [
            ("Lucía Romero", "template.approve", "es-MX/pitch")]
        assert entries[0].detail == {"content_hash": result.source.content_hash, "source": "es-MX",
                                     "comment": "revisado", "recorded_by": "lead"}
    assert state(store, renderer).state == "approved"


def test_an_edit_on_disk_puts_it_back_to_needs_review(store: Store, renderer: Renderer) -> None:
    approve(store, renderer)
    original = (renderer.workspace / "locales/es-MX/pitch.j2").read_text(encoding="utf-8")
    edit(renderer, "es-MX", "pitch.j2", original + "Una línea más.\n")
    changed_state = state(store, renderer)
    assert changed_state.state == "needs review" and not changed_state.sendable
    assert changed_state.note.startswith("changed since approved by Lucía Romero on ")
    edit(renderer, "es-MX", "pitch.j2", original)
    assert state(store, renderer).state == "approved", "the approved text is approved again"


def test_printed_locale_settings_are_part_of_the_content(store: Store, renderer: Renderer) -> None:
    approve(store, renderer)
    edit(renderer, "es-MX", "locale.toml", 'tone = "otro tono"\n' + LOCALE_MX)
    assert state(store, renderer).state == "approved", "tone notes are not printed"
    edit(renderer, "es-MX", "locale.toml", LOCALE_MX.replace("Saludos cordiales,", "Atentamente,"))
    assert state(store, renderer).state == "needs review", "the sign-off is printed"


def test_reject_with_a_comment(store: Store, renderer: Renderer) -> None:
    with store.transaction() as session:
        result = review.reject(session, renderer.campaign, "es-MX", "subject", "Lucía Romero",
                               "  Demasiado genérico  ")
    assert result.state == "rejected" and result.review is not None
    assert result.review.comment == "Demasiado genérico"
    assert state(store, renderer, "subject").why_not_sendable == "es-MX subject is rejected"
    edit(renderer, "es-MX", "subject.j2", "Datos de nómina para {{ prospect.name }}\n")
    assert state(store, renderer, "subject").state == "needs review"
    with store.transaction() as session:
        assert [e.action for e in audit.entries(session)] == ["template.reject", "campaign.register"]


@pytest.mark.parametrize(("comment", "reviewer", "message"), [
    pytest.param("   ", "Lucía", "a rejection needs a comment", id="no comment"),
    pytest.param("Cambiar", " ", "say who reviewed: --as NAME", id="no reviewer"),
])
def test_a_rejection_needs_a_comment_and_a_reviewer(store: Store, renderer: Renderer, comment: str,
                                                    reviewer: str, message: str) -> None:
    with pytest.raises(ReviewError, match=message), store.transaction() as session:
        review.reject(session, renderer.campaign, "es-MX", "pitch", reviewer, comment)


def test_qa_errors_block_approval_and_nothing_is_written(store: Store, renderer: Renderer) -> None:
    edit(renderer, "es-MX", "pitch.j2", "Hola [NOMBRE], te escribo.\n")
    with pytest.raises(ReviewError) as caught:
        approve(store, renderer)
    assert caught.value.exit_code == 1
    assert str(caught.value).startswith("es-MX pitch cannot be approved: 2 QA error(s)")
    assert "[placeholder] placeholder left in: '[NOMBRE]'" in str(caught.value)
    assert "[address-form] 'te' is a tú/vos form" in str(caught.value)
    with store.transaction() as session:
        assert session.exec(select(TemplateReview)).all() == []
        assert session.exec(select(AuditEntry)).all() == []


def test_warnings_do_not_block_approval(store: Store, renderer: Renderer) -> None:
    edit(renderer, "es-MX", "pitch.j2", "Buen día:  le escribo.\n")
    assert approve(store, renderer).state == "approved"


def test_the_hash_the_reviewer_saw_must_still_be_on_disk(store: Store, renderer: Renderer) -> None:
    seen = state(store, renderer).source
    assert seen is not None
    assert approve(store, renderer, expected_hash=seen.short_hash.upper()).state == "approved"
    edit(renderer, "es-MX", "pitch.j2", "Buen día:\n\nOtro texto.\n")
    with pytest.raises(ReviewError, match=f"changed since you reviewed it .* not {seen.short_hash}"):
        approve(store, renderer, expected_hash=seen.short_hash)


def test_a_new_decision_replaces_the_last_one(store: Store, renderer: Renderer) -> None:
    approve(store, renderer)
    with store.transaction() as session:
        review.reject(session, renderer.campaign, "es-MX", "pitch", "Marta Gil", "Mejor de tú")
    with store.transaction() as session:
        rows = session.exec(select(TemplateReview)).all()
        assert [(row.decision, row.reviewer) for row in rows] == [("rejected", "Marta Gil")]
        assert len(audit.entries(session, object_type="template")) == 2, "the log keeps both"


def test_a_message_needs_its_subject_and_body_approved(store: Store, renderer: Renderer) -> None:
    approve(store, renderer, "pitch")
    with store.transaction() as session:
        pending = message_approval(session, renderer.campaign, "es-MX", "pitch")
    assert not pending.sendable and pending.reasons == ["es-MX subject is needs review"]
    approve(store, renderer, "subject")
    with store.transaction() as session:
        ready = message_approval(session, renderer.campaign, "es-MX", "pitch")
        follow_up = message_approval(session, renderer.campaign, "es-MX", "followup-1")
    assert ready.sendable and ready.reasons == []
    assert [part.template for part in ready.parts] == ["subject", "pitch"]
    assert follow_up.reasons == ["es-MX followup-1 is needs review"]


def _with_colombia(tmp_path: Path, declare: bool) -> Renderer:
    """es-CO, with no templates of its own, over an es-419 folder; its locale.toml may declare it."""
    campaign = changed(base_campaign(), "markets.es-CO", {
        "timezone": "America/Bogota", "path": "/co/", "pages": [{"url": "https://www.site.com/co/nomina/"}]})
    locales = {"es-419": {"locale.toml": LOCALE_MX, **SIMPLE}}
    if declare:
        locales["es-CO"] = {"locale.toml": 'fallback = "es-419"\n' + LOCALE_MX}
    return renderer_for(make_workspace(tmp_path / "ws", campaign=campaign, locales=locales,
                                       briefs={"es-CO": BRIEF_MX}))


def test_an_ancestors_template_is_sendable_only_when_declared(store: Store, tmp_path: Path) -> None:
    inherited = _with_colombia(tmp_path / "a", declare=False)
    result = approve(store, inherited, tag="es-CO")
    assert result.state == "approved" and result.note == "uses es-419's template"
    assert result.source is not None and result.source.origin == "ancestor"
    assert result.why_not_sendable == ("es-CO pitch comes from es-419, which es-CO's locale.toml does not "
                                       "declare as its fallback")
    declared = _with_colombia(tmp_path / "b", declare=True)
    assert approve(store, declared, tag="es-CO").sendable


def test_text_in_another_language_is_never_sendable() -> None:
    source = TemplateSource("it-IT", "pitch", "default", "declared", Path("locales/default/pitch.j2"),
                            "Hello", "0" * 64, "en")
    row = TemplateReview(campaign_id=1, market="it-IT", template="pitch", decision="approved",
                         content_hash="0" * 64, source="default", reviewer="x")
    approved = ApprovalState("it-IT", "pitch", "approved", source, row)
    assert approved.why_not_sendable == "it-IT pitch is written in 'en', not 'it'"


def test_a_missing_template(store: Store, tmp_path: Path) -> None:
    renderer = renderer_for(make_workspace(tmp_path / "ws", locales={"es-MX": {"locale.toml": LOCALE_MX}}))
    found = state(store, renderer)
    assert found.state == "missing" and found.source is None
    assert found.why_not_sendable == "es-MX has no pitch template"
    assert "no pitch.j2 for es-MX" in found.note


def test_status_lists_every_template_with_state_and_findings(store: Store, renderer: Renderer) -> None:
    approve(store, renderer, "subject")
    edit(renderer, "es-MX", "followup-2.j2", "Buen día:  XXX\n")
    with store.transaction() as session:
        markets = review.status(session, renderer, today=TODAY)
    assert [item.tag for item in markets] == ["es-ES", "es-MX"]
    mx = markets[1]
    assert mx.chain == ["es-MX", "es-419", "es", "default"]
    assert mx.settings is not None and mx.settings.address == "usted"
    assert [(t.approval.template, t.approval.state) for t in mx.templates] == [
        ("subject", "approved"), ("pitch", "needs review"), ("followup-1", "needs review"),
        ("followup-2", "needs review")]
    assert [f.check for f in mx.templates[3].findings] == ["double-space", "placeholder"]
    assert mx.has_errors and not markets[0].has_errors


def test_status_reports_a_broken_locale_file_without_stopping(store: Store, renderer: Renderer) -> None:
    edit(renderer, "es-MX", "locale.toml", "address = \n")
    with store.transaction() as session:
        markets = review.status(session, renderer, ["es-MX", "es-ES"], today=TODAY)
    assert markets[0].problems and "invalid TOML" in markets[0].problems[0]
    assert markets[0].has_errors and markets[1].templates


def test_decision_labels() -> None:
    from datetime import UTC, datetime

    assert review.decided_at_label(datetime(2026, 11, 20, 14, 5, tzinfo=UTC)) == "2026-11-20 14:05 UTC"
    assert review.decided_at_label(None) == ""


def test_a_rendered_message_is_checked_against_its_own_text(store: Store, renderer: Renderer) -> None:
    approve(store, renderer, "subject")
    approve(store, renderer, "pitch")
    rendered = renderer.render("es-MX", prospect())
    with store.transaction() as session:
        assert review.rendered_approval(session, renderer.campaign, rendered).sendable
    original = (renderer.workspace / "locales/es-MX/pitch.j2").read_text(encoding="utf-8")
    edit(renderer, "es-MX", "pitch.j2", original + "Posdata sin revisar.\n")
    with store.transaction() as session:
        stale = review.rendered_approval(session, renderer.campaign, rendered)
    assert not stale.sendable and stale.reasons == ["es-MX pitch is needs review"]
    assert stale.parts[1].note == "rendered from text that is no longer on disk: render again"


def test_text_rendered_before_an_approval_of_other_text_is_not_sendable(store: Store,
                                                                        renderer: Renderer) -> None:
    approve(store, renderer, "subject")
    original = (renderer.workspace / "locales/es-MX/pitch.j2").read_text(encoding="utf-8")
    edit(renderer, "es-MX", "pitch.j2", original + "Borrador.\n")
    draft = renderer.render("es-MX", prospect())
    edit(renderer, "es-MX", "pitch.j2", original)
    approve(store, renderer, "pitch")
    with store.transaction() as session:
        check = review.rendered_approval(session, renderer.campaign, draft)
    assert [part.state for part in check.parts] == ["approved", "needs review"]


def test_approving_twice_keeps_one_row_and_logs_both(store: Store, renderer: Renderer) -> None:
    approve(store, renderer)
    approve(store, renderer)
    with store.transaction() as session:
        assert len(session.exec(select(TemplateReview)).all()) == 1
        assert [e.action for e in audit.entries(session, object_type="template")] == ["template.approve"] * 2


def test_status_for_chosen_markets_only(store: Store, renderer: Renderer) -> None:
    with store.transaction() as session:
        markets = review.status(session, renderer, ["es-mx"], today=TODAY)
    assert [item.tag for item in markets] == ["es-MX"]


def test_extra_templates_are_reviewed_like_the_others(store: Store, tmp_path: Path) -> None:
    renderer = renderer_for(mx_workspace(tmp_path / "ws", followup_3="Buen día:\n\nÚltimo mensaje.\n"))
    result = approve(store, renderer, "followup-3")
    assert result.state == "approved"
    with store.transaction() as session:
        [market] = review.status(session, renderer, ["es-MX"], today=TODAY)
    names = [item.approval.template for item in market.templates]
    assert names[-1] == "followup-3"


@pytest.mark.postgres
def test_two_first_decisions_at_once_do_not_both_win(pg_url: str, renderer: Renderer) -> None:
    store = Store.open(pg_url, actor="lead")
    with store.transaction() as session:  # the campaign row exists before the race, as it would
        register_campaign(session, renderer.campaign, "lead")
    outcome: list[BaseException | ApprovalState] = []
    first = store.transaction()
    session = first.__enter__()
    review.approve(session, renderer, "es-MX", "pitch", "Lucía", today=TODAY)

    def second() -> None:
        try:
            outcome.append(approve(store, renderer))
        except ReviewError as exc:
            outcome.append(exc)

    racer = threading.Thread(target=second)
    racer.start()
    racer.join(timeout=1)
    assert racer.is_alive(), "the second waits on the first one's row"
    first.__exit__(None, None, None)
    racer.join(timeout=30)
    assert len(outcome) == 1 and isinstance(outcome[0], ReviewError)
    assert "recorded at the same time" in str(outcome[0])
    with store.transaction() as check:
        assert [row.reviewer for row in check.exec(select(TemplateReview)).all()] == ["Lucía"]


def test_migration_0003_adds_template_review_and_takes_it_back(store: Store) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect

    from outreach.core import db

    assert "template_review" in inspect(store.engine).get_table_names()
    with store.engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(db.MIGRATIONS))
        config.attributes["connection"] = connection
        command.downgrade(config, "0002")
    assert "template_review" not in inspect(store.engine).get_table_names()
    assert db.upgrade(store.engine).up_to_date
    assert "template_review" in inspect(store.engine).get_table_names()


def test_reasons_name_every_part_that_blocks(store: Store, renderer: Renderer) -> None:
    with store.transaction() as session:
        review.reject(session, renderer.campaign, "es-MX", "followup-2", "Lucía", "Muy seco")
        pending = message_approval(session, renderer.campaign, "es-MX", "followup-2",
                                   library=renderer.library)
    assert pending.reasons == ["es-MX subject is needs review", "es-MX followup-2 is rejected"]
    assert [part.template for part in pending.parts] == ["subject", "followup-2"]


def test_approval_state_accepts_a_market_tag_in_any_case(store: Store, renderer: Renderer) -> None:
    approve(store, renderer)
    assert state(store, renderer, tag="es-mx").state == "approved"
