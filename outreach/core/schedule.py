"""Turn approved link requests into outbox rows: the pitch and its follow-ups, timed and composed.

One path serves one request (`schedule_request`) and a whole market (`schedule_market`): rows are
planned in memory and written with Core executemany, because 100k ORM objects cost seconds.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert, select, update
from sqlmodel import Session, col

from outreach.core import dnc, review
from outreach.core.campaign import Campaign, Market
from outreach.core.compose import Draft, compose, new_message_id, reply_prefix, reply_subject
from outreach.core.models import AuditEntry, LinkRequest, Prospect, utcnow
from outreach.core.outbox_tables import OutboxMessage
from outreach.core.planner import Planner
from outreach.core.send_accounts import MailboxSettings, mailbox_named
from outreach.core.send_settings import SendingSettings
from outreach.core.templates import Renderer
from outreach.errors import SendingError

OUTBOX: Table = OutboxMessage.__table__  # type: ignore[attr-defined]
REQUESTS: Table = LinkRequest.__table__  # type: ignore[attr-defined]
AUDIT: Table = AuditEntry.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ScheduleReport:
    """What a scheduling run queued, and what it could not."""

    requests: int
    messages: int
    skipped: tuple[str, ...]
    """One line per request left approved, with the reason."""


@dataclass
class _Run:
    """State shared by every request of one scheduling run."""

    session: Session
    campaign: Campaign
    mailboxes: Sequence[MailboxSettings]
    planner: Planner
    renderer: Renderer
    now: datetime
    actor: str
    approved_sources: dict[tuple[str, str, str, str], bool]


def _start(session: Session, campaign: Campaign, campaign_id: int, mailboxes: Sequence[MailboxSettings],
           actor: str, now: datetime | None, renderer: Renderer | None, rng: random.Random | None) -> _Run:
    """A run with its planner loaded from what the store already holds."""
    if not mailboxes:
        raise SendingError("no sending mailbox is configured: set OUTREACH_SMTP_HOST and OUTREACH_FROM, "
                           "or add [[mailboxes]] to settings.toml")
    moment = now or utcnow()
    planner = Planner(campaign, {box.name: box for box in mailboxes}, moment, rng or random.Random())  # noqa: S311  (send-time spread, not secrets)
    planner.load(session, campaign_id)
    return _Run(session, campaign, mailboxes, planner, renderer or Renderer(campaign), moment, actor, {})


def schedule_request(session: Session, campaign: Campaign, request_id: int, *, actor: str,
                     mailboxes: Sequence[MailboxSettings], now: datetime | None = None,
                     renderer: Renderer | None = None,
                     rng: random.Random | None = None) -> list[OutboxMessage]:
    """Queue one approved request's pitch and follow-ups; the request becomes `scheduled`."""
    request = session.get(LinkRequest, request_id)
    if request is None:
        raise SendingError(f"no link request #{request_id}")
    run = _start(session, campaign, request.campaign_id, mailboxes, actor, now, renderer, rng)
    prospect = session.get(Prospect, request.prospect_id)
    rows = _plan_request(run, request, prospect)
    _write(run, [(request, rows)])
    query = select(OutboxMessage).where(col(OutboxMessage.request_id) == request_id).order_by(
        col(OutboxMessage.step))
    return list(session.scalars(query).all())


def schedule_market(session: Session, campaign: Campaign, campaign_id: int, market: str, *, actor: str,
                    mailboxes: Sequence[MailboxSettings], now: datetime | None = None,
                    renderer: Renderer | None = None, rng: random.Random | None = None) -> ScheduleReport:
    """Queue every approved request of a market; one that cannot be queued stays approved, with why."""
    tag = campaign.market(market).tag
    run = _start(session, campaign, campaign_id, mailboxes, actor, now, renderer, rng)
    query = (select(LinkRequest, Prospect).join(Prospect, col(Prospect.id) == col(LinkRequest.prospect_id))
             .where(col(LinkRequest.campaign_id) == campaign_id, col(LinkRequest.market) == tag,
                    col(LinkRequest.state) == "approved").order_by(col(LinkRequest.id)))
    planned, skipped = [], []
    for request, prospect in session.execute(query).tuples():
        try:
            planned.append((request, _plan_request(run, request, prospect)))
        except SendingError as exc:
            skipped.append(f"request #{request.id}: {exc}")
    _write(run, planned)
    return ScheduleReport(len(planned), sum(len(rows) for _, rows in planned), tuple(skipped))


