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

from outreach.core import dnc, forked
from outreach.core.bulk import big_write, indexes_deferred
from outreach.core.campaign import Campaign
from outreach.core.followup_texts import FollowupTexts
from outreach.core.hot_loops import gc_paused
from outreach.core.models import Prospect, utcnow
from outreach.core.outbox_tables import OutboxMessage
from outreach.core.planner import Planner
from outreach.core.schedule_run import Pending, Run
from outreach.core.schedule_steps import Booked, book, compose_row
from outreach.core.schedule_writes import AUDIT, OUTBOX, REQUESTS, write_run
from outreach.core.send_accounts import MailboxSettings
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
    """Queue one approved request's pitch and book its follow-ups; the request becomes `scheduled`."""
    found = _pending(session, REQUESTS.c.id == request_id)
    if not found:
        raise SendingError(f"no link request #{request_id}")
    request = found[0]
    run = _start(session, campaign, request.campaign_id, mailboxes, actor, now, renderer, rng)
    _check_followups(run, [request])
    row = compose_row(run, request, book(run, request))
    write_run(session.connection(), request.campaign_id, [(request.id, [row])], now=run.now, actor=run.actor)
    session.expire_all()
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
            by_id = {request.id: request for request in pending}
            for part in _booked_parts(run, pending):
                planned, refused = _composed(run, by_id, part)
                skipped += refused
                followups += write_run(connection, campaign_id, planned, now=run.now, actor=run.actor)
                requests += len(planned)
                messages += sum(len(rows) for _, rows in planned)
        session.expire_all()
    return ScheduleReport(requests, messages, tuple(skipped), followups)


Composed = tuple[int, list[tuple[Any, ...]]]
"""A request's id and its outbox rows, ready to write."""
Outcome = Booked | Composed | str
"""A request booked, or booked and composed, or the line saying why it was skipped."""


def _booked_parts(run: Run, pending: Sequence[Pending]) -> Iterator[list[Outcome]]:
    """Each request booked, in order: for a large run, in a forked child a part at a time while the
    parent composes and writes (the child reads nothing from the database)."""
    if len(pending) < FORK_FROM or not forked.can_fork():
        yield [_outcome(run, request) for request in pending]
        return
    yield from forked.forked_map(functools.partial(_forked_outcome, run), pending, FORKED_PART)


def _forked_outcome(run: Run, request: Pending) -> Outcome:
    """In the child: booked, and for a share of requests composed too. The child books one slot per
    message of the sequence while the parent writes a row per request, so the share falls as the
    sequence grows: all with no follow-ups, half with two. Composing depends on the request alone, so
    the bytes are the same whichever process makes them."""
    outcome = _outcome(run, request)
    if not isinstance(outcome, Booked):
        return outcome
    followups = len(run.markets[request.market].sending.followups)
    return _compose(run, request, outcome) if request.id * 2 % (2 + followups) < 2 else outcome


def _outcome(run: Run, request: Pending) -> Booked | str:
    """A request's booking, or why it cannot be scheduled."""
    try:
        return book(run, request)
    except SendingError as exc:
        return f"request #{request.id}: {exc}"


def _compose(run: Run, request: Pending, booked: Booked) -> Composed | str:
    """The booked request's row, or why its own text cannot make a safe message (a subject that would
    inject a header): that request is skipped, the rest are scheduled."""
    try:
        return request.id, [compose_row(run, request, booked)]
    except (SendingError, TemplateError) as exc:
        return f"request #{request.id}: {exc}"


def _composed(run: Run, by_id: dict[int, Pending], part: list[Outcome]) -> tuple[list[Composed], list[str]]:
    """The part's requests with their rows composed where the child left them booked, and the lines
    of those skipped."""
    planned: list[Composed] = []
    skipped: list[str] = []
    for outcome in part:
        made = _compose(run, by_id[outcome.request_id], outcome) if isinstance(outcome, Booked) else outcome
        if isinstance(made, str):
            skipped.append(made)
        else:
            planned.append(made)
    return planned, skipped


def _check_followups(run: Run, pending: Sequence[Pending]) -> None:
    """Read, once per market, whether its follow-ups' current text is approved (before any fork)."""
    texts = FollowupTexts(run.session, run.campaign, run.renderer)
    for tag in sorted({request.market for request in pending} - run.followup_errors.keys()):
        numbers = range(1, len(run.campaign.sending_for(tag).followups) + 1)
        refusals = (texts.refusal(tag, number) for number in numbers)
        run.followup_errors[tag] = next((why for why in refusals if why), None)
