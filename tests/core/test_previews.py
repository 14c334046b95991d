"""Previews: a market's prospects from the store, rendered with every failure collected."""

from __future__ import annotations

from pathlib import Path

import pytest

from outreach.core import previews
from outreach.core.models import Prospect
from outreach.core.store import Store, register_campaign
from outreach.errors import NotFoundError, UnsafeHeaderError
from tests.core.workspaces import mx_workspace, renderer_for


def test_preview_collects_failures_per_prospect_and_message(tmp_path: Path, sqlite_url: str) -> None:
    renderer = renderer_for(mx_workspace(tmp_path / "ws"))
    store = Store.open(sqlite_url, actor="tester")
    with store.transaction() as session:
        campaign_id = register_campaign(session, renderer.campaign, "tester")
        for domain, outlet in (("b.mx", "Bueno"), ("a.mx", "Malo\nBcc: x@y.z"), ("c.es", "Otro")):
            market = "es-ES" if domain.endswith(".es") else "es-MX"
            session.add(Prospect(campaign_id=campaign_id, market=market, identity=domain, domain=domain,
                                 outlet=outlet))
    with store.transaction() as session:
        found = previews.market_prospects(session, campaign_id, "es-MX")
        assert [p.domain for p in found] == ["b.mx", "a.mx"], "id order, this market only"
        assert previews.load_prospect(session, campaign_id, found[1].id or 0).domain == "a.mx"
        with pytest.raises(NotFoundError, match="no prospect 999 in this campaign"):
            previews.load_prospect(session, campaign_id, 999)
    result = previews.preview(renderer, "es-MX", found, ["pitch", "followup-1"])
    assert [(p.domain, m.message) for p, m in result.rendered] == [("b.mx", "pitch"), ("b.mx", "followup-1")]
    failed = [(f.prospect.domain, f.message) for f in result.failures]
    assert failed == [("a.mx", "pitch"), ("a.mx", "followup-1")]
    assert all(isinstance(failure.error, UnsafeHeaderError) for failure in result.failures)


def test_message_names_leave_out_the_subject(tmp_path: Path) -> None:
    root = mx_workspace(tmp_path / "ws", followup_3="Buen día:\n\nÚltimo.\n")
    assert previews.message_names(renderer_for(root), "es-MX") == ["pitch", "followup-1", "followup-2",
                                                                    "followup-3"]