def _plan_request(run: _Run, request: LinkRequest, prospect: Prospect | None) -> list[dict[str, Any]]:
    """The outbox rows of one request: times planned, bytes composed, nothing written yet."""
    address = _recipient(run, request, prospect)
    assert prospect is not None
    market = run.campaign.market(request.market)
    sending = run.campaign.sending_for(market.tag)
    box = mailbox_named(list(run.mailboxes), sending.mailbox)
    if box is None:
        raise SendingError(f"{market.tag} sends from mailbox '{sending.mailbox}', not in settings")
    assert request.subject is not None
    assert request.body is not None
    texts = [(request.subject, request.body), *_followup_texts(run, request, prospect, market, sending)]
    timezone = prospect.timezone or market.timezone
    domain = address.rpartition("@")[2].lower()
    rows: list[dict[str, Any]] = []
    for step, (subject, body) in enumerate(texts):
        delay = sending.followups[step - 1] if step else 0
        when = _when(run, market, timezone, box.name, domain, rows[-1]["send_at"] if rows else None, delay)
        message_id, token = new_message_id(box.own_domain)
        draft = Draft(box.from_address, box.from_name, address, prospect.contact_name, subject, body,
                      reply_to=box.reply_to, in_reply_to=rows[0]["message_id"] if rows else None,
                      unsubscribe_mailto=sending.unsubscribe_mailto or box.from_address,
                      unsubscribe_url=sending.unsubscribe_url.replace("{token}", token)
                      if sending.unsubscribe_url else None)
        composed = compose(draft, message_id)
        rows.append(_row(run, request, market, box, step, delay, when, message_id, address, domain,
                         timezone, subject, composed.content, composed.sha256, composed.smtputf8))
    return rows


def _recipient(run: _Run, request: LinkRequest, prospect: Prospect | None) -> str:
    """The prospect's address, refused when the request is not approved or nobody may be mailed."""
    if request.state != "approved":
        raise SendingError(f"request #{request.id} is {request.state}; only approved requests are scheduled")
    if not request.subject or not request.body:
        raise SendingError(f"request #{request.id} has no approved subject and body (approve it again)")
    if prospect is None or not prospect.email:
        raise SendingError(f"request #{request.id}: the prospect has no email address")
    if prospect.do_not_contact or dnc.is_do_not_contact(run.session, prospect.email, prospect.host):
        raise SendingError(f"request #{request.id}: {prospect.email} is on the do-not-contact list")
    return prospect.email


def _when(run: _Run, market: Market, timezone: str, mailbox: str, domain: str,
          previous: datetime | None, delay: int) -> datetime:
    """The pitch's first fitting slot, or a follow-up's `delay` business days after the previous."""
    if previous is None:
        return run.planner.place(market, timezone, mailbox, domain, run.now, pitch=True)
    calendar = run.planner.calendar(market, timezone)
    index = calendar.add_business_days(previous, delay)
    return run.planner.place(market, timezone, mailbox, domain, previous, pitch=False, day_index=index)


def _followup_texts(run: _Run, request: LinkRequest, prospect: Prospect, market: Market,
                    sending: SendingSettings) -> list[tuple[str, str]]:
    """Subject and body of each follow-up, rendered now from approved text only."""
    assert request.subject is not None
    subject = reply_subject(request.subject, reply_prefix(market.language, sending.reply_prefix))
    texts = []
    for number in range(1, len(sending.followups) + 1):
        rendered = run.renderer.render(market.tag, prospect, message=f"followup-{number}",
                                       page=request.page_url, anchor=request.anchor)
        key = (market.tag, rendered.message, rendered.subject_source.content_hash,
               rendered.body_source.content_hash)
        if key not in run.approved_sources:
            approval = review.rendered_approval(run.session, run.campaign, rendered,
                                                library=run.renderer.library)
            run.approved_sources[key] = approval.sendable
        if not run.approved_sources[key]:
            raise SendingError(f"{market.tag} followup-{number} is not approved for its current text")
        texts.append((subject, rendered.body))
    return texts


def _row(run: _Run, request: LinkRequest, market: Market, box: MailboxSettings, step: int, delay: int,
         when: datetime, message_id: str, address: str, domain: str, timezone: str, subject: str,
         content: bytes, sha256: str, smtputf8: bool) -> dict[str, Any]:
    """One outbox row as a dict for executemany."""
    return {"campaign_id": request.campaign_id, "request_id": request.id, "prospect_id": request.prospect_id,
            "market": market.tag, "step": step, "state": "scheduled", "mailbox": box.name,
            "message_id": message_id, "thread_root": None, "sender": box.from_address,
            "recipient": address, "recipient_domain": domain, "timezone": timezone, "subject": subject,
            "send_at": when, "delay_days": delay, "manual": False, "content": content,
            "content_sha256": sha256, "smtputf8": smtputf8, "attempts": 0,
            "created_at": run.now, "updated_at": run.now}


def _write(run: _Run, planned: list[tuple[LinkRequest, list[dict[str, Any]]]]) -> None:
    """Insert the rows, move the requests to `scheduled` and audit each, in the caller's transaction."""
    if not planned:
        return
    rows: list[dict[str, Any]] = []
    for _, request_rows in planned:
        root = request_rows[0]["message_id"]
        rows.extend({**row, "thread_root": root if row["step"] else None} for row in request_rows)
    connection = run.session.connection()
    connection.execute(insert(OUTBOX), rows)
    ids = [request.id for request, _ in planned]
    connection.execute(update(REQUESTS).where(REQUESTS.c.id.in_(ids), REQUESTS.c.state == "approved")
                       .values(state="scheduled", updated_at=run.now))
    connection.execute(insert(AUDIT), [
        {"at": run.now, "actor": run.actor, "action": "request.state", "object_type": "request",
         "object_id": str(request.id), "campaign_id": request.campaign_id,
         "detail": {"from": "approved", "to": "scheduled", "messages": len(request_rows),
                    "first_send_at": request_rows[0]["send_at"].isoformat()}}
        for request, request_rows in planned])
    run.session.expire_all()
