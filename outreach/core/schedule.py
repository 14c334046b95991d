"""Turn approved link requests into outbox rows: the pitch timed and composed, its follow-ups booked.

One path serves one request (`schedule_request`) and a whole market (`schedule_market`): rows are
planned in memory and written with Core executemany, because 100k ORM objects cost seconds. A
follow-up's slot is booked now (caps and spacing count it) and its text is rendered and composed by
the sender once the message before it has gone (`followups`), so a reply stops it before it exists.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, select
from sqlmodel import Session, col

from outreach.core import dnc, followup_plan, forked
from outreach.core.bulk import big_write, indexes_deferred
from outreach.core.campaign import Campaign, Market
from outreach.core.compose import new_message_id
from outreach.core.compose_skeleton import Skeleton
from outreach.core.followup_texts import FollowupTexts
from outreach.core.hot_loops import gc_paused
from outreach.core.models import Prospect, utcnow
from outreach.core.outbox_tables import OutboxMessage
from outreach.core.planner import Planner
from outreach.core.schedule_run import MarketSetup, Pending, Run
from outreach.core.schedule_writes import AUDIT, OUTBOX, REQUESTS, write_run
from outreach.core.send_accounts import MailboxSettings, mailbox_named
from outreach.core.templates import Renderer
from outreach.errors import SendingError, TemplateError

PROSPECTS: Table = Prospect.__table__  # type: ignore[attr-defined]
FORK_FROM = 20_000
"""Requests from which a run plans in a forked child while it writes (a fork costs a few milliseconds)."""
FORKED_PART = 2_000
"""Requests per part the child sends back."""


@dataclass(frozen=True)
class ScheduleReport:
    """What a scheduling run queued, and what it could not."""

    requests: int
    messages: int
    """Pitches composed and queued."""
    skipped: tuple[str, ...]
    """One line per request left approved, with the reason."""
    followups: int = 0
    """Follow-ups booked, composed once the message before each is sent."""


_PENDING_COLUMNS = (REQUESTS.c.id, REQUESTS.c.campaign_id, REQUESTS.c.market, REQUESTS.c.prospect_id,
                    REQUESTS.c.state, REQUESTS.c.subject, REQUESTS.c.body, PROSPECTS.c.email,
                    PROSPECTS.c.contact_name, PROSPECTS.c.timezone, PROSPECTS.c.host,
                    PROSPECTS.c.do_not_contact)


def _pending(session: Session, *conditions: Any) -> list[Pending]:
    """Requests joined to their prospects, by id (Core rows fetched at once: 100k ORM rows cost seconds)."""
    query = (select(*_PENDING_COLUMNS).join(PROSPECTS, PROSPECTS.c.id == REQUESTS.c.prospect_id)
             .where(*conditions).order_by(REQUESTS.c.id))
    rows: Sequence[Any] = session.connection().execute(query).all()
    return [Pending(*row) for row in rows]


def _start(session: Session, campaign: Campaign, campaign_id: int, mailboxes: Sequence[MailboxSettings],
           actor: str, now: datetime | None, renderer: Renderer | None, rng: random.Random | None) -> Run:
    """A run with its planner loaded from what the store already holds."""
    if not mailboxes:
        raise SendingError("no sending mailbox is configured: set OUTREACH_SMTP_HOST and OUTREACH_FROM, "
                           "or add [[mailboxes]] to settings.toml")
    moment = now or utcnow()
    spread = rng or random.Random()  # noqa: S311  (send-time spread, not secrets)
    planner = Planner(campaign, {box.name: box for box in mailboxes}, moment, spread)
    planner.load(session, campaign_id)
    return Run(session, campaign, mailboxes, planner, renderer or Renderer(campaign), moment, actor,
                dnc.Blocklist.load(session))


def schedule_request(session: Session, campaign: Campaign, request_id: int, *, actor: str,
                     mailboxes: Sequence[MailboxSettings], now: datetime | None = None,
                     renderer: Renderer | None = None,
                     rng: random.Random | None = None) -> list[OutboxMessage]:
    """Queue one approved request's pitch and follow-ups; the request becomes `scheduled`."""
    found = _pending(session, REQUESTS.c.id == request_id)
    if not found:
        raise SendingError(f"no link request #{request_id}")
    run = _start(session, campaign, found[0].campaign_id, mailboxes, actor, now, renderer, rng)
    _check_followups(run, [found[0]])
    _write(run, [(found[0], _plan_request(run, found[0]))])
    query = select(OutboxMessage).where(col(OutboxMessage.request_id) == request_id).order_by(
        col(OutboxMessage.step))
    return list(session.scalars(query).all())


def schedule_market(session: Session, campaign: Campaign, campaign_id: int, market: str, *, actor: str,
                    mailboxes: Sequence[MailboxSettings], now: datetime | None = None,
                    renderer: Renderer | None = None, rng: random.Random | None = None) -> ScheduleReport:
    """Queue every approved request of a market; one that cannot be queued stays approved, with why."""
    return schedule_markets(session, campaign, campaign_id, [market], actor=actor, mailboxes=mailboxes,
                            now=now, renderer=renderer, rng=rng)


