"""SQLModel tables of the store; every schema change also gets an Alembic migration."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


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
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


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
