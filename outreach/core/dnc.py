"""Do-not-contact (emails and whole domains, across campaigns) and hashed suppressions."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, func, or_, update
from sqlmodel import Session, col, select

from outreach.core import audit, geo, outbox_stops
from outreach.core.models import DoNotContact, Prospect, ProspectEvent, Suppression, utcnow
from outreach.core.normalise import CellError, email_domain, normalise_email
from outreach.errors import NotFoundError, OutreachError


@dataclass(frozen=True)
class Subject:
    """An email address or a domain named by a user, normalised."""

    kind: str
    """`email` or `domain`."""
    value: str

    @property
    def digest(self) -> str:
        """SHA-256 of the normalised value: all a suppression keeps."""
        return digest(self.kind, self.value)


def digest(kind: str, value: str) -> str:
    """The hash a suppression stores for a normalised email or domain."""
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def parse_subject(value: str) -> Subject:
    """`ana@diario.mx` → an email; `diario.mx`, `https://blog.diario.mx/x` → a domain."""
    text = value.strip()
    if "@" in text and "/" not in text:
        try:
            return Subject("email", normalise_email(text).lower())
        except CellError as exc:
            raise OutreachError(str(exc)) from None
    host = geo.host_of(text) if "//" in text else geo.normalise_host(text.split("/", 1)[0])
    if not host or not geo.split_host(host).suffix:
        raise OutreachError(f"'{value}' is neither an email address nor a domain")
    return Subject("domain", host.removeprefix("www."))


def host_suffixes(host: str | None) -> list[str]:
    """A host and each parent domain: `a.b.com.mx` → a.b.com.mx, b.com.mx, com.mx."""
    if not host:
        return []
    labels = host.lower().split(".")
    return [".".join(labels[index:]) for index in range(len(labels) - 1)]


@dataclass
class Blocklist:
    """The do-not-contact list and the suppression digests, loaded once to check many rows."""

    emails: set[str] = field(default_factory=set)
    domains: set[str] = field(default_factory=set)
    digests: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, session: Session) -> Blocklist:
        """Read every entry (both lists are short next to a prospect table)."""
        blocklist = cls()
        for entry in session.exec(select(DoNotContact)).all():
            (blocklist.emails if entry.kind == "email" else blocklist.domains).add(entry.value)
        blocklist.digests = set(session.exec(select(Suppression.digest)).all())
        return blocklist

    @property
    def is_empty(self) -> bool:
        """Whether no address or domain is listed or suppressed (then nothing is blocked)."""
        return not (self.emails or self.domains or self.digests)

    def blocks(self, email: str | None, *hosts: str | None) -> bool:
        """Whether an address or any of the hosts (or a parent domain) is on the do-not-contact list."""
        if not self.emails and not self.domains:
            return False
        if email and email.lower() in self.emails:
            return True
        names = [*hosts, email_domain(email)]
        return any(suffix in self.domains for name in names for suffix in host_suffixes(name))

    def suppresses(self, email: str | None, *hosts: str | None) -> bool:
        """Whether the address or a host (or a parent) was forgotten or suppressed."""
        if not self.digests:
            return False
        if email and digest("email", email.lower()) in self.digests:
            return True
        names = [*hosts, email_domain(email)]
        return any(digest("domain", suffix) in self.digests
                   for name in names for suffix in host_suffixes(name))


def is_do_not_contact(session: Session, email: str | None = None, host: str | None = None) -> bool:
    """Whether an address or a site may never be pitched (do-not-contact or suppressed)."""
    blocklist = Blocklist.load(session)
    return blocklist.blocks(email, host) or blocklist.suppresses(email, host)


def matching_prospects(subject: Subject) -> ColumnElement[bool]:
    """SQL condition: prospects whose email is the subject, or whose site or email is in its domain."""
    if subject.kind == "email":
        return func.lower(Prospect.email) == subject.value
    escaped = subject.value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    conditions: list[ColumnElement[bool]] = [
        col(Prospect.domain) == subject.value, col(Prospect.host) == subject.value]
    for column, pattern in ((Prospect.domain, f"%.{escaped}"), (Prospect.host, f"%.{escaped}"),
                            (Prospect.email, f"%@{escaped}"), (Prospect.email, f"%.{escaped}")):
        conditions.append(func.lower(column).like(pattern, escape="\\"))
    return or_(*conditions)


def add_entry(session: Session, value: str, *, reason: str, actor: str) -> tuple[DoNotContact, int]:
    """Put an email or domain on the list and mark its prospects in every campaign; return both."""
    subject = parse_subject(value)
    entry = session.exec(select(DoNotContact).where(
        DoNotContact.kind == subject.kind, DoNotContact.value == subject.value)).first()
    if entry is None:
        entry = DoNotContact(kind=subject.kind, value=subject.value, reason=reason, added_by=actor)
        session.add(entry)
        session.flush()
        audit.record(session, actor=actor, action="dnc.add", object_type="do_not_contact",
                     object_id=entry.id or 0, detail={"kind": subject.kind, "value": subject.value,
                                                     "reason": reason})
    marked = _mark(session, subject, actor)
    return entry, marked


def _mark(session: Session, subject: Subject, actor: str) -> int:
    """Flag the subject's prospects that are not flagged yet, with a history event each."""
    rows = session.exec(select(Prospect.id).where(
        matching_prospects(subject), col(Prospect.do_not_contact).is_(False))).all()
    ids = [row for row in rows if row is not None]
    _set_flag(session, ids, flagged=True, actor=actor, detail={"added": subject.kind})
    already = session.exec(select(Prospect.id).where(matching_prospects(subject))).all()
    outbox_stops.stop_for_prospects(session, [pid for pid in already if pid is not None], reason="dnc",
                                    actor=actor)
    return len(ids)


