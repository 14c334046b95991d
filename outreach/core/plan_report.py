"""Everything a PR lead decides from, gathered once for the CLI, the app and the client exports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from outreach.core.campaign import Campaign
from outreach.core.plan_markets import RankedMarket, local_supply, rank_markets
from outreach.core.plan_mix import MixAdvice, advise
from outreach.core.plan_ramp import MarketRamp, generate
from outreach.core.plan_review import PeriodProgress, Review, progress, review
from outreach.core.plan_thresholds import Suggestion, suggestions


@dataclass(frozen=True)
class MarketPlan:
    """One market's planning data."""

    tag: str
    thresholds: list[Suggestion]
    mix: list[MixAdvice]
    ramp: MarketRamp
    """The accepted ramp when there is one, else the proposal."""
    accepted: bool
    progress: list[PeriodProgress]
    review: Review


@dataclass(frozen=True)
class PlanReport:
    """The campaign's plan: ranked markets and each market's details."""

    campaign: str
    today: date
    ranked: list[RankedMarket]
    markets: list[MarketPlan]


def proposed_ramp(advice: list[MixAdvice], campaign: Campaign, tag: str) -> MarketRamp:
    """The ramp the competitor mix suggests for a market."""
    return generate(campaign.market(tag), {item.page: item.share for item in advice})


def market_plan(session: Session, campaign: Campaign, campaign_id: int, tag: str, today: date) -> MarketPlan:
    """One market's thresholds, mix, ramp, progress and review."""
    market = campaign.market(tag)
    advice = advise(session, campaign, campaign_id, tag)
    accepted = bool(market.ramp)
    ramp = (MarketRamp(tag, "accepted plan in campaign.toml", market.ramp) if accepted
            else proposed_ramp(advice, campaign, tag))
    return MarketPlan(tag, suggestions(session, campaign, campaign_id, tag), advice, ramp, accepted,
                      progress(session, market, campaign_id),
                      review(session, campaign, campaign_id, tag, today))


def gather(session: Session, campaign: Campaign, campaign_id: int, today: date,
           markets: list[str] | None = None) -> PlanReport:
    """The whole plan (or that of some markets), ranked markets first."""
    ranked = rank_markets(campaign, local_supply(session, campaign, campaign_id))
    tags = [campaign.market(tag).tag for tag in markets] if markets else [item.tag for item in ranked]
    return PlanReport(campaign.campaign.name, today, ranked,
                      [market_plan(session, campaign, campaign_id, tag, today) for tag in tags])
