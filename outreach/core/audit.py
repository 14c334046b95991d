"""The audit log: one entry per change, written in the change's own transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from outreach.core.models import AuditEntry


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | int,
    campaign_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an audit entry to the session's transaction."""
    entry = AuditEntry(actor=actor, action=action, object_type=object_type,
                       object_id=str(object_id), campaign_id=campaign_id, detail=detail or {})
    session.add(entry)
    return entry


def entries(
    session: Session,
    *,
    campaign_id: int | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    since: datetime | None = None,
    limit: int = 50,
) -> Sequence[AuditEntry]:
    """The newest entries first, filtered by campaign, object or time."""
    query = select(AuditEntry).order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
    if campaign_id is not None:
        query = query.where(AuditEntry.campaign_id == campaign_id)
    if object_type is not None:
        query = query.where(AuditEntry.object_type == object_type)
    if object_id is not None:
        query = query.where(AuditEntry.object_id == object_id)
    if since is not None:
        query = query.where(col(AuditEntry.at) >= since)
    return session.exec(query.limit(limit)).all()
