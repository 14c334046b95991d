"""Gap prospects: domains linking to several competitors but not to us become prospects."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from outreach.core import audit
from outreach.core.campaign import Campaign
from outreach.core.models import CompetitorSource
from outreach.core.plan_competitors import sources
from outreach.core.plan_mix import GapDomain, gap_domains
from outreach.core.prospect_rows import Record, identity_of
from outreach.core.prospect_writes import ProspectWriter
from outreach.core.prospects import ImportReport, apply_blocklist


@dataclass(frozen=True)
class GapResult:
    """Gap domains found and what adding them as prospects did."""

    found: list[GapDomain]
    new: int
    updated: int
    suppressed: int
    do_not_contact: int


def _record(gap: GapDomain, source: CompetitorSource) -> Record:
    """A prospect record for a gap domain, with `source = gap:<competitors>`."""
    return {"identity": identity_of(gap.domain, None, None), "domain": gap.domain, "host": None, "url": None,
            "outlet": None, "contact_name": None, "first_name": None, "email": None,
            "country": source.country, "country_source": source.country_source,
            "language": source.language, "language_source": source.language_source,
            "locality": source.locality, "source_type": source.source_type, "metrics": dict(source.metrics),
            "timezone": None, "origin": f"gap:{','.join(gap.competitors)}"}


def add_gap_prospects(session: Session, campaign: Campaign, campaign_id: int, market: str, actor: str,
                      at_least: int = 2) -> GapResult:
    """Add (or update) the market's gap domains as prospects; do-not-contact and suppression apply."""
    tag = campaign.market(market).tag
    found = gap_domains(session, campaign_id, tag, at_least)
    first = {row.domain: row for row in sources(session, campaign_id, tag)}
    report = ImportReport(file="competitor exports", format="gap", encoding="", delimiter="")
    records = apply_blocklist(session, [_record(gap, first[gap.domain]) for gap in found], report)
    written = ProspectWriter(session, campaign_id, campaign.market(tag), actor).write(
        records, {"file": "competitor exports", "format": "gap"})
    audit.record(session, actor=actor, action="plan.gap-prospects", object_type="market", object_id=tag,
                 campaign_id=campaign_id, detail={"found": len(found), "new": len(written.new_ids),
                                                  "at_least": at_least})
    return GapResult(found, len(written.new_ids), len(written.updated_ids), report.suppressed,
                     report.do_not_contact)
