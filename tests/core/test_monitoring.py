"""Foreign-language placement spikes, for monitoring (seed 004)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from outreach.core import placements
from outreach.core.campaign_file import load_campaign
from outreach.core.models import Placement
from outreach.core.monitoring import foreign_spikes
from outreach.core.store import Store
from tests.campaigns import gate_campaign
from tests.core.gate_world import NOW, World


def _placed(world: World, language: str | None, days_ago: int) -> None:
    with world.store.transaction() as session:
        placements.record(session, Placement(
            campaign_id=world.campaign_id, market="es-MX", page_url="https://www.site.com/mx/nomina/",
            source_url="https://blog.example.ru/a", source_domain="example.ru", anchor="Nominix",
            anchor_class="branded", language=language, found_on=(NOW - timedelta(days=days_ago)).date()),
            "tester")


@pytest.mark.parametrize(("placed", "expected"), [
    ({"ru": [1, 2, 3]}, ["ru:3"]),
    ({"ru": [1, 20, 40]}, []),
    ({"ru": [1, 2], "zh": [3, 4, 5, 6]}, ["zh:4"]),
    ({"es": [1, 1, 1, 1], None: [1, 1, 1]}, []),
    ({"ru": [1, 2, 3, 200]}, ["ru:3"]),
])
def test_foreign_spikes(placed: dict[str | None, list[int]], expected: list[str],
                        write_campaign: Any, sqlite_url: str) -> None:
    world = World(Store.open(sqlite_url, "tester"), load_campaign(write_campaign(gate_campaign())))
    for language, ages in placed.items():
        for age in ages:
            _placed(world, language, age)
    with world.store.transaction() as session:
        found = foreign_spikes(session, world.campaign, world.campaign_id, now=NOW)
    assert [f"{f.numbers['language']}:{f.numbers['count']}" for f in found] == expected
    assert all("the campaign targets de, es" in f.message for f in found)
