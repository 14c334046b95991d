"""The store as the front ends see it: an engine, the acting user, and the open campaign's row."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session, select

from outreach.core import audit, db
from outreach.core.campaign import Campaign
from outreach.core.models import CampaignRecord


@dataclass
class Store:
    """A database engine plus who is acting; every change goes through `transaction()`."""

    engine: Engine
    actor: str

    @classmethod
    def open(cls, url: str, actor: str, *, migrate: bool = True) -> Store:
        """Open the store at `url`, upgrading its schema unless told not to."""
        return cls(db.open_engine(url, migrate=migrate), actor)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session that commits everything at the end, or nothing."""
        with db.transaction(self.engine) as session:
            yield session

    def campaign_id(self, campaign: Campaign) -> int:
        """The campaign's row id, registering it (audited) on first use."""
        with self.transaction() as session:
            return register_campaign(session, campaign, self.actor)


def register_campaign(session: Session, campaign: Campaign, actor: str) -> int:
    """Find or create the row of a campaign, keeping its name and workspace current."""
    workspace = str(campaign.source.parent.resolve())
    record = session.exec(select(CampaignRecord).where(CampaignRecord.slug == campaign.id)).first()
    if record is None:
        record = CampaignRecord(slug=campaign.id, name=campaign.campaign.name, workspace=workspace)
        session.add(record)
        session.flush()
        audit.record(session, actor=actor, action="campaign.register", object_type="campaign",
                     object_id=campaign.id, campaign_id=record.id,
                     detail={"name": campaign.campaign.name, "workspace": workspace})
    elif (record.name, record.workspace) != (campaign.campaign.name, workspace):
        record.name, record.workspace = campaign.campaign.name, workspace
        session.add(record)
    assert record.id is not None
    return record.id
