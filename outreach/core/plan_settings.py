"""What PR leads decide and enter for planning: criteria weights, market inputs, ramp periods."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Criterion = Literal["volume", "competitiveness", "ecosystem", "resources"]
CRITERIA: tuple[Criterion, ...] = ("volume", "competitiveness", "ecosystem", "resources")
PERIOD_DAYS = 30


class _Strict(BaseModel):
    """Frozen and closed: a typo in campaign.toml is an error, not a silently ignored key."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _default_weights() -> dict[Criterion, float]:
    """Demand first, then how ready the market is to answer, then cost and people."""
    return {"volume": 0.35, "competitiveness": 0.20, "ecosystem": 0.25, "resources": 0.20}


class PlanningSettings(_Strict):
    """`[planning]`: how much each criterion weighs when markets are ranked."""

    weights: dict[Criterion, float] = Field(default_factory=_default_weights)
    """Relative weights; they need not add up to 1 (they are normalised)."""
    ecosystem_target: int = Field(50, ge=1)
    """Local prospects above the threshold at which a market's ecosystem counts as mature."""

    @model_validator(mode="after")
    def _some_weight(self) -> PlanningSettings:
        if any(value < 0 for value in self.weights.values()):
            raise ValueError("weights must not be negative")
        if not sum(self.weights.values()):
            raise ValueError("at least one weight must be above 0")
        return self


class MarketPlanning(_Strict):
    """`[markets.<tag>.planning]`: the lead's inputs for one market."""

    search_volume: int | None = Field(None, ge=0)
    """Monthly searches of the market's target keywords (entered or from a keyword export)."""
    competitiveness: float | None = Field(None, ge=0, le=100)
    """Keyword difficulty, 0-100 (entered or the mean KD of a keyword export)."""
    reviewers: tuple[str, ...] = ()
    """Native-speaker reviewers assigned to the market's locale."""
    staff: tuple[str, ...] = ()
    """Outreach staff assigned to the market."""


class RampPeriod(_Strict):
    """One 30-day period of a URL version's ramp: how many links, their locality and anchors."""

    page: str
    """URL of the target page (URL version) the period plans for."""
    period: int = Field(ge=1)
    """1 for days 1-30 since the market's launch, 2 for days 31-60, and so on."""
    local: int = Field(0, ge=0)
    global_: int = Field(0, ge=0, alias="global")
    anchors: dict[str, int] = Field(default_factory=dict)
    """Planned links per anchor class (branded, naked, generic, partial...)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @property
    def links(self) -> int:
        """Planned links in the period."""
        return self.local + self.global_

    @property
    def until_day(self) -> int:
        """Last day (since launch) of the period."""
        return self.period * PERIOD_DAYS
