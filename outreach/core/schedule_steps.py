"""One request's scheduling in two steps: booking (the pitch's time, its follow-ups' slots and its
Message-ID, which the planner's shared counters make sequential) and composing (the pitch's bytes,
which depend on the request alone, so the process writing the rows can do it while another books)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from outreach.core import followup_plan
from outreach.core.compose import new_message_id
from outreach.core.compose_skeleton import Skeleton
from outreach.core.schedule_run import MarketSetup, Pending, Run
from outreach.core.send_accounts import mailbox_named
from outreach.errors import SendingError


class Booked(NamedTuple):
    """A request's pitch slot, its follow-ups' plan and the Message-ID fixed for it."""

    request_id: int
    send_at: datetime
    plan: str | None
    message_id: str
    token: str


def book(run: Run, request: Pending) -> Booked:
    """Book the pitch's time and its follow-ups' slots; SendingError when it cannot be scheduled."""
    address = _recipient(run, request)
    setup = market_setup(run, request.market)
    refused = run.followup_errors.get(request.market)
    if refused:
        raise SendingError(refused)
    market, box = setup.market, setup.box
    timezone = request.timezone or market.timezone
    domain = address.rpartition("@")[2].lower()
    planner = run.planner
    when = previous = planner.place(market, timezone, box.name, domain, run.now, pitch=True)
    plan = []
    for delay in setup.sending.followups:
        previous = planner.place_after(market, timezone, box.name, domain, previous, delay)
        plan.append(followup_plan.entry(delay, previous))
    message_id, token = new_message_id(setup.own_domain)
    return Booked(request.id, when, " ".join(plan) or None, message_id, token)


def compose_row(run: Run, request: Pending, booked: Booked) -> tuple[Any, ...]:
    """The pitch's outbox row (values in ROW_COLUMNS order), its bytes composed; TemplateError or
    SendingError when the request's own text cannot make a safe message."""
    setup = market_setup(run, request.market)
    box, address, subject = setup.box, request.email or "", request.subject or ""
    composed = setup.skeleton.compose(address, request.contact_name, subject, request.body or "",
                                      booked.message_id, booked.token)
    return (request.id, request.prospect_id, setup.market.tag, 0, box.name, booked.message_id,
            box.from_address, address, address.rpartition("@")[2].lower(),
            request.timezone or setup.market.timezone, subject, booked.send_at, 0, composed.content,
            composed.sha256, composed.smtputf8, None, booked.plan)


def market_setup(run: Run, tag: str) -> MarketSetup:
    """A market, its sending settings, its mailbox and their message skeleton, made once per run."""
    found = run.markets.get(tag)
    if found is None:
        market = run.campaign.market(tag)
        sending = run.campaign.sending_for(market.tag)
        box = mailbox_named(list(run.mailboxes), sending.mailbox)
        if box is None:
            raise SendingError(f"{market.tag} sends from mailbox '{sending.mailbox}', not in settings")
        skeleton = Skeleton.for_mailbox(box, sending)
        found = run.markets.setdefault(tag, MarketSetup(market, sending, box, skeleton, box.own_domain))
    return found


def _recipient(run: Run, request: Pending) -> str:
    """The prospect's address, refused when the request is not approved or nobody may be mailed."""
    if request.state != "approved":
        raise SendingError(f"request #{request.id} is {request.state}; only approved requests are scheduled")
    if not request.subject or not request.body:
        raise SendingError(f"request #{request.id} has no approved subject and body (approve it again)")
    if not request.email:
        raise SendingError(f"request #{request.id}: the prospect has no email address")
    blocked = run.blocklist.blocks(request.email, request.host) or run.blocklist.suppresses(
        request.email, request.host)
    if request.do_not_contact or blocked:
        raise SendingError(f"request #{request.id}: {request.email} is on the do-not-contact list")
    return request.email
