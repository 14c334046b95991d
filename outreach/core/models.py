"""SQLModel tables of the store; every schema change also gets an Alembic migration."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Connection, DateTime, Index, UniqueConstraint, event
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapper
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from outreach.core.search_text import search_text


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and always read back timezone-aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse naive datetimes, so local times never slip into the store."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store times as timezone-aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Attach UTC to what SQLite returns naive."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def only_on(dialect: str, index: Index) -> Index:
    """An index created on one dialect only (its `info` tells the schema comparison so)."""
    index.info["dialect"] = dialect
    return index.ddl_if(dialect=dialect)


def _timestamp(**kwargs: Any) -> Any:
    """A UTC timestamp column defaulting to now."""
    return Field(default_factory=utcnow, sa_type=UtcDateTime, **kwargs)


class CampaignRecord(SQLModel, table=True):
    """A campaign known to this store; rows of other tables belong to one."""

    __tablename__ = "campaign"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=63)
    """campaign.toml's [campaign].id."""
    name: str
    workspace: str
    """Folder the campaign was last opened from."""
    created_at: datetime = _timestamp()


class AuditEntry(SQLModel, table=True):
    """Who did what, when, to which object: written in the same transaction as the change."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_object", "object_type", "object_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _timestamp(index=True)
    actor: str
    action: str
    """What happened, as `noun.verb` (`campaign.register`, `request.override`)."""
    object_type: str
    object_id: str
    campaign_id: int | None = Field(default=None, foreign_key="campaign.id", index=True)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    """Structured facts behind the entry (old and new values, a reason)."""


STAGES = ("new", "qualified", "pitched", "replied", "won", "lost", "do-not-contact")
"""A prospect's stages, in pipeline order."""

INFERENCE_SOURCES = ("explicit", "cctld", "export-language", "path-hint", "detected", "unknown")
"""How a prospect's country or language was found."""

SOURCE_TYPES = ("press", "trade", "association", "government", "directory", "blogger", "chamber",
                "global-publication", "other")
"""Kinds of linking site, as the seeds list them."""