def schedule_markets(session: Session, campaign: Campaign, campaign_id: int, markets: Sequence[str] | None,
                     *, actor: str, mailboxes: Sequence[MailboxSettings], now: datetime | None = None,
                     renderer: Renderer | None = None, rng: random.Random | None = None) -> ScheduleReport:
    """Queue the approved requests of several markets (None: all) in one run, sharing its counters."""
    tags = list(campaign.markets) if markets is None else [campaign.market(market).tag for market in markets]
    run = _start(session, campaign, campaign_id, mailboxes, actor, now, renderer, rng)
    requests, messages, followups, skipped = 0, 0, 0, []
    # The collector would walk 100k requests' rows until they are written; SQLite's default page cache
    # holds a fraction of the requests the read and the updates go through.
    connection = session.connection()
    with gc_paused(), big_write(connection):
        pending = _pending(session, REQUESTS.c.campaign_id == campaign_id, REQUESTS.c.market.in_(tags),
                           REQUESTS.c.state == "approved")
        _check_followups(run, pending)
        # A first large run sorts each secondary index once instead of inserting into it row by row.
        with indexes_deferred(connection, OUTBOX, len(pending)), indexes_deferred(connection, AUDIT,
                                                                                   len(pending)):
            for part in _planned_parts(run, pending):
                planned = [outcome for outcome in part if not isinstance(outcome, str)]
                skipped += [outcome for outcome in part if isinstance(outcome, str)]
                write_run(connection, campaign_id, planned, now=run.now, actor=run.actor)
                requests += len(planned)
                messages += sum(len(rows) for _, rows in planned)
                followups += sum(followup_plan.count(row[-1]) for _, rows in planned for row in rows)
        session.expire_all()
    return ScheduleReport(requests, messages, tuple(skipped), followups)


Outcome = tuple[int, list[tuple[Any, ...]]] | str
"""A request's id and outbox rows, or the line saying why it was skipped."""


def _planned_parts(run: Run, pending: Sequence[Pending]) -> Iterator[list[Outcome]]:
    """Each request planned, in order: for a large run, in a forked child a part at a time while the
    parent writes (the child reads nothing from the database)."""
    if len(pending) < FORK_FROM or not forked.can_fork():
        yield [_outcome(run, request) for request in pending]
        return
    yield from forked.forked_map(functools.partial(_outcome, run), pending, FORKED_PART)


def _outcome(run: Run, request: Pending) -> Outcome:
    """A request's planned rows, or why it cannot be scheduled."""
    try:
        return request.id, _plan_request(run, request)
    # A template error here comes from this request's own data (a subject that would inject a header):
    # skip the request with why, and schedule the rest.
    except (SendingError, TemplateError) as exc:
        return f"request #{request.id}: {exc}"


def _check_followups(run: Run, pending: Sequence[Pending]) -> None:
    """Read, once per market, whether its follow-ups' current text is approved (before any fork)."""
    texts = FollowupTexts(run.session, run.campaign, run.renderer)
    for tag in sorted({request.market for request in pending} - run.followup_errors.keys()):
        try:
            for number in range(1, len(run.campaign.sending_for(tag).followups) + 1):
                texts.check(tag, number)
        except (SendingError, TemplateError) as exc:
            run.followup_errors[tag] = str(exc)
        else:
            run.followup_errors[tag] = None


def _market_setup(run: Run, tag: str) -> MarketSetup:
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


def _plan_request(run: Run, request: Pending) -> list[tuple[Any, ...]]:
    """The pitch's outbox row (values in ROW_COLUMNS order): its time planned, its bytes composed, and
    its follow-ups' slots booked in the plan it carries."""
    address = _recipient(run, request)
    setup = _market_setup(run, request.market)
    refused = run.followup_errors.get(request.market)
    if refused:
        raise SendingError(refused)
    market, box = setup.market, setup.box
    timezone = request.timezone or market.timezone
    domain = address.rpartition("@")[2].lower()
    when = _when(run, market, timezone, box.name, domain, None, 0)
    plan, previous = [], when
    for delay in setup.sending.followups:
        previous = _when(run, market, timezone, box.name, domain, previous, delay)
        plan.append(followup_plan.PlannedStep(delay, previous))
    message_id, token = new_message_id(setup.own_domain)
    subject = request.subject or ""
    composed = setup.skeleton.compose(address, request.contact_name, subject, request.body or "", message_id,
                                      token)
    return [(request.id, request.prospect_id, market.tag, 0, box.name, message_id, box.from_address, address,
             domain, timezone, subject, when, 0, composed.content, composed.sha256, composed.smtputf8, None,
             followup_plan.encode(plan))]


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


def _when(run: Run, market: Market, timezone: str, mailbox: str, domain: str,
          previous: datetime | None, delay: int) -> datetime:
    """The pitch's first fitting slot, or a follow-up's `delay` business days after the previous."""
    if previous is None:
        return run.planner.place(market, timezone, mailbox, domain, run.now, pitch=True)
    calendar = run.planner.calendar(market, timezone)
    index = calendar.add_business_days(previous, delay)
    return run.planner.place(market, timezone, mailbox, domain, previous, pitch=False, day_index=index)


def _write(run: Run, planned: list[tuple[Pending, list[tuple[Any, ...]]]]) -> None:
    """Write what the run planned, in the caller's transaction."""
    if planned:
        write_run(run.session.connection(), planned[0][0].campaign_id,
                  [(request.id, rows) for request, rows in planned], now=run.now, actor=run.actor)
        run.session.expire_all()
