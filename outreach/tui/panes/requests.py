"""Compose a link request: pick a prospect, a page and an anchor with the live rule verdict beside them."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from outreach.core import prospect_pages, requests
from outreach.core.findings import NOT_OVERRIDABLE, Finding
from outreach.core.models import LinkRequest
from outreach.core.previews import load_prospect
from outreach.core.prospect_pages import Listing
from outreach.core.request_drafts import Draft, approve_stored, check_draft, check_stored, pitch_preview
from outreach.core.templates import RenderedMessage
from outreach.tui import scheduling
from outreach.tui.notices import guarded
from outreach.tui.screens.preview import PreviewScreen
from outreach.tui.screens.prompts import ReasonScreen
from outreach.tui.verdicts import verdict_text
from outreach.tui.workspace import Workspace

DEBOUNCE = 0.2
"""Seconds of quiet before the verdict is worked out again."""


class RequestsPane(Widget):
    """A draft request with its live verdict; store it, override a block, preview, approve, schedule."""

    PANE_ID = "requests"
    PANE_TITLE = "Requests"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "create", "Save draft", id="requests.create",
                tooltip="Store the request as a draft (checked by the rule gate)"),
        Binding("ctrl+o", "override", "Override", id="requests.override",
                tooltip="Let one blocking rule through for this request, with a reason"),
        Binding("f3", "preview", "Preview", id="requests.preview",
                tooltip="The localised pitch exactly as it would be sent"),
        Binding("ctrl+g", "approve", "Approve", id="requests.approve",
                tooltip="Approve the stored draft (only past the rule gate)"),
        Binding("ctrl+t", "schedule", "Schedule", id="requests.schedule",
                tooltip="Approve if needed, then schedule the pitch in the recipient's business hours"),
    ]

    def __init__(self, workspace: Workspace, *, now: datetime | None = None) -> None:
        super().__init__(id="requests-pane")
        self.workspace = workspace
        self._now = now
        self.market = next(iter(workspace.campaign.markets), "")
        self.prospect_id: int | None = None
        self.request: LinkRequest | None = None
        self.findings: list[Finding] = []
        self._debounce: Timer | None = None
        self._searching: Timer | None = None

    def compose(self) -> ComposeResult:
        """The draft's fields on the left, the verdict on the right."""
        with Horizontal(id="request-columns"):
            with Vertical(id="request-fields"):
                yield Input(placeholder="prospect: #id, domain or email", id="request-prospect", compact=True)
                yield OptionList(id="request-matches", compact=True)
                yield Label("no prospect chosen", id="request-chosen")
                yield Select(self._page_choices(), value=self._first_page(), allow_blank=True,
                             prompt="target page", id="request-page",
                             compact=True)
                yield Input(placeholder="anchor text", id="request-anchor", compact=True)
                yield Input(placeholder="text around the anchor (optional)", id="request-context",
                            compact=True)
            with VerticalScroll(id="request-verdict-box"):
                yield Static("the verdict appears as you type", id="request-verdict")

    def _page_choices(self) -> list[tuple[str, str]]:
        """Every target page, labelled with its market; the current market's first."""
        pages = sorted(self.workspace.campaign.pages, key=lambda page: page.market != self.market)
        return [(f"{page.market} {page.url.split('//', 1)[-1].split('/', 1)[-1] or '/'}", page.url)
                for page in pages]

    def _first_page(self) -> str | Any:
        """The market's first target page (the usual choice), or no choice when it has none."""
        pages = self.workspace.campaign.market(self.market).pages if self.market else ()
        return pages[0].url if pages else Select.BLANK

    def show_market(self, tag: str) -> None:
        """Offer this market's pages first, its first page chosen."""
        if tag == self.market:
            return
        self.market = tag
        select = self.query_one("#request-page", Select)
        select.set_options(self._page_choices())
        select.value = self._first_page()

    @on(Input.Submitted, "#request-prospect")
    def _prospect_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if text.lstrip("#").isdigit():
            self.use_prospect(int(text.lstrip("#")))

    def reload(self) -> None:
        """Work the verdict out again (the store may have changed)."""
        self._changed()

    def use_prospect(self, prospect_id: int) -> None:
        """Start a request for this prospect."""
        self.query_one("#request-prospect", Input).value = f"#{prospect_id}"
        self._choose(prospect_id)
        self.query_one("#request-anchor", Input).focus()

    @on(Input.Changed, "#request-prospect")
    def _prospect_typed(self, event: Input.Changed) -> None:
        if self._searching is not None:
            self._searching.stop()
        if self.prospect_id is not None and event.value.strip() == f"#{self.prospect_id}":
            return  # use_prospect wrote it: nothing to look up
        self._searching = self.set_timer(DEBOUNCE, lambda: self._search(event.value.strip()))

    @work(thread=True, exclusive=True, group="request-search")
    def _search(self, text: str) -> None:
        """Prospects of the market matching the text (an `#id` picks one directly)."""
        if text.lstrip("#").isdigit():
            self.app.call_from_thread(self._choose, int(text.lstrip("#")))
            return
        workspace = self.workspace

        def find() -> list[prospect_pages.ListingRow]:
            campaign_id = workspace.store.campaign_id(workspace.campaign)
            with workspace.store.transaction() as session:
                return prospect_pages.page(session, Listing(campaign_id, self.market, text, limit=5)).rows

        rows = guarded(self, "Cannot find prospects", find) if text else []
        if rows is not None and not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._matches, rows)

    def _matches(self, rows: list[prospect_pages.ListingRow]) -> None:
        """List the matches to pick from."""
        options = self.query_one("#request-matches", OptionList)
        options.clear_options()
        options.add_options([Option(f"#{row.id} {row.domain} {row.email or ''}", id=str(row.id))
                             for row in rows])

    @on(OptionList.OptionSelected, "#request-matches")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self._choose(int(event.option.id))

    def _choose(self, prospect_id: int) -> None:
        """Make this the request's prospect."""
        self.prospect_id = prospect_id
        self.query_one("#request-matches", OptionList).clear_options()
        self._describe_prospect(prospect_id)
        self._changed()

    @work(thread=True, group="request-prospect")
    def _describe_prospect(self, prospect_id: int) -> None:
        """Name the chosen prospect under the search box."""
        workspace = self.workspace

        def describe() -> str:
            campaign_id = workspace.store.campaign_id(workspace.campaign)
            with workspace.store.transaction() as session:
                found = load_prospect(session, campaign_id, prospect_id)
                return f"#{found.id} {found.domain} {found.email or ''} ({found.market}, {found.locality})"

        label = guarded(self, "No such prospect", describe)
        self.app.call_from_thread(self.query_one("#request-chosen", Label).update,
                                  label or "no prospect chosen")

    @on(Select.Changed, "#request-page")
    @on(Input.Changed, "#request-anchor")
    @on(Input.Changed, "#request-context")
    def _changed(self) -> None:
        """Any field changed: the stored draft no longer describes it; check again soon."""
        self.request = None
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(DEBOUNCE, self.check)

    def draft(self) -> Draft | None:
        """The request as composed, or None while something is missing."""
        page = self.query_one("#request-page", Select).value
        anchor = self.query_one("#request-anchor", Input).value
        context = self.query_one("#request-context", Input).value.strip() or None
        if self.prospect_id is None or not isinstance(page, str) or not anchor.strip():
            return None
        return Draft(self.prospect_id, page, anchor, context)

    def check(self) -> None:
        """Work out the verdict of the draft (or of the stored request) now."""
        draft = self.draft()
        if draft is None:
            self.query_one("#request-verdict", Static).update("pick a prospect, a page and an anchor")
            return
        self._check(draft, self.request)

    @work(thread=True, exclusive=True, group="request-check")
    def _check(self, draft: Draft, stored: LinkRequest | None) -> None:
        """The gate's findings, read in a transaction that writes nothing."""
        workspace = self.workspace

        def run() -> tuple[list[Finding], str]:
            campaign_id = workspace.store.campaign_id(workspace.campaign)
            with workspace.store.transaction() as session:
                if stored is not None:
                    row = requests.get(session, campaign_id, stored.id or 0)
                    found = check_stored(session, workspace.campaign, campaign_id, row, now=self._now)
                    return found, row.anchor_class
                verdict = check_draft(session, workspace.campaign, campaign_id, draft, now=self._now)
                return verdict.findings, f"{verdict.anchor_class} ({verdict.anchor_reason})"

        found = guarded(self, "Cannot check", run)
        if found is not None and not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_verdict, *found)

    def _show_verdict(self, findings: list[Finding], anchor: str) -> None:
        """The verdict, rule by rule, with the numbers behind it."""
        self.findings = findings
        title = f"request #{self.request.id} ({self.request.state})" if self.request else "draft (not saved)"
        self.query_one("#request-verdict", Static).update(verdict_text(title, anchor, findings))

    def action_create(self) -> None:
        """Store the draft."""
        draft = self.draft()
        if draft is None:
            self.notify("pick a prospect, a page and an anchor first", title="Request", severity="warning")
            return
        self._store(draft)

    @work(thread=True, exclusive=True, group="request-write")
    def _store(self, draft: Draft) -> None:
        """Create the draft request (audited)."""
        workspace = self.workspace

        def run() -> LinkRequest:
            campaign_id = workspace.store.campaign_id(workspace.campaign)
            with workspace.store.transaction() as session:
                return requests.create(session, workspace.campaign, campaign_id,
                                       prospect_id=draft.prospect_id, page_url=draft.page_url,
                                       anchor=draft.anchor, context=draft.context,
                                       actor=workspace.store.actor)

        stored = guarded(self, "Cannot save the request", run)
        if stored is not None:
            self.app.call_from_thread(self._stored, stored, f"request #{stored.id} saved as a draft")

    def _stored(self, stored: LinkRequest, message: str) -> None:
        """Remember the stored request and show its findings."""
        if self._debounce is not None:
            self._debounce.stop()
        self.request = stored
        self.notify(message, title="Request")
        draft = self.draft()
        if draft is not None:
            self._check(draft, stored)

    def action_override(self) -> None:
        """Ask which block to lift and why."""
        if self.request is None:
            self.notify("save the draft first (ctrl+n)", title="Override", severity="warning")
            return
        rules = [f.rule for f in self.findings if f.blocks and f.rule not in NOT_OVERRIDABLE]
        if not rules:
            self.notify("nothing to override: no block a reason can lift", title="Override")
            return
        request_id = self.request.id or 0
        self.app.push_screen(ReasonScreen(f"Override a block on request #{request_id}", "why (audited)",
                                          [(rule, rule) for rule in rules]),
                             partial(self._override_given, request_id))

    def _override_given(self, request_id: int, answer: tuple[str, str] | None) -> None:
        """The override screen's answer: (rule, reason)."""
        if answer:
            self._override(request_id, *answer)

    @work(thread=True, exclusive=True, group="request-write")
    def _override(self, request_id: int, rule: str, reason: str) -> None:
        """Record the override, then check again."""
        workspace = self.workspace

        def run() -> LinkRequest:
            campaign_id = workspace.store.campaign_id(workspace.campaign)
            with workspace.store.transaction() as session:
                row = requests.get(session, campaign_id, request_id)
                requests.override(session, row, rule, reason, workspace.store.actor)
                return row

        row = guarded(self, "Cannot override", run)
        if row is not None:
            self.app.call_from_thread(self._stored, row, f"{rule} overridden on request #{request_id}")

    def action_preview(self) -> None:
        """Show the pitch this request would send."""
        draft = self.draft()
        if draft is not None:
            self._preview(draft)

    @work(thread=True, exclusive=True, group="request-preview")
    def _preview(self, draft: Draft) -> None:
        """Render the pitch in the market's language."""
        workspace = self.workspace

        def run() -> RenderedMessage:
            campaign_id = workspace.store.campaign_id(workspace.campaign)
            with workspace.store.transaction() as session:
                return pitch_preview(session, workspace.campaign, campaign_id, draft)

        message = guarded(self, "Cannot render the pitch", run)
        if message is not None:
            title = f"{message.market} {message.message} (from {message.body_source.folder})"
            self.app.call_from_thread(self.app.push_screen, PreviewScreen(title, message))

    def action_approve(self) -> None:
        """Approve the stored draft."""
        if self.request is None:
            self.notify("save the draft first (ctrl+n)", title="Approve", severity="warning")
            return
        self._approve(self.request.id or 0, schedule=False)

    def action_schedule(self) -> None:
        """Approve the stored request if it is a draft, then hand it to the sending core."""
        if scheduling.SCHEDULE is None:
            self.notify(scheduling.NOT_SET_UP, title="Schedule", severity="warning")
            return
        if self.request is None:
            self.notify("save the draft first (ctrl+n)", title="Schedule", severity="warning")
            return
        self._approve(self.request.id or 0, schedule=True)

    @work(thread=True, exclusive=True, group="request-write")
    def _approve(self, request_id: int, *, schedule: bool) -> None:
        """Approve (past the gate) and, when asked, schedule, in one transaction."""
        workspace = self.workspace

        def run() -> tuple[LinkRequest, str]:
            campaign_id = workspace.store.campaign_id(workspace.campaign)
            with workspace.store.transaction() as session:
                row = requests.get(session, campaign_id, request_id)
                if row.state == "draft":
                    approve_stored(session, workspace.campaign, campaign_id, row, workspace.store.actor)
                said = f"request #{request_id} approved"
                if schedule and scheduling.SCHEDULE is not None:
                    said = scheduling.SCHEDULE(session, workspace, request_id)
                session.refresh(row)
                return row, said

        done = guarded(self, "Schedule" if schedule else "Approve", run)
        if done is not None:
            self.app.call_from_thread(self._stored, *done)