class Prospect(SQLModel, table=True):
    """A site (registered domain) and, optionally, a contact there, in one market of a campaign."""

    __tablename__ = "prospect"
    __table_args__ = (
        UniqueConstraint("campaign_id", "market", "identity", name="uq_prospect_identity"),
        Index("ix_prospect_campaign_market_stage", "campaign_id", "market", "stage"),
        only_on("postgresql", Index("ix_prospect_listing", "campaign_id", "market", "domain", "id")),
        # On SQLite the filter reads search_text from the listing index, never the wide row; PostgreSQL
        # keeps it out of its B-tree, whose entries are capped at about 2.7 kB.
        only_on("sqlite", Index("ix_prospect_listing_search", "campaign_id", "market", "domain", "id",
                                "search_text")),
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id")
    market: str
    """Market tag, e.g. `es-MX`."""
    identity: str
    """Dedupe key: registered domain plus the contact's email (or name), so re-imports merge."""
    domain: str = Field(index=True)
    """Registered domain, lower-case, IDNA-encoded (`diario.com.mx`)."""
    host: str | None = None
    """Full host when it says more than the domain (`es.blog.com`)."""
    url: str | None = None
    """A page of the site from the source list."""
    outlet: str | None = None
    contact_name: str | None = None
    first_name: str | None = None
    """For greetings; from the list or the first word of the contact's name."""
    email: str | None = Field(default=None, index=True)
    """Normalised address (domain lower-cased, local part as given)."""
    country: str | None = None
    """ISO 3166-1 alpha-2 of the site's audience (never its hosting country)."""
    country_source: str = "unknown"
    language: str | None = None
    """ISO 639-1 of the site's content."""
    language_source: str = "unknown"
    locality: str = "unknown"
    """`local` (tied to the market's country), `global`, or `unknown`."""
    source_type: str | None = None
    metrics: dict[str, float] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    """Quality metrics by name: dr, da, as, tf, traffic."""
    stage: str = "new"
    do_not_contact: bool = False
    timezone: str | None = None
    """The contact's IANA zone when it differs from the market's (Tijuana is not Mexico City)."""
    origin: str | None = None
    """Where the row came from: an import file, `gap:<competitor>`, `manual`."""
    dedupe_cluster: int | None = None
    search_text: str = Field(default="", sa_column_kwargs={"server_default": ""})
    """Domain, outlet, contact and email case-folded, for the filter (see `search_text`)."""
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


@event.listens_for(Prospect, "before_insert")
@event.listens_for(Prospect, "before_update")
def _fold_search_text(mapper: Mapper[Prospect], connection: Connection, target: Prospect) -> None:
    """Prospects written through the ORM keep their search text in step (Core writers set it themselves)."""
    target.search_text = search_text(target.domain, target.outlet, target.contact_name, target.email)


class ProspectEvent(SQLModel, table=True):
    """A prospect's history: imports, merges, stage changes, kept even when records merge."""

    __tablename__ = "prospect_event"

    id: int | None = Field(default=None, primary_key=True)
    prospect_id: int = Field(foreign_key="prospect.id", index=True)
    at: datetime = _timestamp()
    actor: str
    kind: str
    """`imported`, `merged`, `stage`, `dnc`, `edited`."""
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class ProspectAlias(SQLModel, table=True):
    """An identity merged into another prospect, so re-importing it updates the survivor."""

    __tablename__ = "prospect_alias"
    __table_args__ = (UniqueConstraint("campaign_id", "market", "identity", name="uq_prospect_alias"),)

    id: int | None = Field(default=None, primary_key=True)
    prospect_id: int = Field(foreign_key="prospect.id", index=True)
    campaign_id: int = Field(foreign_key="campaign.id")
    market: str
    identity: str
    created_at: datetime = _timestamp()


class DoNotContact(SQLModel, table=True):
    """An email or a whole domain (subdomains included) nobody may pitch, in any campaign."""

    __tablename__ = "do_not_contact"
    __table_args__ = (UniqueConstraint("kind", "value", name="uq_do_not_contact"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str
    """`email` or `domain`."""
    value: str
    reason: str = ""
    added_by: str
    added_at: datetime = _timestamp()


class Suppression(SQLModel, table=True):
    """A hashed email or domain kept after `forget` (or a bounce), so it is never imported again."""

    __tablename__ = "suppression"
    __table_args__ = (UniqueConstraint("kind", "digest", name="uq_suppression"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str
    """`email` or `domain`."""
    digest: str
    """SHA-256 of the normalised value; the value itself is not stored."""
    reason: str
    """`forgotten`, `hard-bounce`, `unsubscribed`."""
    added_at: datetime = _timestamp()


REQUEST_STATES = ("draft", "approved", "scheduled", "sending", "sent", "replied", "won", "lost",
                  "cancelled")
"""A link request's life: drafted, approved by a person, sent, and finally won, lost or cancelled."""

OPEN_REQUEST_STATES = ("approved", "scheduled", "sending", "sent", "replied")
"""States in which a request counts toward the rule gate's mixes and caps."""


class LinkRequest(SQLModel, table=True):
    """One proposed link (prospect, target page, anchor) and the email asking for it."""

    __tablename__ = "link_request"
    __table_args__ = (
        Index("ix_link_request_campaign_market_state", "campaign_id", "market", "state"),
        Index("ix_link_request_page_class", "page_url", "anchor_class"),
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id")
    market: str
    prospect_id: int = Field(foreign_key="prospect.id", index=True)
    page_url: str
    anchor: str
    anchor_class: str
    anchor_keyword: str | None = None
    """The page keyword an exact or partial anchor matched."""
    context: str | None = None
    """Text proposed around the anchor."""
    context_language: str | None = None
    template: str = "pitch"
    state: str = "draft"
    locality: str = "unknown"
    """The prospect's locality when the request was made (what the tallies counted)."""
    counted_on: date | None = None
    """Day the request entered the tallies (its approval), so it leaves them on the same day."""
    subject: str | None = None
    body: str | None = None
    """The pitch as approved: these exact texts are what gets sent."""
    created_by: str
    created_at: datetime = _timestamp()
    approved_by: str | None = None
    approved_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    pitched_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    """When the first email went out (cooldowns count from it)."""
    updated_at: datetime = _timestamp()


PLACEMENT_STATUSES = ("live", "lost")
"""A placement is counted by the rule gate while it is live."""


class Placement(SQLModel, table=True):
    """A link that went live: where, to which page, with which anchor, and why it was chosen."""

    __tablename__ = "placement"
    __table_args__ = (
        Index("ix_placement_campaign_market_found", "campaign_id", "market", "found_on"),
        Index("ix_placement_page_class", "page_url", "anchor_class"),
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id")
    market: str
    page_url: str
    """The target page (URL version) the link points to."""
    source_url: str
    source_domain: str = Field(index=True)
    anchor: str
    anchor_class: str
    anchor_keyword: str | None = None
    rel: str = "follow"
    """follow, nofollow, sponsored or ugc."""
    language: str | None = None
    country: str | None = None
    locality: str = "unknown"
    found_on: date
    status: str = "live"
    placed_by: str | None = None
    reason: str | None = None
    """Why this source was chosen."""
    cost: float | None = None
    cost_currency: str | None = None
    """ISO 4217 code of `cost` (`MXN`, `EUR`)."""
    origin: str | None = None
    """Where the placement came from: `request`, `import:<file>` or `manual`."""
    request_id: int | None = Field(default=None, foreign_key="link_request.id", index=True)
    created_at: datetime = _timestamp()


class RuleOverride(SQLModel, table=True):
    """A person's decision to let a request through one blocking rule, with the reason."""

    __tablename__ = "rule_override"
    __table_args__ = (UniqueConstraint("request_id", "rule", name="uq_rule_override"),)

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="link_request.id", index=True)
    rule: str
    reason: str
    actor: str
    at: datetime = _timestamp()


class LinkProfile(SQLModel, table=True):
    """Links per page, kind, anchor class, keyword and locality: what the mix rules read.

    Kept in step with placements and requests in the same transaction, so a check reads a few
    hundred sums instead of recounting a million placements.
    """

    __tablename__ = "link_profile"
    __table_args__ = ({"sqlite_with_rowid": False},)

    campaign_id: int = Field(foreign_key="campaign.id", primary_key=True)
    market: str = Field(primary_key=True)
    page_url: str = Field(primary_key=True)
    kind: str = Field(primary_key=True)
    """`placement` or `request`."""
    anchor_class: str = Field(primary_key=True)
    keyword: str = Field(primary_key=True)
    """The folded keyword an exact or partial anchor matched; empty otherwise."""
    locality: str = Field(primary_key=True)
    count: int = 0


class LinkDaily(SQLModel, table=True):
    """Links per market, day and kind: what the pace rules read (clustered by market and day)."""

    __tablename__ = "link_daily"
    __table_args__ = ({"sqlite_with_rowid": False},)

    campaign_id: int = Field(foreign_key="campaign.id", primary_key=True)
    market: str = Field(primary_key=True)
    day: date = Field(primary_key=True)
    kind: str = Field(primary_key=True)
    count: int = 0


REVIEW_DECISIONS = ("approved", "rejected")
"""What a reviewer can decide about a template's content."""


class TemplateReview(SQLModel, table=True):
    """The latest review decision on one market's template, tied to the content it was made on."""

    __tablename__ = "template_review"
    __table_args__ = (
        UniqueConstraint("campaign_id", "market", "template", name="uq_template_review"),
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id")
    market: str
    """Market tag, e.g. `es-AR`."""
    template: str
    """Template name: `subject`, `pitch`, `followup-1`…"""
    decision: str
    """`approved` or `rejected`."""
    content_hash: str
    """SHA-256 of the template text and the locale settings it prints, when decided."""
    source: str
    """Folder the text came from: the market's own, or an ancestor such as `es-419`."""
    reviewer: str
    """The native speaker who decided."""
    comment: str = ""
    """Why it was rejected (required then), or a note with an approval."""
    decided_at: datetime = _timestamp()


class CompetitorSource(SQLModel, table=True):
    """A domain linking to a competitor in one market, classified as the planning reports need."""

    __tablename__ = "competitor_source"
    __table_args__ = (
        UniqueConstraint("campaign_id", "market", "competitor", "domain", name="uq_competitor_source"),
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id")
    market: str
    competitor: str
    """The competitor's name or domain, as the lead gave it (or the export's file name)."""
    domain: str
    """Registered domain of the linking site."""
    locality: str
    """`local`, `global` or `unknown` for the market, as for prospects."""
    country: str | None = None
    country_source: str = "unknown"
    language: str | None = None
    language_source: str = "unknown"
    source_type: str | None = None
    metrics: dict[str, float] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    imported_at: datetime = _timestamp()


CHECK_STATUSES = ("ok", "missing", "nofollow", "noindex", "canonical-elsewhere", "http-error",
                  "robots-blocked", "timeout", "error")
"""What a link check found on a placement's source page, worst news first after `ok`."""


class LinkCheck(SQLModel, table=True):
    """One visit of a placement's source page: what the page and its link looked like then."""

    __tablename__ = "link_check"
    __table_args__ = (Index("ix_link_check_placement_at", "placement_id", "checked_at"),)

    id: int | None = Field(default=None, primary_key=True)
    placement_id: int = Field(foreign_key="placement.id")
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    checked_at: datetime = _timestamp()
    status: str
    """One of CHECK_STATUSES."""
    http_status: int | None = None
    final_url: str | None = None
    """Where the source URL ended up after redirects."""
    redirects: int = 0
    link_found: bool = False
    anchor: str | None = None
    rel: str | None = None
    """The link's rel attribute as found (`nofollow sponsored`); empty for a followed link."""
    noindex: bool = False
    canonical: str | None = None
    """The page's canonical URL when it points elsewhere."""
    error: str | None = None


LINK_CHANGES = ("lost", "restored", "nofollow", "followed", "anchor-changed", "redirected")
"""Changes a link check can find on a placement since the previous check."""


class LinkChange(SQLModel, table=True):
    """A change found on a placement's link (lost, nofollow, new anchor, redirect): the history."""

    __tablename__ = "link_change"
    __table_args__ = (Index("ix_link_change_campaign_market_at", "campaign_id", "market", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    placement_id: int = Field(foreign_key="placement.id", index=True)
    campaign_id: int = Field(foreign_key="campaign.id")
    market: str
    at: datetime = _timestamp()
    kind: str
    """One of LINK_CHANGES."""
    before: str | None = None
    after: str | None = None
