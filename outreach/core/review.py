"""Native-speaker review: each market's templates are approved or rejected for their exact content.

An approval records the reviewer, the time and the content hash; any later edit on disk puts the
template back to `needs review`. Only an approved template of the market's own folder (or of a
fallback its locale.toml declares), in the market's language, can be sent: `approval_state`,
`message_approval` and `rendered_approval` are what the rule gate asks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from outreach.core import audit, qa
from outreach.core.campaign import Campaign
from outreach.core.locale_folders import SUBJECT, Library, LocaleSettings, Origin, TemplateSource
from outreach.core.models import CampaignRecord, TemplateReview, utcnow
from outreach.core.store import register_campaign
from outreach.core.templates import RenderedMessage, Renderer
from outreach.errors import ContentError, ReviewError, TemplateNotFoundError

State = Literal["approved", "needs review", "rejected", "missing"]
SENDABLE_ORIGINS: frozenset[Origin] = frozenset({"own", "declared"})
_AUDIT_ACTIONS = {"approved": "template.approve", "rejected": "template.reject"}


@dataclass(frozen=True)
class ApprovalState:
    """Where one market's template stands for its current content."""

    market: str
    template: str
    state: State
    source: TemplateSource | None
    """The text on disk now; None when no folder has the template."""
    review: TemplateReview | None = None
    """The latest decision, which may be on older content."""
    note: str = ""
    """What people should know: `changed since approved by …`, `uses es-419's template`."""

    @property
    def sendable(self) -> bool:
        """Approved for the current text, from the market's own or declared folder, in its language."""
        return self.why_not_sendable is None

    @property
    def why_not_sendable(self) -> str | None:
        """The reason this template cannot be sent, or None when it can."""
        if self.source is None:
            return f"{self.market} has no {self.template} template"
        if self.state != "approved":
            return f"{self.market} {self.template} is {self.state}"
        if self.source.origin not in SENDABLE_ORIGINS:
            return (f"{self.market} {self.template} comes from {self.source.folder}, which "
                    f"{self.market}'s locale.toml does not declare as its fallback")
        language = self.market.split("-")[0].lower()
        if self.source.language != language:
            return f"{self.market} {self.template} is written in '{self.source.language}', not '{language}'"
        return None


@dataclass(frozen=True)
class MessageApproval:
    """Whether a message (pitch or follow-up) can be sent: its subject and body must both be."""

    market: str
    message: str
    parts: tuple[ApprovalState, ApprovalState]

    @property
    def sendable(self) -> bool:
        """Both subject and body are sendable."""
        return all(part.sendable for part in self.parts)

    @property
    def reasons(self) -> list[str]:
        """Why not, one line per part that blocks."""
        return [reason for part in self.parts if (reason := part.why_not_sendable)]


def _library(campaign: Campaign, library: Library | None) -> Library:
    return library or Library(campaign.source.parent)


def _campaign_id(session: Session, campaign: Campaign) -> int | None:
    """The campaign's row id, if the store knows it (reading never registers it)."""
    return session.exec(select(CampaignRecord.id).where(CampaignRecord.slug == campaign.id)).first()


def _latest(session: Session, campaign_id: int | None, tag: str, template: str) -> TemplateReview | None:
    if campaign_id is None:
        return None
    return session.exec(select(TemplateReview).where(
        TemplateReview.campaign_id == campaign_id, TemplateReview.market == tag,
        TemplateReview.template == template)).first()


def approval_state(session: Session, campaign: Campaign, tag: str, template_name: str, *,
                   library: Library | None = None) -> ApprovalState:
    """Where a market's template stands for the text on disk now (the rule gate's question)."""
    market = campaign.market(tag).tag
    review = _latest(session, _campaign_id(session, campaign), market, template_name)
    try:
        source = _library(campaign, library).resolve(market, template_name)
    except TemplateNotFoundError as exc:
        return ApprovalState(market, template_name, "missing", None, review, exc.message)
    return _state(market, template_name, source, review)


def _state(market: str, template: str, source: TemplateSource,
           review: TemplateReview | None) -> ApprovalState:
    """Derive the state from the latest decision and whether the content changed since."""
    borrowed = "" if source.origin == "own" else f"uses {source.folder}'s template"
    if review is None:
        return ApprovalState(market, template, "needs review", source, None, borrowed)
    if review.content_hash != source.content_hash:
        when = review.decided_at.date().isoformat()
        note = f"changed since {review.decision} by {review.reviewer} on {when}"
        return ApprovalState(market, template, "needs review", source, review,
                             "; ".join(filter(None, [note, borrowed])))
    state: State = "approved" if review.decision == "approved" else "rejected"
    return ApprovalState(market, template, state, source, review, borrowed)


def message_approval(session: Session, campaign: Campaign, tag: str, message: str, *,
                     library: Library | None = None) -> MessageApproval:
    """Whether a message and its subject are approved, sendable for this market, as they are now."""
    library = _library(campaign, library)
    parts = (approval_state(session, campaign, tag, SUBJECT, library=library),
             approval_state(session, campaign, tag, message, library=library))
    return MessageApproval(campaign.market(tag).tag, message, parts)


