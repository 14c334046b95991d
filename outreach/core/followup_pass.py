"""One pass of composing follow-ups: for each sent message holding a plan, queue its next follow-up,
end its sequence with why, or leave it waiting for a person (text not approved, mailbox missing)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from outreach.core import audit, dnc, followup_plan
from outreach.core.campaign import Campaign
from outreach.core.compose import new_message_id, reply_prefix, reply_subject
from outreach.core.compose_skeleton import Skeleton
from outreach.core.followup_texts import FollowupTexts
from outreach.core.models import Prospect
from outreach.core.send_accounts import MailboxSettings, mailbox_named
from outreach.core.sequence import keep_delay
from outreach.errors import NotFoundError, SendingError, TemplateError


@dataclass
class FollowupReport:
    """What one pass did: follow-ups queued, sequences ended, and why the rest still wait."""

    composed: int = 0
    ended: Counter[str] = field(default_factory=Counter)
    """Sequences whose plan was dropped, by reason (the request moved on, do-not-contact, bad data)."""
    waiting: Counter[str] = field(default_factory=Counter)
    """Follow-ups left for a later pass, by reason (text not approved, mailbox missing)."""
    last_id: int = 0
    """The highest sent message examined (a sweep's keyset)."""
    examined: int = 0


@dataclass
class Pass:
    """One pass's shared state: the campaign, its texts and skeletons, and what it found."""

    session: Session
    campaign: Campaign
    mailboxes: Sequence[MailboxSettings]
    texts: FollowupTexts
    blocklist: dnc.Blocklist
    now: datetime
    actor: str
    report: FollowupReport = field(default_factory=FollowupReport)
    skeletons: dict[tuple[str, str], Skeleton] = field(default_factory=dict)
    taken: list[int] = field(default_factory=list)
    """Messages whose plan the pass used up (composed or ended), cleared together."""
    queued: list[tuple[Any, ...]] = field(default_factory=list)
    """The follow-ups composed, inserted together."""


def advance(work: Pass, row: Any, request: Any, prospect: Prospect | None) -> None:
    """Queue this message's next follow-up, end its sequence with why, or leave it for later."""
    ended = _why_ended(work, row, request, prospect)
    if ended or prospect is None:
        _end(work, row, ended or "its prospect is gone")
        return
    number, tag = row.step + 1, row.market
    try:
        box = _mailbox(work, row)
    except SendingError as exc:  # a person fixes these; the plan waits
        work.report.waiting[str(exc)] += 1
        return
    refused = work.texts.refusal(tag, number)
    if refused:
        work.report.waiting[refused] += 1
        return
    try:
        context = work.texts.renderer.context(tag, prospect, request.page_url, request.anchor)
        body = work.texts.body(tag, number, context)
    except (TemplateError, NotFoundError) as exc:  # this prospect's data cannot fill the approved text
        _end(work, row, f"followup-{number} cannot be rendered: {exc}")
        return
    except SendingError as exc:  # the text changed between the check and the rendering
        work.report.waiting[str(exc)] += 1
        return
    _queue(work, row, request, prospect, box, body)


def _why_ended(work: Pass, row: Any, request: Any, prospect: Prospect | None) -> str | None:
    """Why this sequence goes no further, or None."""
    if request is None or prospect is None:
        return "its request or prospect is gone"
    if request.state != "sent":
        return f"request {request.state}"
    if row.market not in work.campaign.markets:
        return f"market {row.market} is no longer in the campaign"
    blocked = work.blocklist.blocks(row.recipient, prospect.host) or work.blocklist.suppresses(
        row.recipient, prospect.host)
    return "dnc" if prospect.do_not_contact or blocked else None


def _mailbox(work: Pass, row: Any) -> MailboxSettings:
    """The mailbox that sent the message before, else the market's (the one before left settings)."""
    box = mailbox_named(list(work.mailboxes), row.mailbox)
    if box is None:
        name = work.campaign.sending_for(row.market).mailbox
        box = mailbox_named(list(work.mailboxes), name)
        if box is None:
            raise SendingError(f"{row.market} follow-ups: neither mailbox '{row.mailbox}' nor '{name}' "
                               "is in settings")
    return box


def _queue(work: Pass, row: Any, request: Any, prospect: Prospect, box: MailboxSettings, body: str) -> None:
    """Compose the follow-up, take the plan off the message before and queue it with the rest."""
    steps = followup_plan.decode(row.planned_followups)
    sending = work.campaign.sending_for(row.market)
    market = work.campaign.market(row.market)
    try:
        when = keep_delay(work.campaign, row.market, row.timezone, steps[0].delay_days, row.sent_at,
                          steps[0].send_at, row.id)
        subject = reply_subject(request.subject or "", reply_prefix(market.language, sending.reply_prefix))
        message_id, token = new_message_id(box.own_domain)
        root = row.thread_root or row.message_id
        composed = _skeleton(work, box, row.market).compose(row.recipient, prospect.contact_name, subject,
                                                             body, message_id, token, root)
    except (SendingError, TemplateError) as exc:
        _end(work, row, f"followup-{row.step + 1} cannot be composed: {exc}")
        return
    work.taken.append(row.id)
    work.queued.append((row.campaign_id, row.request_id, row.prospect_id, row.market, row.step + 1, box.name,
                        message_id, root, box.from_address, row.recipient, row.recipient_domain, row.timezone,
                        subject, when, steps[0].delay_days, composed.content, composed.sha256,
                        composed.smtputf8, followup_plan.encode(steps[1:])))
    work.report.composed += 1


def _skeleton(work: Pass, box: MailboxSettings, tag: str) -> Skeleton:
    """The shared header lines of what `box` sends for a market, built once per pass."""
    key = (box.name, tag)
    if key not in work.skeletons:
        work.skeletons[key] = Skeleton.for_mailbox(box, work.campaign.sending_for(tag))
    return work.skeletons[key]


def _end(work: Pass, row: Any, reason: str) -> None:
    """Drop the sequence's plan with why, audited (the message itself keeps its state)."""
    work.taken.append(row.id)
    steps = followup_plan.booked_steps(row.step, row.planned_followups)
    audit.record(work.session, actor=work.actor, action="outbox.stop", object_type="request",
                 object_id=row.request_id, campaign_id=row.campaign_id,
                 detail={"request": row.request_id, "reason": reason, "steps": steps, "planned": True})
    work.report.ended[reason.split(":")[0]] += 1
