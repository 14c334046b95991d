"""Import, dedupe and request workflows in the app, each asserted on the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select
from textual.widgets import DataTable, Input, OptionList, ProgressBar, Select

from outreach.core.models import LinkRequest, Prospect, ProspectAlias, RuleOverride
from outreach.core.outbox_tables import OutboxMessage
from outreach.core.prospects import count_prospects
from outreach.tui import scheduling
from outreach.tui.app import make_app
from outreach.tui.panes.dedupe import DedupePane
from outreach.tui.panes.imports import ImportPane
from outreach.tui.panes.requests import RequestsPane
from outreach.tui.screens.preview import PreviewScreen
from outreach.tui.screens.prompts import ReasonScreen
from outreach.tui.workspace import Workspace
from tests.tui.workspaces import demo_workspace, messages, settle, titles

PAGE = "https://www.tallyro.com/mx/nomina/"


def prospects_in(workspace: Workspace, market: str) -> int:
    with workspace.store.transaction() as session:
        return count_prospects(session, workspace.store.campaign_id(workspace.campaign), market)


async def test_import_a_picked_file_with_progress(demo_dir: Path, sqlite_url: str) -> None:
    workspace = demo_workspace(demo_dir, sqlite_url, ())
    app = make_app(workspace=workspace, first_pane="import")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        files = app.query_one("#import-files", OptionList)
        labels = [str(files.get_option_at_index(i).prompt) for i in range(files.option_count)]
        files.highlighted = labels.index("prospects/es-MX.csv")
        files.focus()
        await pilot.press("enter", "ctrl+s")
        await settle(pilot)
        pane = app.query_one(ImportPane)
        assert pane.last_report is not None and pane.last_report.new == 18
        bar = app.query_one("#import-progress", ProgressBar)
        assert bar.total == pane.last_report.rows and bar.progress == bar.total
        assert titles(app) == ["Imported es-MX.csv"]
        assert app.query_one("#market-table", DataTable).get_row("es-MX")[3] == "18"  # other panes reloaded
    assert prospects_in(workspace, "es-MX") == 18


async def test_a_cancelled_import_writes_nothing(demo_dir: Path, sqlite_url: str) -> None:
    workspace = demo_workspace(demo_dir, sqlite_url, ())
    app = make_app(workspace=workspace, first_pane="import")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.query_one("#import-path", Input).value = "prospects/es-MX.csv"
        pane = app.query_one(ImportPane)
        pane.action_start()
        pane.action_cancel()  # before the worker's first progress report
        await settle(pilot)
        assert titles(app) == ["Import: cancelled"] and not pane.running
    assert prospects_in(workspace, "es-MX") == 0


async def test_a_missing_file_is_a_notification(demo_dir: Path, sqlite_url: str) -> None:
    app = make_app(workspace=demo_workspace(demo_dir, sqlite_url, ()), first_pane="import")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.query_one("#import-path", Input).value = "prospects/nowhere.csv"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert titles(app) == ["Import"] and "nowhere.csv" in messages(app)[0]


async def test_dedupe_shows_clusters_side_by_side_and_merges(demo_dir: Path, sqlite_url: str) -> None:
    workspace = demo_workspace(demo_dir, sqlite_url, ("es-MX",))
    before = prospects_in(workspace, "es-MX")
    app = make_app(workspace=workspace, first_pane="dedupe")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        pane = app.query_one(DedupePane)
        assert pane.view is not None and pane.view.clusters
        first = pane.view.clusters[0]
        members = app.query_one("#dedupe-members", DataTable)
        assert len(members.columns) == len(first.members) + 1
        assert {str(cell) for cell in members.get_row_at(0)[1:]} == {str(m["id"]) for m in first.members}
        assert str(app.query_one("#dedupe-clusters", DataTable).get_row_at(0)[2]) == f"{first.score:.2f}"
        await pilot.press("g")
        await settle(pilot)
        assert "Merged" in titles(app)
    assert prospects_in(workspace, "es-MX") == before - len(first.members) + 1
    with workspace.store.transaction() as session:
        assert len(session.exec(select(ProspectAlias)).all()) == len(first.members) - 1


async def test_dedupe_cancel_stops_before_storing(demo_dir: Path, sqlite_url: str) -> None:
    app = make_app(workspace=demo_workspace(demo_dir, sqlite_url, ("es-MX",)), first_pane="dedupe")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        pane = app.query_one(DedupePane)
        pane.action_find()
        pane.action_cancel()
        await settle(pilot)
        assert titles(app) == ["Dedupe: cancelled"] and pane.view is None and not pane.running


@pytest.fixture
def approved(demo_dir: Path, sqlite_url: str) -> Workspace:
    """es-MX imported and its pitch approved."""
    return demo_workspace(demo_dir, sqlite_url, ("es-MX",), approve=("es-MX",))


def strongest(workspace: Workspace, weakest: bool = False) -> int:
    """The es-MX prospect with the highest (or lowest) DR and an email."""
    with workspace.store.transaction() as session:
        rows = [p for p in session.exec(select(Prospect).where(Prospect.market == "es-MX")).all()
                if p.email and "dr" in p.metrics and p.locality == "local"]
    chosen = (min if weakest else max)(rows, key=lambda p: p.metrics["dr"])
    assert chosen.id is not None
    return chosen.id


async def compose(pilot: object, app: object, prospect: int, anchor: str) -> RequestsPane:
    """Pick the prospect, the es-MX payroll page and type the anchor."""
    pane = app.query_one(RequestsPane)  # type: ignore[attr-defined]
    pane.use_prospect(prospect)
    app.query_one("#request-page", Select).value = PAGE  # type: ignore[attr-defined]
    app.query_one("#request-anchor", Input).focus()  # type: ignore[attr-defined]
    await pilot.press(*anchor)  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    return pane  # type: ignore[no-any-return]


async def test_a_request_is_checked_live_saved_previewed_and_scheduled(
        approved: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUTREACH_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("OUTREACH_FROM", "Maria <maria@tallyro.com>")
    from outreach.settings import load_settings
    workspace = Workspace(load_settings(campaign=approved.settings.campaign,
                                        database_url=approved.settings.database_url, user="maria"),
                          approved.campaign, approved.store)
    prospect = strongest(workspace)
    app = make_app(workspace=workspace, first_pane="requests")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        pane = await compose(pilot, app, prospect, "Tallyro")
        verdict = str(app.query_one("#request-verdict").render())
        assert verdict.startswith("draft (not saved): PASS") or "WARN" in verdict.split("\n")[0], verdict
        assert "anchor: branded" in verdict
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, PreviewScreen)
        assert "Tallyro" in str(app.screen.query_one("#preview-body").render())
        await pilot.press("escape")
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert pane.request is not None and "(draft)" in str(app.query_one("#request-verdict").render())
        await pilot.press("ctrl+t")
        await settle(pilot)
    with workspace.store.transaction() as session:
        row = session.exec(select(LinkRequest)).one()
        assert (row.prospect_id, row.page_url, row.anchor, row.state) == (prospect, PAGE, "Tallyro", "scheduled")
        assert row.approved_by == "maria" and "Tallyro" in (row.body or "")
        queued = session.exec(select(OutboxMessage).where(OutboxMessage.request_id == row.id)).all()
        prospect_email = session.get(Prospect, prospect).email  # type: ignore[union-attr]
        assert queued and {message.recipient for message in queued} == {prospect_email}
    assert any(message.startswith(f"request #{row.id} scheduled") for message in messages(app))


async def test_a_block_needs_an_override_with_a_reason(approved: Workspace) -> None:
    prospect = strongest(approved)
    app = make_app(workspace=approved, first_pane="requests")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        pane = await compose(pilot, app, prospect, "software de nómina")
        await pilot.press("ctrl+n")
        await settle(pilot)
        blocking = [f.rule for f in pane.findings if f.blocks]
        assert blocking, [str(f) for f in pane.findings]
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, ReasonScreen)
        await pilot.press(*"ok", "enter")  # too short: refused on the screen
        assert isinstance(app.screen, ReasonScreen)
        await pilot.press(*" - the editor asked for this exact phrase", "enter")
        await settle(pilot)
        assert pane.findings and not [f for f in pane.findings if f.rule == blocking[0] and f.blocks]
    with approved.store.transaction() as session:
        override = session.exec(select(RuleOverride)).one()
        assert override.rule == blocking[0] and override.actor == "maria"
        assert override.reason == "ok - the editor asked for this exact phrase"


async def test_schedule_without_sending_says_so(approved: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scheduling, "SCHEDULE", None)
    app = make_app(workspace=approved, first_pane="requests")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await compose(pilot, app, strongest(approved), "Tallyro")
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert scheduling.NOT_SET_UP in messages(app)
    with approved.store.transaction() as session:
        assert session.exec(select(LinkRequest)).one().state == "draft"
