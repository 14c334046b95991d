"""What the rules read: the request being checked, and a snapshot of the store taken once per batch."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlsplit

from outreach.core.anchors import AnchorClass
from outreach.core.campaign import Campaign, Market, TargetPage
from outreach.core.places import PlaceIndex


@dataclass(frozen=True)
class ProspectFacts:
    """The prospect fields the rules need."""

    id: int
    domain: str
    email: str | None
    language: str | None
    language_source: str
    country: str | None
    locality: str
    metrics: dict[str, float]
    do_not_contact: bool
    stage: str
    outlet: str | None = None

    @property
    def label(self) -> str:
        """How messages name the prospect."""
        return self.outlet or self.domain


@dataclass(frozen=True)
class Subject:
    """One link request as the rules see it."""

    request_id: int | None
    market: Market
    page_url: str
    page: TargetPage | None
    anchor: str
    anchor_class: AnchorClass
    anchor_keyword: str | None
    context: str | None
    context_language: str | None
    template: str
    prospect: ProspectFacts
    locality: str
    """The source's locality for this market as the request counts it."""
    counted_on: date | None = None
    """Set when the request is already in the tallies (approved or later): it is not counted twice."""

    @property
    def page_label(self) -> str:
        """`es-MX /mx/nomina/`: how messages name the URL version."""
        return f"{self.market.tag} {urlsplit(self.page_url).path or '/'}"


@dataclass(frozen=True)
class TemplateState:
    """Whether a market's template may be sent, and why not."""

    approved: bool
    locale: str
    """The locale folder the template comes from (the market's, or an ancestor's)."""
    detail: str


@dataclass(frozen=True)
class Contact:
    """A recent or open pitch to the same domain or address, in any campaign of the store."""

    request_id: int
    campaign: str
    state: str
    pitched_at: datetime | None


@dataclass
class Snapshot:
    """Aggregates and lists read once for a batch of checks."""

    campaign: Campaign
    now: datetime
    places: PlaceIndex
    classes: dict[str, Counter[str]] = field(default_factory=dict)
    """Anchor classes per page URL (live placements and open requests)."""
    localities: dict[str, Counter[str]] = field(default_factory=dict)
    """Local/global/unknown sources per page URL."""
    daily: dict[tuple[str, str], Counter[date]] = field(default_factory=dict)
    """Links per (market, kind) per day, kind being `placement` or `request`."""
    exact_keywords: dict[str, Counter[str]] = field(default_factory=dict)
    """Folded exact-match anchor keywords per page URL."""
    since_launch: dict[str, int] = field(default_factory=dict)
    """Links per market counted since its launch date."""
    dnc_emails: set[str] = field(default_factory=set)
    dnc_domains: set[str] = field(default_factory=set)
    suppressed: set[str] = field(default_factory=set)
    """Digests of suppressed emails and domains."""
    contacts: dict[str, list[Contact]] = field(default_factory=dict)
    """Pitches by `domain:<d>` and `email:<e>` keys: open ones and those within the cooldown."""
    templates: dict[tuple[str, str], TemplateState] = field(default_factory=dict)
    """(market tag, template name) → its approval state."""

    @property
    def today(self) -> date:
        """The snapshot's day (UTC)."""
        return self.now.date()
