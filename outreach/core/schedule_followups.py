"""A scheduling run's follow-ups: rendered per prospect from approved text only, approvals read once."""

from __future__ import annotations

from collections.abc import Sequence

from outreach.core import review
from outreach.core.campaign import Market
from outreach.core.compose import reply_prefix, reply_subject
from outreach.core.locale_folders import SUBJECT
from outreach.core.models import Prospect
from outreach.core.schedule_run import Pending, Run
from outreach.core.send_settings import SendingSettings
from outreach.core.templates import RenderedMessage
from outreach.errors import SendingError, TemplateError


def followup_texts(run: Run, request: Pending, market: Market,
                   sending: SendingSettings) -> list[tuple[str, str]]:
    """Subject and body of each follow-up, rendered now from approved text only."""
    if not sending.followups:
        return []
    prospect = run.prospects.get(request.prospect_id)
    if prospect is None and not run.offline:  # read with the others unless it is new since
        prospect = run.session.get(Prospect, request.prospect_id)
    if prospect is None:
        raise SendingError(f"request #{request.id}: its prospect #{request.prospect_id} is gone")
    subject = reply_subject(request.subject or "", reply_prefix(market.language, sending.reply_prefix))
    # One context and one subject serve every follow-up: they depend on the prospect, not the step.
    context = run.renderer.context(market.tag, prospect, request.page_url, request.anchor)
    rendered_subject = run.renderer.render_subject(market.tag, context)
    texts = []
    for number in range(1, len(sending.followups) + 1):
        rendered = run.renderer.render_with(market.tag, f"followup-{number}", context, rendered_subject)
        if not sendable(run, rendered):
            raise SendingError(f"{market.tag} followup-{number} is not approved for its current text")
        texts.append((subject, rendered.body))
    return texts


def sendable(run: Run, rendered: RenderedMessage) -> bool:
    """Whether a follow-up's text is approved, read once per template version."""
    key = (rendered.market, rendered.message, rendered.subject_source.content_hash,
           rendered.body_source.content_hash)
    if key not in run.approved_sources:
        if run.offline:  # its file changed after the approvals were read: it needs a fresh look
            raise SendingError(f"{rendered.market} {rendered.message} changed while scheduling: "
                               "schedule again")
        approval = review.rendered_approval(run.session, run.campaign, rendered, library=run.renderer.library)
        run.approved_sources[key] = approval.sendable
    return run.approved_sources[key]


def approvals_read(run: Run, pending: Sequence[Pending]) -> bool:
    """Whether the approval of each follow-up's current text could be read now, as rendering will find it."""
    for tag in sorted({request.market for request in pending}):
        for number in range(1, len(run.campaign.sending_for(tag).followups) + 1):
            message = f"followup-{number}"
            try:
                subject, body = (run.renderer.compile(tag, name)[0] for name in (SUBJECT, message))
            except TemplateError:
                return False  # planning in process raises it where it always did
            sendable(run, RenderedMessage(tag, message, "", "", subject, body))
    return True
