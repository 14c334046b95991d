"""Settings of the rule gate, read from campaign.toml's [rules] and each market's overrides.

Defaults follow the seeds and ../shared/reference/seo-data-formats.md; every value can be
overridden per market in `[markets.<tag>.rules]`.
"""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

Share = float  # a fraction between 0 and 1


class _Section(BaseModel):
    """Common shape of a rule's settings: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    """Set false to switch the rule off for the campaign or one market."""


class TargetVersionSettings(_Section):
    """target-version: the page must be the prospect market's own URL version."""

    allow_language_pages: bool = False
    """Allow a language-only page (hreflang `es`) as a target for this market."""


class LanguageMatchSettings(_Section):
    """language-match: the prospect site's language equals the page's language."""

    unknown: Literal["pass", "warn", "block"] = "warn"
    """Verdict when the prospect's language is not known."""


class AnchorMixSettings(_Section):
    """anchor-mix: the anchor classes on one URL version stay natural."""

    exact_warn: Share = Field(0.05, ge=0, le=1)
    """Exact-match share above which a request warns."""
    exact_block: Share = Field(0.10, ge=0, le=1)
    """Exact-match share above which a request is blocked."""
    branded_naked_min: Share = Field(0.50, ge=0, le=1)
    """Branded plus naked-URL share below which a request warns."""
    near_match: int = Field(90, ge=50, le=100)
    """rapidfuzz score (0-100) at which an anchor counts as a near-exact keyword."""

    @model_validator(mode="after")
    def _warn_before_block(self) -> Self:
        if self.exact_warn > self.exact_block:
            raise ValueError("exact_warn must not be above exact_block")
        return self


class AnchorGeoSettings(_Section):
    """anchor-geo: anchors never name another market's country, city or currency."""

    check_context: bool = True
    """Also check the text proposed around the anchor."""


class AnchorRepeatSettings(_Section):
    """anchor-exact-repeat: one exact keyword is not the anchor on many versions of a cluster."""

    max_versions: int = Field(1, ge=1)
    """How many versions of a cluster may carry the same exact-match anchor before warning."""


class LocalMixSettings(_Section):
    """local-mix: each URL version's share of local sources follows its page's mix rule."""

    local_first_min: Share = Field(0.60, ge=0, le=1)
    """local-first pages keep at least this local share."""
    balanced_min: Share = Field(0.40, ge=0, le=1)
    """balanced pages keep at least this local share..."""
    balanced_max: Share = Field(0.60, ge=0, le=1)
    """...and at most this one."""
    global_first_max: Share = Field(0.40, ge=0, le=1)
    """global-first pages keep at most this local share."""
    min_sample: int = Field(5, ge=1)
    """Links on a version before the rule may block (below it, it only warns)."""

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.balanced_min > self.balanced_max:
            raise ValueError("balanced_min must not be above balanced_max")
        return self


class RampStep(BaseModel):
    """One period of a new market's ramp: at most `links` new links by day `until_day`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    until_day: int = Field(ge=1)
    links: int = Field(ge=0)


def _seed_ramp() -> tuple[RampStep, ...]:
    """Seed 001's 90-day plan: 2 local links, then +1-2 global and +1 local, then grow."""
    return (RampStep(until_day=30, links=2), RampStep(until_day=60, links=5),
            RampStep(until_day=90, links=9))


class VelocitySettings(_Section):
    """velocity: requests and placements per market stay within rolling caps and the ramp."""

    requests_7d: int = Field(25, ge=0)
    requests_30d: int = Field(80, ge=0)
    placements_7d: int = Field(4, ge=0)
    placements_30d: int = Field(12, ge=0)
    spike_factor: float = Field(3.0, gt=1)
    """A week above this multiple of the trailing weekly median is a spike."""
    ramp: tuple[RampStep, ...] = Field(default_factory=_seed_ramp)
    """Cumulative caps on new links since the market's launch date."""

    @model_validator(mode="after")
    def _ramp_ascends(self) -> Self:
        days = [step.until_day for step in self.ramp]
        if days != sorted(set(days)):
            raise ValueError("ramp steps must have strictly increasing until_day")
        return self


class SwampSettings(_Section):
    """one-language-swamp: among markets sharing a language, none takes too many new links."""

    ceiling: Share = Field(0.60, gt=0, le=1)
    window_days: int = Field(30, ge=1)
    min_links: int = Field(5, ge=1)
    """New links in the language before the rule applies."""


class QualitySettings(_Section):
    """quality: the prospect's metrics meet the market's thresholds."""

    min: dict[str, float] = Field(default_factory=lambda: {"dr": 20.0})
    """Minimum per metric name (dr, da, as, tf, traffic)."""
    missing: Literal["pass", "warn", "block"] = "warn"
    """Verdict when the prospect lacks a metric that has a threshold."""


class CooldownSettings(_Section):
    """cooldown: no domain or contact is pitched twice within the window, in any campaign."""

    days: int = Field(90, ge=0)


class ForeignSpikeSettings(_Section):
    """foreign-spike: placements from an untargeted language clustered in one week."""

    window_days: int = Field(7, ge=1)
    min_links: int = Field(3, ge=1)


class RuleSettings(BaseModel):
    """Every rule's settings; `[rules]` in campaign.toml, overridable per market."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    target_version: TargetVersionSettings = TargetVersionSettings()
    language_match: LanguageMatchSettings = LanguageMatchSettings()
    anchor_mix: AnchorMixSettings = AnchorMixSettings()
    anchor_geo: AnchorGeoSettings = AnchorGeoSettings()
    anchor_exact_repeat: AnchorRepeatSettings = AnchorRepeatSettings()
    local_mix: LocalMixSettings = LocalMixSettings()
    velocity: VelocitySettings = VelocitySettings()
    one_language_swamp: SwampSettings = SwampSettings()
    quality: QualitySettings = QualitySettings()
    cooldown: CooldownSettings = CooldownSettings()
    foreign_spike: ForeignSpikeSettings = ForeignSpikeSettings()


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge a market's rule overrides over the campaign's rules (tables merge, rest replace)."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged
