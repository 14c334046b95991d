"""Rules on who is pitched and where the link points: version, language, quality, contact, text."""

from __future__ import annotations

from functools import lru_cache

from email_validator import EmailNotValidError, validate_email

from outreach.core.findings import Finding, Verdict
from outreach.core.gate_inputs import Snapshot, Subject
from outreach.core.locales import country_of
from outreach.core.rule_settings import RuleSettings
from outreach.core.urlversions import Placement, place_url, version_of_market


def parent_domains(host: str) -> set[str]:
    """A host and each parent with at least two labels: a.b.mx → {a.b.mx, b.mx}."""
    parts = host.lower().split(".")
    return {".".join(parts[index:]) for index in range(len(parts) - 1)}


@lru_cache(maxsize=65536)
def _checked_address(address: str) -> tuple[str, str | None]:
    """The normalised address and no problem, or the address and what is wrong with it."""
    try:
        return validate_email(address, check_deliverability=False).normalized, None
    except EmailNotValidError as exc:
        return address, str(exc)


def target_version(subject: Subject, snap: Snapshot, settings: RuleSettings) -> Finding:
    """The page belongs to the prospect's market: not the root, not another market's version."""
    market = subject.market
    own = version_of_market(snap.campaign, market).root_url
    verdict = place_url(snap.campaign, subject.page_url, market.tag)
    numbers: dict[str, float | int | str] = {"expected": own, "placement": verdict.placement.value}
    if verdict.placement is Placement.OWN:
        return _own_version(subject, settings, own, numbers)
    if verdict.placement is Placement.OTHER_MARKET and verdict.version is not None:
        message = (f"{subject.page_url} is {verdict.version.market}'s version "
                   f"({verdict.version.root_url}); the prospect is in {market.tag}")
    elif verdict.placement is Placement.SITE_ROOT:
        message = (f"{subject.page_url} is outside every market version (the root or a global page): "
                   f"it does not reach {market.tag}'s version {own}")
    elif verdict.placement is Placement.RELATIVE:
        message = f"'{subject.page_url}' is not an absolute URL"
    else:
        message = f"{subject.page_url} is not on the client site"
    return Finding("target-version", Verdict.BLOCK, message, numbers)


def _own_version(subject: Subject, settings: RuleSettings, own: str,
                 numbers: dict[str, float | int | str]) -> Finding:
    """Inside the market's version: a declared page passes, a language-only page needs permission."""
    page = subject.page
    if page is None:
        return Finding("target-version", Verdict.WARN,
                       f"{subject.page_url} is inside {own} but not a declared target page", numbers)
    if country_of(page.hreflang) is None and not settings.target_version.allow_language_pages:
        return Finding("target-version", Verdict.BLOCK,
                       f"{page.url} is a language-only page ('{page.hreflang}') and "
                       f"{subject.market.tag} does not allow language pages", numbers)
    return Finding("target-version", Verdict.PASS,
                   f"{page.url} is {subject.market.tag}'s own version ({own})", numbers)


def language_match(subject: Subject, snap: Snapshot, settings: RuleSettings) -> Finding:
    """The prospect's site, and the text around the link, are in the page's language."""
    page_language = subject.page.language if subject.page else subject.market.language
    prospect = subject.prospect
    numbers: dict[str, float | int | str] = {"page": page_language,
                                             "prospect": prospect.language or "unknown"}
    if subject.context_language and subject.context_language != page_language:
        return Finding("language-match", Verdict.BLOCK,
                       f"the context around the anchor is in '{subject.context_language}' but "
                       f"{subject.page_label} is in '{page_language}'", numbers)
    if prospect.language is None:
        verdict = Verdict(settings.language_match.unknown)
        return Finding("language-match", verdict,
                       f"{prospect.label}'s language is unknown; {subject.page_label} is in "
                       f"'{page_language}': confirm it before pitching", numbers)
    if prospect.language != page_language:
        return Finding("language-match", Verdict.BLOCK,
                       f"{prospect.label} writes in '{prospect.language}' ({prospect.language_source}) "
                       f"but {subject.page_label} is in '{page_language}'", numbers)
    return Finding("language-match", Verdict.PASS,
                   f"{prospect.label} writes in '{prospect.language}' ({prospect.language_source}), "
                   f"as the page", numbers)


