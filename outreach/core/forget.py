"""`forget`: erase an email's or a domain's personal data everywhere, keeping only a hashed suppression."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, Table, cast, delete, func, or_, select, update
from sqlmodel import Session

from outreach.core import audit, outbox_stops
from outreach.core.dnc import Subject, matching_prospects, parse_subject, suppress
from outreach.core.models import AuditEntry, DoNotContact
from outreach.core.prospect_writes import ALIASES, EVENTS, PROSPECTS, core
from outreach.core.requests import erase_for_prospects

REDACTED = "[forgotten]"
AUDIT: Table = AuditEntry.__table__  # type: ignore[attr-defined]
DNC: Table = DoNotContact.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ForgetReport:
    """What `forget` erased."""

    subject: Subject
    prospects: int
    do_not_contact: int
    redacted: int
    """Audit entries and history events whose text named the subject."""
    newly_suppressed: bool


def forget(session: Session, value: str, *, actor: str) -> ForgetReport:
    """Delete the subject's prospects (history, aliases), list entries and mentions; keep its hash."""
    subject = parse_subject(value)
    connection = core(session)
    found = connection.execute(select(PROSPECTS.c.id).where(matching_prospects(subject))).scalars()
    ids = [int(pid) for pid in found]
    outbox_stops.erase_for_prospects(session, ids)
    requests = erase_for_prospects(session, ids)
    connection.execute(delete(EVENTS).where(EVENTS.c.prospect_id.in_(ids)))
    connection.execute(delete(ALIASES).where(or_(ALIASES.c.prospect_id.in_(ids), _alias_match(subject))))
    connection.execute(delete(PROSPECTS).where(PROSPECTS.c.id.in_(ids)))
    listed = connection.execute(delete(DNC).where(_dnc_match(subject))).rowcount
    redacted = _redact(session, EVENTS, subject) + _redact(session, AUDIT, subject)
    session.expire_all()
    newly = suppress(session, subject, "forgotten")
    audit.record(session, actor=actor, action="subject.forget", object_type=subject.kind,
                 object_id=subject.digest[:16],
                 detail={"prospects": len(ids), "requests": requests, "do_not_contact": listed})
    return ForgetReport(subject, len(ids), int(listed or 0), redacted, newly)


def _alias_match(subject: Subject) -> Any:
    """Aliases whose identity holds the email, or whose domain is the subject's."""
    if subject.kind == "email":
        return ALIASES.c.identity.like(f"%|e:{subject.value}")
    return or_(ALIASES.c.identity.like(f"{subject.value}|%"), ALIASES.c.identity.like(f"%.{subject.value}|%"),
               ALIASES.c.identity.like(f"%@{subject.value}"), ALIASES.c.identity.like(f"%.{subject.value}"))


def _dnc_match(subject: Subject) -> Any:
    """List entries for the subject: the email itself, or the domain, its subdomains and its addresses."""
    if subject.kind == "email":
        return DNC.c.value == subject.value
    return or_(DNC.c.value == subject.value, DNC.c.value.like(f"%.{subject.value}"),
               DNC.c.value.like(f"%@{subject.value}"), DNC.c.value.like(f"%@%.{subject.value}"))


def _redact(session: Session, table: Table, subject: Subject) -> int:
    """Replace the subject in the JSON details (and ids) of rows that mention it; return how many."""
    pattern = f"%{subject.value}%"
    conditions = [func.lower(cast(table.c.detail, String)).like(pattern)]
    if "object_id" in table.c:
        conditions.append(func.lower(table.c.object_id).like(pattern))
    rows = core(session).execute(select(table).where(or_(*conditions))).all()
    for row in rows:
        values: dict[str, Any] = {"detail": _scrub(row.detail, subject)}
        if "object_id" in table.c and subject.value in str(row.object_id).lower():
            values["object_id"] = REDACTED
        core(session).execute(update(table).where(table.c.id == row.id).values(**values))
    return len(rows)


def _scrub(value: Any, subject: Subject) -> Any:
    """A JSON value with every string that names the subject (or an address at its domain) replaced."""
    if isinstance(value, dict):
        return {key: _scrub(item, subject) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item, subject) for item in value]
    if isinstance(value, str) and _names(value, subject):
        return REDACTED
    return value


def _names(text: str, subject: Subject) -> bool:
    """Whether a string contains the subject (an address, or a domain and so its hosts and addresses)."""
    return subject.value in text.lower()
