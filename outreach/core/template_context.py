"""What a pitch template sees: small read-only views of the prospect, page, market, hooks and sender.

Templates never get database rows or campaign models: a view holds plain values only, so a
reviewer's template has nothing to walk from towards sessions, engines or Python internals.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import Any

from outreach.core.briefs import Brief, Hook
from outreach.core.campaign import Campaign, Market, TargetPage
from outreach.core.formatting import LocaleFormatter
from outreach.core.locale_folders import LocaleSettings
from outreach.core.models import Prospect


@dataclass(frozen=True, slots=True)
class ProspectView:
    """The linking site: `name` is the outlet, or its domain when the outlet is unknown."""

    id: int | None
    name: str
    outlet: str | None
    domain: str
    url: str | None
    country: str | None
    language: str | None
    source_type: str | None


@dataclass(frozen=True, slots=True)
class ContactView:
    """The person written to; any field may be None, so templates guard with `{% if %}`."""

    name: str | None
    first_name: str | None
    email: str | None


@dataclass(frozen=True, slots=True)
class PageView:
    """The target page the link should point to (one URL version of the client site)."""

    url: str
    name: str | None
    cluster: str | None
    keywords: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MarketView:
    """The market, with its country and language named in its own language."""

    tag: str
    language: str
    country: str
    country_name: str
    language_name: str
    cities: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class HookView:
    """A brief's data hook; printing it gives its value formatted the market's way."""

    name: str
    value: Decimal | date
    unit: str
    currency: str | None
    source: str
    source_url: str | None
    as_of: date
    display: str

    def __str__(self) -> str:
        return self.display


@dataclass(frozen=True, slots=True)
class SenderView:
    """Who signs the pitch."""

    name: str
    role: str
    company: str
    email: str | None
    phone: str | None


@dataclass(frozen=True, slots=True)
class LocaleView:
    """The market's locale.toml settings a template may print."""

    address: str
    plural_address: str | None
    sign_off: str


class HookSet(dict[str, HookView]):
    """The brief's hooks by name (`hooks.cfdi_emitidos`); the sandbox keeps it read-only."""


VIEWS: dict[str, type] = {
    "prospect": ProspectView, "contact": ContactView, "page": PageView, "market": MarketView,
    "sender": SenderView, "locale": LocaleView,
}
"""Context names whose value is a view, so QA can check attribute names."""

CONTEXT_NAMES = frozenset({*VIEWS, "anchor", "hooks", "brand"})
"""Every name a template may use."""

HOOK_FIELDS = frozenset(field.name for field in fields(HookView))


def view_fields(view: type) -> frozenset[str]:
    """The attribute names a view offers."""
    return frozenset(field.name for field in fields(view))


def prospect_views(prospect: Prospect) -> tuple[ProspectView, ContactView]:
    """The site and contact views of a prospect row."""
    site = ProspectView(prospect.id, prospect.outlet or prospect.domain, prospect.outlet,
                        prospect.domain, prospect.url, prospect.country, prospect.language,
                        prospect.source_type)
    return site, ContactView(prospect.contact_name, prospect.first_name, prospect.email)


def page_view(page: TargetPage) -> PageView:
    """A target page, with the keywords of its own language."""
    return PageView(page.url, page.name, page.cluster, tuple(page.keywords.get(page.language, ())))


def market_view(market: Market, fmt: LocaleFormatter) -> MarketView:
    """A market, named in its own language."""
    return MarketView(market.tag, market.language, market.country, fmt.territory(market.country),
                      fmt.language(market.language), market.cities)


def hook_views(brief: Brief | None, fmt: LocaleFormatter) -> HookSet:
    """The brief's hooks by name, each with its display text formatted once."""
    if brief is None:
        return HookSet()
    return HookSet({name: _hook_view(hook, fmt) for name, hook in brief.hooks.items()})


def _hook_view(hook: Hook, fmt: LocaleFormatter) -> HookView:
    return HookView(hook.name, hook.value, hook.unit, hook.currency, hook.source, hook.source_url,
                    hook.as_of, fmt.hook(hook))


def market_context(campaign: Campaign, market: Market, settings: LocaleSettings, brief: Brief | None,
                   fmt: LocaleFormatter) -> dict[str, Any]:
    """The part of a context shared by every prospect of a market."""
    sender = settings.sender
    return {
        "market": market_view(market, fmt),
        "hooks": hook_views(brief, fmt),
        "sender": SenderView(sender.name, sender.role, sender.company or campaign.campaign.brands[0],
                             sender.email, sender.phone),
        "locale": LocaleView(settings.address, settings.plural_address, settings.sign_off),
        "brand": campaign.campaign.brands[0],
    }


def sample_prospect(market: Market) -> Prospect:
    """A fictional prospect for previews and QA when no real one is at hand."""
    host = f"example.{market.country.lower()}"
    return Prospect(id=None, campaign_id=0, market=market.tag, identity=host, domain=host,
                    url=f"https://{host}/", outlet="Example Media", contact_name="Alex Example",
                    first_name="Alex", email=f"alex@{host}", country=market.country,
                    language=market.language, source_type="press")
