"""What every screen and pane of the app works on: settings, the open campaign and the store."""

from __future__ import annotations

from dataclasses import dataclass

from outreach.core.campaign import Campaign
from outreach.core.store import Store
from outreach.settings import Settings


@dataclass(frozen=True)
class Workspace:
    """The loaded settings, the validated campaign and an open store, shared by every pane."""

    settings: Settings
    campaign: Campaign
    store: Store
