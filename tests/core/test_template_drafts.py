"""A reviewer's draft: checked and rendered as if saved, saved atomically or not at all, then decided on."""

from __future__ import annotations

import stat
from datetime import date
from pathlib import Path

import pytest

from outreach.core import template_drafts
from outreach.core.campaign import Campaign
from outreach.core.campaign_file import load_campaign
from outreach.core.store import Store, register_campaign
from outreach.errors import ReviewError, TemplateError
from tests.core.workspaces import SIMPLE, mx_workspace, prospect

TODAY = date(2026, 11, 22)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest) -> Store:
    """A migrated store on SQLite and, where one answers, on PostgreSQL."""
    fixture = "sqlite_url" if request.param == "sqlite" else "pg_url"
    return Store.open(str(request.getfixturevalue(fixture)), actor="lead")


@pytest.fixture
def campaign(tmp_path: Path) -> Campaign:
    """The es-MX/es-ES test workspace's campaign."""
    return load_campaign(mx_workspace(tmp_path / "ws"))


def pitch_path(campaign: Campaign) -> Path:
    return campaign.source.parent / "locales" / "es-MX" / "pitch.j2"


def leftovers(campaign: Campaign) -> list[Path]:
    """Temporary files an interrupted write would leave beside the template."""
    return list(pitch_path(campaign).parent.glob(".pitch.j2.*"))


def test_a_draft_is_checked_and_rendered_without_touching_the_file(campaign: Campaign) -> None:
    before = pitch_path(campaign).read_bytes()
    draft = SIMPLE["pitch.j2"] + "PD:  nada TODO\n"
    check = template_drafts.check_draft(campaign, "es-MX", "pitch", draft, prospect(), today=TODAY)
    assert pitch_path(campaign).read_bytes() == before
    assert check.source.text == draft
    assert check.source.content_hash != template_drafts.template_source(campaign, "es-MX", "pitch").content_hash
    assert check.message is not None and check.error is None
    assert check.message.body.endswith("PD:  nada TODO\n")
    assert check.message.subject == "Datos para El Diario"
    found = {(finding.check, finding.severity, finding.line) for finding in check.findings}
    assert {("placeholder", "error", 7), ("double-space", "warning", 7)} <= found


def test_a_subject_draft_previews_the_pitch_with_it(campaign: Campaign) -> None:
    check = template_drafts.check_draft(campaign, "es-MX", "subject", "Cifras para {{ prospect.name }}\n",
                                        prospect(), today=TODAY)
    assert check.message is not None
    assert (check.message.message, check.message.subject) == ("pitch", "Cifras para El Diario")


def test_a_draft_that_does_not_render_says_where(campaign: Campaign) -> None:
    draft = "Buen día:\n\n{{ contact.apodo }}\n"
    check = template_drafts.check_draft(campaign, "es-MX", "pitch", draft, prospect(), today=TODAY)
    assert check.message is None
    assert isinstance(check.error, TemplateError)
    assert (check.error.file, check.error.line) == (str(pitch_path(campaign)), 3)
    assert ("unknown-variable", 3) in {(finding.check, finding.line) for finding in check.findings}


def test_save_writes_the_file_and_keeps_its_permissions(campaign: Campaign) -> None:
    path = pitch_path(campaign)
    path.chmod(0o644)
    opened = template_drafts.template_source(campaign, "es-MX", "pitch")
    text = SIMPLE["pitch.j2"] + "Saludos\n"
    saved = template_drafts.save_draft(campaign, "es-MX", "pitch", text, expected_hash=opened.content_hash)
    assert path.read_text(encoding="utf-8") == text
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert (saved.text, saved.path) == (text, path)
    assert saved.content_hash != opened.content_hash
    assert leftovers(campaign) == []


def test_save_refuses_a_syntax_error_naming_file_and_line(campaign: Campaign) -> None:
    before = pitch_path(campaign).read_bytes()
    with pytest.raises(TemplateError) as caught:
        template_drafts.save_draft(campaign, "es-MX", "pitch", "Buen día:\n\n{% if %}\n")
    assert (caught.value.file, caught.value.line) == (str(pitch_path(campaign)), 3)
    assert str(caught.value).startswith(f"{pitch_path(campaign)}:3: ")
    assert pitch_path(campaign).read_bytes() == before
    assert leftovers(campaign) == []


def test_save_refuses_when_the_file_changed_since_it_was_opened(campaign: Campaign) -> None:
    opened = template_drafts.template_source(campaign, "es-MX", "pitch")
    pitch_path(campaign).write_text("Buen día:\n\nOtro texto.\n", encoding="utf-8")
    with pytest.raises(ReviewError, match="changed on disk since you opened it"):
        template_drafts.save_draft(campaign, "es-MX", "pitch", "Mi versión\n", expected_hash=opened.content_hash)
    assert pitch_path(campaign).read_text(encoding="utf-8") == "Buen día:\n\nOtro texto.\n"


def test_decide_records_approvals_and_rejections_by_hash(store: Store, campaign: Campaign) -> None:
    opened = template_drafts.template_source(campaign, "es-MX", "pitch")
    with store.transaction() as session:
        approved = template_drafts.decide(session, campaign, "es-MX", "pitch", "approved", "Lucía", "bien",
                                          expected_hash=opened.content_hash, today=TODAY)
    assert approved.state == "approved"
    assert approved.review is not None and approved.review.comment == "bien"
    with store.transaction() as session, pytest.raises(ReviewError, match="needs a comment"):
        template_drafts.decide(session, campaign, "es-MX", "pitch", "rejected", "Lucía", " ",
                               expected_hash=opened.content_hash)
    with store.transaction() as session:
        rejected = template_drafts.decide(session, campaign, "es-MX", "pitch", "rejected", "Lucía", "muy largo",
                                          expected_hash=opened.content_hash)
        states = template_drafts.market_templates(session, campaign, "es-MX")
    assert rejected.state == "rejected"
    assert [(item.template, item.state) for item in states] == [
        ("subject", "needs review"), ("pitch", "rejected"), ("followup-1", "needs review"),
        ("followup-2", "needs review")]


def test_decide_refuses_text_the_reviewer_did_not_see(store: Store, campaign: Campaign) -> None:
    with store.transaction() as session, pytest.raises(ReviewError, match="changed since you reviewed it"):
        template_drafts.decide(session, campaign, "es-MX", "pitch", "approved", "Lucía", "",
                               expected_hash="0" * 64, today=TODAY)


def test_no_prospects_while_the_store_does_not_know_the_campaign(store: Store, campaign: Campaign) -> None:
    with store.transaction() as session:
        assert template_drafts.market_prospects(session, campaign, "es-MX") == []


def test_prospects_to_preview_for_are_the_first_few_of_the_market(store: Store, campaign: Campaign) -> None:
    with store.transaction() as session:
        campaign_id = register_campaign(session, campaign, "lead")
        for number in range(3):
            session.add(prospect(id=None, campaign_id=campaign_id, identity=f"d{number}.mx", domain=f"d{number}.mx"))
        session.add(prospect("es-ES", id=None, campaign_id=campaign_id, identity="d.es", domain="d.es"))
    with store.transaction() as session:
        shown = template_drafts.market_prospects(session, campaign, "es-MX", limit=2)
        assert [item.domain for item in shown] == ["d0.mx", "d1.mx"]
        assert [item.domain for item in template_drafts.market_prospects(session, campaign, "es-ES")] == ["d.es"]
