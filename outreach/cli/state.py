"""What every command shares: settings, the campaign and the store, each opened on first use."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import typer

from outreach.core.campaign import Campaign
from outreach.core.campaign_file import load_campaign
from outreach.core.store import Store
from outreach.settings import Settings


@dataclass
class State:
    """Lazily opened campaign and store for one command invocation."""

    settings: Settings
    _campaign: Campaign | None = field(default=None, repr=False)
    _store: Store | None = field(default=None, repr=False)

    @property
    def workspace(self) -> Path:
        """The campaign workspace folder."""
        return self.settings.campaign

    @property
    def campaign(self) -> Campaign:
        """The workspace's campaign, loaded and validated once."""
        if self._campaign is None:
            self._campaign = load_campaign(self.workspace)
        return self._campaign

    def campaign_id(self) -> int:
        """The campaign's row in the store; the campaign is validated before the store is touched."""
        campaign = self.campaign
        return self.store.campaign_id(campaign)

    @property
    def store(self) -> Store:
        """The store, opened (and migrated, if allowed) once."""
        if self._store is None:
            self._store = Store.open(self.settings.database_url_or_default(), self.settings.user,
                                     migrate=self.settings.auto_migrate)
        return self._store


def state(ctx: typer.Context) -> State:
    """The State the root callback stored on the context."""
    found = ctx.find_root().obj
    assert isinstance(found, State), "the root callback sets the state"
    return found