def _set_flag(session: Session, ids: Sequence[int], *, flagged: bool, actor: str,
              detail: dict[str, Any]) -> None:
    """Set or clear do_not_contact on prospects, recording a `dnc` event for each."""
    if not ids:
        return
    now = utcnow()
    session.execute(update(Prospect).where(col(Prospect.id).in_(ids))
                    .values(do_not_contact=flagged, updated_at=now))
    session.add_all([ProspectEvent(prospect_id=pid, at=now, actor=actor, kind="dnc",
                                   detail={**detail, "do_not_contact": flagged}) for pid in ids])


def remove_entry(session: Session, value: str, *, actor: str) -> int:
    """Take an email or domain off the list; unmark prospects nothing else blocks; return how many."""
    subject = parse_subject(value)
    entry = session.exec(select(DoNotContact).where(
        DoNotContact.kind == subject.kind, DoNotContact.value == subject.value)).first()
    if entry is None:
        raise NotFoundError(f"'{subject.value}' is not on the do-not-contact list")
    session.delete(entry)
    session.flush()
    audit.record(session, actor=actor, action="dnc.remove", object_type="do_not_contact",
                 object_id=entry.id or 0, detail={"kind": subject.kind, "value": subject.value})
    blocklist = Blocklist.load(session)
    flagged = session.exec(select(Prospect).where(
        matching_prospects(subject), col(Prospect.do_not_contact).is_(True))).all()
    freed = [p.id for p in flagged if p.id is not None and not blocklist.blocks(p.email, p.host, p.domain)]
    _set_flag(session, freed, flagged=False, actor=actor, detail={"removed": subject.kind})
    return len(freed)


def entries(session: Session) -> Sequence[DoNotContact]:
    """The whole list, domains first, alphabetically."""
    return session.exec(select(DoNotContact).order_by(col(DoNotContact.kind),
                                                      col(DoNotContact.value))).all()


def suppress(session: Session, subject: Subject, reason: str) -> bool:
    """Keep a hashed suppression for the subject; False when it was already there."""
    exists = session.exec(select(Suppression).where(
        Suppression.kind == subject.kind, Suppression.digest == subject.digest)).first()
    if exists is None:
        session.add(Suppression(kind=subject.kind, digest=subject.digest, reason=reason))
    return exists is None
