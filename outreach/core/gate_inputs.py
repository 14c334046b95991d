"""What the rules read: the request being checked, and a snapshot of the store taken once per batch."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from outreach.core.anchors import AnchorClass
from outreach.core.campaign import Campaign, Market, TargetPage
from outreach.core.places import PlaceIndex
from outreach.core.tally import Pace, PageProfile

KINDS = ("placement", "request")

T = TypeVar("T")


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
    host: str | None = None
    """The site's full host when it says more than the domain (`blog.diario.mx`)."""

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
    profiles: dict[str, PageProfile] = field(default_factory=dict)
    """Anchor classes, localities and exact keywords per page URL (placements and open requests)."""
    pace: dict[tuple[str, str], Pace] = field(default_factory=dict)
    """Window, weekly and since-launch sums per (market, kind), kind being `placement` or `request`."""
    dnc_emails: set[str] = field(default_factory=set)
    dnc_domains: set[str] = field(default_factory=set)
    suppressed: set[str] = field(default_factory=set)
    """Suppressed addresses and domains among the checked contacts (the store keeps only digests)."""
    contacts: dict[str, list[Contact]] = field(default_factory=dict)
    """Pitches by `domain:<d>` and `email:<e>` keys: open ones and those within the cooldown."""
    templates: dict[tuple[str, str], TemplateState] = field(default_factory=dict)
    """(market tag, template name) → its approval state."""
    shared: dict[Hashable, Any] = field(default_factory=dict, repr=False)
    """Findings that depend only on inputs several requests share (a page, a market), by those inputs."""
    _memo: dict[Hashable, Any] = field(default_factory=dict, repr=False)

    def memo(self, key: Hashable, build: Callable[[], T]) -> T:
        """A value derived from the snapshot (a market's weekly totals), computed once per batch."""
        if key not in self._memo:
            self._memo[key] = build()
        return cast(T, self._memo[key])

    def window(self, market: str, kind: str, length: int) -> int:
        """A market's links of one kind in the last `length` days."""
        pace = self.pace.get((market, kind))
        return pace.windows.get(length, 0) if pace else 0

    def weeks(self, market: str) -> list[int]:
        """A market's links (both kinds) per 7-day week, the current week first."""
        rows = [self.pace[(market, kind)].weeks for kind in KINDS if (market, kind) in self.pace]
        return [sum(week) for week in zip(*rows, strict=True)] if rows else []

    def since_launch(self, market: str) -> int:
        """A market's links (both kinds) counted since its launch."""
        return sum(self.pace[(market, kind)].since_launch for kind in KINDS if (market, kind) in self.pace)

    def profile(self, page_url: str) -> PageProfile:
        """A page's profile; empty when nothing points at it yet."""
        return self.profiles.get(page_url) or PageProfile()

    @property
    def today(self) -> date:
        """The snapshot's day (UTC)."""
        return self.now.date()