def rendered_approval(session: Session, campaign: Campaign, message: RenderedMessage, *,
                      library: Library | None = None) -> MessageApproval:
    """Whether a rendered message came from the approved text (checked by hash, so an edit made
    between rendering and queueing is caught either way)."""
    library = _library(campaign, library)
    parts = []
    for rendered_from in (message.subject_source, message.body_source):
        state = approval_state(session, campaign, message.market, rendered_from.name, library=library)
        if state.source is None or state.source.content_hash != rendered_from.content_hash:
            state = ApprovalState(message.market, rendered_from.name, "needs review", rendered_from,
                                  state.review, "rendered from text that is no longer on disk: render again")
        parts.append(state)
    return MessageApproval(message.market, message.message, (parts[0], parts[1]))


def approve(session: Session, renderer: Renderer, tag: str, template_name: str, reviewer: str, *,
            expected_hash: str | None = None, actor: str | None = None, comment: str = "",
            today: date | None = None) -> ApprovalState:
    """Approve a template's current text; ReviewError if QA finds errors or the text changed."""
    market = renderer.campaign.market(tag).tag
    source = renderer.library.resolve(market, template_name)
    _check_hash(source, expected_hash)
    errors = [finding for finding in qa.check_template(renderer, market, template_name, today=today)
              if finding.severity == "error"]
    if errors:
        lines = "\n".join(f"  {finding}" for finding in errors)
        raise ReviewError(f"{market} {template_name} cannot be approved: {len(errors)} QA error(s)\n{lines}")
    return _decide(session, renderer.campaign, source, "approved", reviewer, comment, actor)


def reject(session: Session, campaign: Campaign, tag: str, template_name: str, reviewer: str,
           comment: str, *, library: Library | None = None, expected_hash: str | None = None,
           actor: str | None = None) -> ApprovalState:
    """Reject a template's current text with a comment saying what to change."""
    if not comment.strip():
        raise ReviewError("a rejection needs a comment saying what to change")
    source = _library(campaign, library).resolve(campaign.market(tag).tag, template_name)
    _check_hash(source, expected_hash)
    return _decide(session, campaign, source, "rejected", reviewer, comment.strip(), actor)


def _check_hash(source: TemplateSource, expected: str | None) -> None:
    """Refuse when the reviewer saw other text than what is on disk now."""
    if expected and not source.content_hash.startswith(expected.lower()):
        raise ReviewError(f"{source.path} changed since you reviewed it (content {source.short_hash}, "
                          f"not {expected}); preview it again")


def _decide(session: Session, campaign: Campaign, source: TemplateSource, decision: str,
            reviewer: str, comment: str, actor: str | None) -> ApprovalState:
    """Record the decision and its audit entry in the caller's transaction."""
    if not reviewer.strip():
        raise ReviewError("say who reviewed: --as NAME")
    campaign_id = register_campaign(session, campaign, actor or reviewer)
    review = _latest(session, campaign_id, source.market, source.name) or TemplateReview(
        campaign_id=campaign_id, market=source.market, template=source.name, decision=decision,
        content_hash=source.content_hash, source=source.folder, reviewer=reviewer)
    review.decision, review.content_hash, review.source = decision, source.content_hash, source.folder
    review.reviewer, review.comment, review.decided_at = reviewer.strip(), comment, utcnow()
    session.add(review)
    try:
        session.flush()
    except IntegrityError:
        # Two first decisions on the same template at once (PostgreSQL): the later one loses.
        raise ReviewError(f"another review of {source.market} {source.name} was recorded at the same "
                          "time; look at `review status` and decide again") from None
    detail = {"content_hash": source.content_hash, "source": source.folder, "comment": comment}
    if actor and actor != reviewer:
        detail["recorded_by"] = actor
    audit.record(session, actor=reviewer.strip(), action=_AUDIT_ACTIONS[decision],
                 object_type="template", object_id=f"{source.market}/{source.name}",
                 campaign_id=campaign_id, detail=detail)
    session.flush()
    return _state(source.market, source.name, source, review)


@dataclass(frozen=True)
class TemplateStatus:
    """A template's approval state with its QA findings."""

    approval: ApprovalState
    findings: list[qa.Finding]


@dataclass
class MarketStatus:
    """A market's locale settings, fallback chain and each template's status."""

    tag: str
    settings: LocaleSettings | None = None
    chain: list[str] = field(default_factory=list)
    templates: list[TemplateStatus] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    """Market-level errors (a broken locale.toml or brief) that stop every check."""

    @property
    def has_errors(self) -> bool:
        """Whether anything here blocks approval or sending."""
        return bool(self.problems) or any(
            item.approval.state == "missing" or qa.has_errors(item.findings) for item in self.templates)


def status(session: Session, renderer: Renderer, markets: list[str] | None = None, *,
           today: date | None = None) -> list[MarketStatus]:
    """Every template's state and findings, market by market in priority order."""
    campaign = renderer.campaign
    chosen = [campaign.market(tag) for tag in markets] if markets else campaign.by_priority()
    tags = [market.tag for market in chosen]
    return [_market_status(session, renderer, tag, today) for tag in tags]


def _market_status(session: Session, renderer: Renderer, tag: str, today: date | None) -> MarketStatus:
    result = MarketStatus(tag)
    try:
        result.chain = [step.folder for step in renderer.library.chain(tag)]
        result.settings = renderer.library.market_settings(tag)
        for name in renderer.library.template_names(tag):
            state = approval_state(session, renderer.campaign, tag, name, library=renderer.library)
            findings = qa.check_template(renderer, tag, name, today=today)
            result.templates.append(TemplateStatus(state, findings))
    except ContentError as exc:
        result.problems.extend(exc.problems)
    return result


def decided_at_label(moment: datetime | None) -> str:
    """A decision time for people: `2026-11-20 14:05 UTC`."""
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else ""
