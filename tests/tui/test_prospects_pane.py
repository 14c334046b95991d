"""The prospect table: filter as you type, sort, keyset pages, stage changes and do-not-contact, on the DB."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlmodel import col, select
from textual.widgets import DataTable, Input

from outreach.core.models import DoNotContact, Prospect, ProspectEvent
from outreach.core.prospect_pages import ListingPage
from outreach.tui.app import make_app
from outreach.tui.panes import prospects as prospects_module
from outreach.tui.panes.prospects import ProspectsPane
from outreach.tui.screens.prompts import ChoiceScreen, ReasonScreen
from outreach.tui.workspace import Workspace
from tests.tui.workspaces import demo_workspace, settle


def shown(app: object) -> list[str]:
    """Domains in the table, top to bottom."""
    table = app.query_one("#prospect-table", DataTable)  # type: ignore[attr-defined]
    return [str(table.get_row_at(index)[0]) for index in range(table.row_count)]


def market_domains(workspace: Workspace, market: str = "es-MX", text: str = "") -> list[str]:
    """The market's domains as the store has them, in domain then id order, where any field has `text`."""
    with workspace.store.transaction() as session:
        rows = session.exec(select(Prospect).where(Prospect.market == market)
                            .order_by(col(Prospect.domain), col(Prospect.id))).all()
        return [row.domain for row in rows
                if any(text in (value or "").lower() for value in (row.domain, row.outlet, row.contact_name,
                                                                   row.email))]


@pytest.fixture
def workspace(demo_dir: Path, sqlite_url: str) -> Workspace:
    return demo_workspace(demo_dir, sqlite_url, ("es-MX", "es-ES"))


async def test_table_shows_a_market_with_inferences_and_filters_as_you_type(workspace: Workspace) -> None:
    app = make_app(workspace=workspace, first_pane="prospects")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert shown(app) == market_domains(workspace)
        row = app.query_one("#prospect-table", DataTable).get_row_at(0)
        assert " · " in str(row[2]) and " · " in str(row[3])  # country and language say how they were found
        assert str(row[7]) == "never"
        await pilot.press("slash", *"diario")
        await settle(pilot)
        assert shown(app) == market_domains(workspace, text="diario")
        assert 0 < len(shown(app)) < len(market_domains(workspace))
        assert "es-MX" in str(app.query_one("#prospect-status").render())
        app.query_one("#prospect-filter", Input).value = "%"
        await pilot.pause(0.3)
        await settle(pilot)
        assert shown(app) == []  # wildcards are literal characters, not patterns


async def test_sorting_by_a_column_and_again_reverses(workspace: Workspace) -> None:
    app = make_app(workspace=workspace, first_pane="prospects")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        pane = app.query_one(ProspectsPane)
        pane.sort_by("domain")
        await settle(pilot)
        assert shown(app) == sorted(market_domains(workspace), reverse=True)
        pane.sort_by("dr")
        await settle(pilot)
        with workspace.store.transaction() as session:
            rows = session.exec(select(Prospect).where(Prospect.market == "es-MX")).all()
            expected = sorted(rows, key=lambda p: (-(p.metrics.get("dr") or -1), p.id))
            with_dr = [p.domain for p in expected if "dr" in p.metrics]
        assert shown(app)[:len(with_dr)] == with_dr


async def test_keyset_pages_walk_forward_and_back(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prospects_module, "PAGE", 5)
    app = make_app(workspace=workspace, first_pane="prospects")
    everything = market_domains(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        page = shown(app)
        seen = list(page)
        for _ in range(10):
            await pilot.press("right_square_bracket")
            await settle(pilot)
            if shown(app) == page:  # the last page: `]` stays put
                break
            page = shown(app)
            seen += page
        assert seen == everything and len(everything) > 10
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert len(shown(app)) == 5


async def test_stage_change_and_do_not_contact_are_written_to_the_store(workspace: Workspace) -> None:
    app = make_app(workspace=workspace, first_pane="prospects")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        pane = app.query_one(ProspectsPane)
        chosen = pane.selected()
        assert chosen is not None
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("down", "enter")  # new → qualified
        await settle(pilot)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ReasonScreen)
        await pilot.press(*"asked us never to write again", "enter")
        await settle(pilot)
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("down", "down", "enter")  # pitched: refused for a do-not-contact prospect
        await settle(pilot)
    with workspace.store.transaction() as session:
        prospect = session.get(Prospect, chosen)
        assert prospect is not None
        assert (prospect.stage, prospect.do_not_contact) == ("qualified", True)
        entry = session.exec(select(DoNotContact)).one()
        assert entry.value in (prospect.email, prospect.domain)
        assert entry.reason == "asked us never to write again" and entry.added_by == "maria"
        kinds = [event.kind for event in session.exec(select(ProspectEvent).where(
            ProspectEvent.prospect_id == chosen)).all()]
        assert kinds.count("stage") == 1 and "dnc" in kinds
    assert any("do-not-contact list and can never be pitched" in note.message for note in app._notifications)


async def test_a_burst_of_keys_ends_on_its_last_text_with_the_count_from_the_page(workspace: Workspace) -> None:
    app = make_app(workspace=workspace, first_pane="prospects")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        pane = app.query_one(ProspectsPane)
        pane.action_filter()
        for key in "diario":  # faster than the debounce: the last text wins, whatever finishes first
            pane.query_one("#prospect-filter", Input).insert_text_at_cursor(key)
        await pilot.pause(0.3)
        await settle(pilot)
        expected = market_domains(workspace, text="diario")
        assert pane.text == "diario" and shown(app) == expected
        assert str(app.query_one("#prospect-status").render()).startswith(f"es-MX · {len(expected)} ·")


async def test_a_page_for_a_filter_no_longer_typed_is_dropped(workspace: Workspace) -> None:
    app = make_app(workspace=workspace, first_pane="prospects")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        pane = app.query_one(ProspectsPane)
        before = shown(app)
        stale = replace(pane._listing(), text="zzz-not-typed")
        pane._show(stale, ListingPage([], None), 0.0)
        assert shown(app) == before
