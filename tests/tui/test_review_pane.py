"""The review pane in a host app: edit, preview, QA, save, approve and reject, on a copy of the demo."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input, Markdown, OptionList, Select, Static, TextArea

from outreach.core import review
from outreach.core.campaign_file import load_campaign
from outreach.core.models import AuditEntry, Prospect, TemplateReview
from outreach.core.prospects import ImportOptions, import_file
from outreach.core.store import Store
from outreach.settings import load_settings
from outreach.tui.panes.review import ReviewPane
from outreach.tui.workspace import Workspace

TODAY = date(2026, 11, 20)
PITCH = Path("locales", "es-MX", "pitch.j2")


class Host(App[None]):
    """Just the pane."""

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace

    def compose(self) -> ComposeResult:
        yield ReviewPane(self.workspace, today=TODAY)


@pytest.fixture
def workspace_dir(demo_dir: Path, tmp_path: Path) -> Path:
    """A copy of the demo workspace, so edits never touch the repository."""
    target = tmp_path / "workspace"
    target.mkdir()
    shutil.copy(demo_dir / "campaign.toml", target)
    for folder in ("locales", "briefs", "prospects"):
        shutil.copytree(demo_dir / folder, target / folder)
    return target


def _workspace(folder: Path, sqlite_url: str) -> Workspace:
    settings = load_settings(campaign=folder, database_url=sqlite_url, user="ana")
    campaign = load_campaign(folder)
    store = Store.open(sqlite_url, "ana")
    with store.transaction() as session:
        import_file(session, campaign, store.campaign_id(campaign), folder / "prospects" / "es-MX.csv",
                    ImportOptions("es-MX"), "ana")
    return Workspace(settings, campaign, store)


async def _settle(pilot: Pilot[None]) -> None:
    """Let the debounce fire and every worker finish (a newer check cancels an older one)."""
    await pilot.pause(0.4)
    for _ in range(3):
        while any(worker.is_running for worker in pilot.app.workers):
            await pilot.pause(0.05)
        await pilot.pause()


def _text(app: App[None], selector: str) -> str:
    return str(app.query_one(selector, Static).render())


def _findings(app: App[None]) -> list[str]:
    findings = app.query_one("#review-findings", OptionList)
    return [str(findings.get_option_at_index(index).prompt) for index in range(findings.option_count)]


def _reviews(workspace: Workspace) -> list[TemplateReview]:
    with workspace.store.transaction() as session:
        rows = list(session.exec(select(TemplateReview)).all())
        session.expunge_all()
    return rows


async def _type_at_end(pilot: Pilot[None], text: str) -> None:
    editor = pilot.app.query_one("#review-editor", TextArea)
    editor.focus()
    editor.move_cursor(editor.document.end)
    await pilot.press(*text)


async def test_edit_preview_save_and_approve(workspace_dir: Path, sqlite_url: str) -> None:
    workspace = _workspace(workspace_dir, sqlite_url)
    app = Host(workspace)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(pilot)
        editor = app.query_one("#review-editor", TextArea)
        assert editor.text == (workspace_dir / PITCH).read_text(encoding="utf-8")
        assert (editor.language, editor.is_syntax_aware) == ("jinja", True)
        assert app.query_one("#review-templates", OptionList).option_count == 4
        assert "Subject: " in _text(app, "#review-preview")
        assert app.query_one("#review-prospect", Select).value == 0
        assert _text(app, "#review-preview").startswith("pitch for #1 ")
        assert _findings(app) == []

        await _type_at_end(pilot, "PD:  gracias")
        await _settle(pilot)
        assert "PD:  gracias" in _text(app, "#review-preview")
        last_line = editor.document.line_count
        assert any(f"line {last_line} warning [double-space]" in line for line in _findings(app))
        assert "edited, not saved" in _text(app, "#review-status")

        await pilot.press("ctrl+s")
        await _settle(pilot)
        saved = (workspace_dir / PITCH).read_text(encoding="utf-8")
        assert saved.endswith("PD:  gracias")
        assert "edited, not saved" not in _text(app, "#review-status")

        await pilot.click("#review-comment")
        await pilot.press(*"Natural y correcto")
        await pilot.press("ctrl+o")
        await _settle(pilot)

    [decision] = _reviews(workspace)
    assert (decision.market, decision.template, decision.decision) == ("es-MX", "pitch", "approved")
    assert (decision.reviewer, decision.comment) == ("ana", "Natural y correcto")
    with workspace.store.transaction() as session:
        state = review.approval_state(session, workspace.campaign, "es-MX", "pitch")
        actions = session.exec(select(AuditEntry.action).where(AuditEntry.object_id == "es-MX/pitch")).all()
    assert state.state == "approved"
    assert decision.content_hash == state.source.content_hash if state.source else False
    assert actions == ["template.approve"]


async def test_qa_error_blocks_approval(workspace_dir: Path, sqlite_url: str) -> None:
    workspace = _workspace(workspace_dir, sqlite_url)
    app = Host(workspace)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(pilot)
        await _type_at_end(pilot, "TODO")
        await _settle(pilot)
        assert any("error [placeholder]" in line and "'TODO'" in line for line in _findings(app))
        findings = app.query_one("#review-findings", OptionList)
        findings.focus()
        findings.highlighted = next(index for index, line in enumerate(_findings(app)) if "TODO" in line)
        await pilot.press("enter")
        await pilot.pause()
        editor = app.query_one("#review-editor", TextArea)
        assert editor.has_focus
        assert editor.cursor_location == (editor.document.line_count - 1, 0)
        await pilot.press("ctrl+s")
        await _settle(pilot)
        await pilot.press("ctrl+o")
        await _settle(pilot)
        titles = [note.title for note in app._notifications]
    assert "Not approved" in titles
    assert _reviews(workspace) == []


async def test_reject_needs_a_comment(workspace_dir: Path, sqlite_url: str) -> None:
    workspace = _workspace(workspace_dir, sqlite_url)
    app = Host(workspace)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(pilot)
        templates = app.query_one("#review-templates", OptionList)
        templates.focus()
        await pilot.press("home")
        await _settle(pilot)
        editor = app.query_one("#review-editor", TextArea)
        assert editor.text == (workspace_dir / "locales" / "es-MX" / "subject.j2").read_text(encoding="utf-8")
        await pilot.click("#review-reject")
        await _settle(pilot)
        assert _reviews(workspace) == []
        assert any("needs a comment" in note.message for note in app._notifications)

        await pilot.click("#review-comment")
        await pilot.press(*"Demasiado largo")
        await pilot.click("#review-reject")
        await _settle(pilot)
        assert "rejected by ana" in _text(app, "#review-status")
        assert "«Demasiado largo»" in _text(app, "#review-status")
        assert app.query_one("#review-comment", Input).value == ""

    [decision] = _reviews(workspace)
    assert (decision.template, decision.decision, decision.comment) == ("subject", "rejected", "Demasiado largo")


async def test_a_syntax_error_is_a_notification_and_the_file_is_untouched(
        workspace_dir: Path, sqlite_url: str) -> None:
    before = (workspace_dir / PITCH).read_bytes()
    app = Host(_workspace(workspace_dir, sqlite_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(pilot)
        await _type_at_end(pilot, "{% if %}")
        await _settle(pilot)
        line = app.query_one("#review-editor", TextArea).document.line_count
        assert any(f"line {line} error [syntax]" in finding for finding in _findings(app))
        await pilot.press("ctrl+s")
        await _settle(pilot)
        [note] = app._notifications
    assert note.title == "Not saved"
    assert f"{workspace_dir / PITCH}:{line}:" in note.message
    assert "Traceback" not in note.message
    assert (workspace_dir / PITCH).read_bytes() == before
    assert not list((workspace_dir / PITCH).parent.glob(".pitch.j2.*"))


async def test_an_edit_after_approval_unapproves(workspace_dir: Path, sqlite_url: str) -> None:
    workspace = _workspace(workspace_dir, sqlite_url)
    app = Host(workspace)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(pilot)
        await pilot.press("ctrl+o")
        await _settle(pilot)
        assert "approved by ana" in _text(app, "#review-status")
        label = str(app.query_one("#review-templates", OptionList).get_option_at_index(1).prompt)
        assert label == "✓ pitch"

        await _type_at_end(pilot, "Saludos")
        await _settle(pilot)
        await pilot.press("ctrl+o")
        await _settle(pilot)
        assert [note.title for note in app._notifications][-1] == "Unsaved changes"
        await pilot.press("ctrl+s")
        await _settle(pilot)
        status = _text(app, "#review-status")
        assert "needs review" in status
        assert "changed since approved by ana" in status
        label = str(app.query_one("#review-templates", OptionList).get_option_at_index(1).prompt)
        assert label == "• pitch"

    with workspace.store.transaction() as session:
        approval = review.message_approval(session, workspace.campaign, "es-MX", "pitch")
    assert not approval.sendable
    assert "es-MX pitch is needs review" in approval.reasons


async def test_brief_is_shown_when_wide_and_toggled_when_narrow(workspace_dir: Path, sqlite_url: str) -> None:
    app = Host(_workspace(workspace_dir, sqlite_url))
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        brief = app.query_one("#review-brief-scroll")
        assert not brief.display
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert brief.display
        assert "salario_minimo_diario" in app.query_one("#review-brief", Markdown).source
        await pilot.resize_terminal(140, 40)
        await pilot.pause()
        assert not brief.display
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert brief.display


async def test_show_market_switches_and_unsaved_edits_wait(workspace_dir: Path, sqlite_url: str) -> None:
    before = (workspace_dir / PITCH).read_text(encoding="utf-8")
    app = Host(_workspace(workspace_dir, sqlite_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(pilot)
        await _type_at_end(pilot, "Hasta pronto")
        pane = app.query_one(ReviewPane)
        pane.show_market("de-DE")
        await _settle(pilot)
        editor = app.query_one("#review-editor", TextArea)
        assert editor.text == (workspace_dir / "locales" / "de-DE" / "pitch.j2").read_text(encoding="utf-8")
        assert _text(app, "#review-preview").startswith("pitch for sample prospect: Example Media")
        assert "de-DE · pitch" in _text(app, "#review-status")
        pane.show_market("xx-XX")
        await pilot.pause()
        assert [note.title for note in app._notifications] == ["Cannot review"]

        pane.show_market("es-MX")
        await _settle(pilot)
        assert editor.text == before + "Hasta pronto"
        assert "edited, not saved" in _text(app, "#review-status")
        label = str(app.query_one("#review-templates", OptionList).get_option_at_index(1).prompt)
        assert label == "• pitch *"
    assert (workspace_dir / PITCH).read_text(encoding="utf-8") == before


async def test_markup_in_prospect_data_is_shown_as_text(workspace_dir: Path, sqlite_url: str) -> None:
    workspace = _workspace(workspace_dir, sqlite_url)
    with workspace.store.transaction() as session:
        session.add(Prospect(campaign_id=workspace.store.campaign_id(workspace.campaign), market="de-DE",
                             identity="x.de", domain="x.de", outlet="[b]Zeitung[/b] [link=x]", first_name="[red]"))
    app = Host(workspace)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(pilot)
        app.query_one(ReviewPane).show_market("de-DE")
        await _settle(pilot)
        assert _text(app, "#review-preview").startswith("pitch for #")
        assert "[b]Zeitung[/b] [link=x]" in _text(app, "#review-preview")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_review_pane_snapshot(workspace_dir: Path, sqlite_url: str, snap_compare: Any,
                              size: tuple[int, int]) -> None:
    assert snap_compare(Host(_workspace(workspace_dir, sqlite_url)), terminal_size=size, run_before=_settle)