def quality(subject: Subject, snap: Snapshot, settings: RuleSettings) -> Finding:
    """Each metric with a threshold in this market meets it."""
    rule = settings.quality
    metrics = subject.prospect.metrics
    below = [f"{name.upper()} {metrics[name]:g} < {minimum:g}" for name, minimum in rule.min.items()
             if name in metrics and metrics[name] < minimum]
    missing = [name.upper() for name in rule.min if name not in metrics]
    numbers: dict[str, float | int | str] = {name: value for name, value in metrics.items()}
    where = f"{subject.market.tag} threshold"
    if below:
        return Finding("quality", Verdict.BLOCK,
                       f"{subject.prospect.label}: {', '.join(below)} ({where})", numbers)
    if missing and rule.missing != "pass":
        return Finding("quality", Verdict(rule.missing),
                       f"{subject.prospect.label} has no {', '.join(missing)} to compare with the {where}",
                       numbers)
    shown = ", ".join(f"{name.upper()} {metrics[name]:g} ≥ {m:g}" for name, m in rule.min.items()
                      if name in metrics)
    return Finding("quality", Verdict.PASS, shown or "no threshold set", numbers)


def _contact_keys(subject: Subject) -> list[str]:
    """Keys under which pitches to the same domain or address are filed."""
    keys = [f"domain:{subject.prospect.domain}"]
    if subject.prospect.email:
        keys.append(f"email:{subject.prospect.email.lower()}")
    return keys


def cooldown(subject: Subject, snap: Snapshot, settings: RuleSettings) -> Finding:
    """Nobody pitched within the cooldown in any campaign, and not in another open request."""
    days = settings.cooldown.days
    for key in _contact_keys(subject):
        for contact in snap.contacts.get(key, []):
            if contact.request_id == subject.request_id:
                continue
            who = key.split(":", 1)[1]
            if contact.pitched_at is not None and (snap.now - contact.pitched_at).days < days:
                ago = (snap.now - contact.pitched_at).days
                return Finding("cooldown", Verdict.BLOCK,
                               f"{who} was pitched {ago} days ago (request #{contact.request_id}, "
                               f"campaign {contact.campaign}); cooldown {days} days",
                               {"days_ago": ago, "cooldown": days})
            if contact.pitched_at is None:
                return Finding("cooldown", Verdict.BLOCK,
                               f"{who} is in open request #{contact.request_id} ({contact.state}, "
                               f"campaign {contact.campaign})", {"request": contact.request_id})
    return Finding("cooldown", Verdict.PASS, f"{subject.prospect.domain} not pitched in the last "
                   f"{days} days nor in another open request")


def do_not_contact(subject: Subject, snap: Snapshot, settings: RuleSettings) -> Finding:
    """The prospect, its address and its domain (or a parent domain) are not on the list."""
    prospect = subject.prospect
    email = (prospect.email or "").lower()
    host_hit = sorted(parent_domains(prospect.host or prospect.domain) & snap.dnc_domains)
    if prospect.do_not_contact or prospect.stage == "do-not-contact":
        reason = f"{prospect.label} is marked do-not-contact"
    elif email and email in snap.dnc_emails:
        reason = f"{email} is on the do-not-contact list"
    elif host_hit:
        reason = f"domain {host_hit[0]} is on the do-not-contact list"
    else:
        return Finding("do-not-contact", Verdict.PASS, "not on the do-not-contact list")
    return Finding("do-not-contact", Verdict.BLOCK, f"{reason}: it can never be pitched")


def template(subject: Subject, snap: Snapshot, settings: RuleSettings) -> Finding:
    """The template is approved for its current text and comes from the market's own locale chain."""
    state = snap.templates.get((subject.market.tag, subject.template))
    if state is None:
        return Finding("template", Verdict.BLOCK,
                       f"no '{subject.template}' template found for {subject.market.tag}")
    verdict = Verdict.PASS if state.approved else Verdict.BLOCK
    return Finding("template", verdict, state.detail, {"locale": state.locale})


def email(subject: Subject, snap: Snapshot, settings: RuleSettings) -> Finding:
    """The address is valid and neither it nor its domain is suppressed (bounced, unsubscribed)."""
    address = subject.prospect.email
    if not address:
        return Finding("email", Verdict.BLOCK, f"{subject.prospect.label} has no email address")
    normalised, problem = _checked_address(address)
    if problem:
        return Finding("email", Verdict.BLOCK, f"{address} is not a valid address: {problem}")
    if {address.lower(), address.rsplit("@", 1)[-1].lower()} & snap.suppressed:
        return Finding("email", Verdict.BLOCK,
                       f"{normalised} is suppressed (bounced, unsubscribed or forgotten)")
    return Finding("email", Verdict.PASS, f"{normalised} is valid and not suppressed")
