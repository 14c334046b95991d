"""The rule gate: every rule's finding for a link request, with overrides applied."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from pydantic import BaseModel

from outreach.core import rules_contact, rules_mix, rules_pace
from outreach.core.findings import NOT_OVERRIDABLE, RULES, Finding, Override, Verdict
from outreach.core.gate_inputs import Snapshot, Subject
from outreach.core.rule_settings import RuleSettings

RuleCheck = Callable[[Subject, Snapshot, RuleSettings], Finding]

CHECKS: dict[str, RuleCheck] = {
    "target-version": rules_contact.target_version,
    "language-match": rules_contact.language_match,
    "anchor-mix": rules_mix.anchor_mix,
    "anchor-geo": rules_mix.anchor_geo,
    "anchor-exact-repeat": rules_mix.anchor_exact_repeat,
    "local-mix": rules_mix.local_mix,
    "velocity": rules_pace.velocity,
    "one-language-swamp": rules_pace.one_language_swamp,
    "quality": rules_contact.quality,
    "cooldown": rules_contact.cooldown,
    "do-not-contact": rules_contact.do_not_contact,
    "template": rules_contact.template,
    "email": rules_contact.email,
}
assert tuple(CHECKS) == RULES, "every rule has a check, listed in RULES order"


def _switched_off(rule: str, settings: RuleSettings) -> bool:
    """Whether campaign.toml disabled this rule for the market."""
    section = getattr(settings, rule.replace("-", "_"), None)
    return isinstance(section, BaseModel) and getattr(section, "enabled", True) is False


def check(subject: Subject, snap: Snapshot, overrides: Mapping[str, Override] | None = None) -> list[Finding]:
    """Every rule's finding for one request, in RULES order, overridden blocks marked."""
    settings = snap.campaign.rules_for(subject.market.tag)
    findings = []
    for rule, run in CHECKS.items():
        if _switched_off(rule, settings):
            finding = Finding(rule, Verdict.PASS, f"switched off for {subject.market.tag} in campaign.toml")
        else:
            finding = run(subject, snap, settings)
        override = (overrides or {}).get(rule)
        if override and finding.verdict is Verdict.BLOCK and rule not in NOT_OVERRIDABLE:
            finding = finding.overridden_by(override)
        findings.append(finding)
    return findings
