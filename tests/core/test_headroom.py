"""Headroom for PR leads: what each market and URL version can still take."""

from __future__ import annotations

from typing import Any

import pytest

from outreach.core import headroom
from outreach.core.campaign_file import load_campaign
from outreach.core.store import Store
from tests.campaigns import changed, gate_campaign
from tests.core.gate_world import NOW, World


@pytest.mark.parametrize(("have", "total", "cap", "room"), [
    (0, 0, 0.10, 0), (0, 9, 0.10, 1), (2, 13, 0.10, 0), (1, 30, 0.10, 2), (0, 100, 0.5, 100),
])
def test_cap_room(have: int, total: int, cap: float, room: int) -> None:
    assert headroom._cap_room(have, total, cap) == room
    assert room == 0 or (have + room) / (total + room) <= cap + 1e-9


@pytest.mark.parametrize(("have", "total", "floor", "room"), [
    (6, 6, 0.6, 4), (3, 5, 0.6, 0), (0, 0, 0.5, 0), (10, 10, 0.5, 10),
])
def test_share_room(have: int, total: int, floor: float, room: int) -> None:
    assert headroom._share_room(have, total, floor) == room
    assert total + room == 0 or have / (total + room) >= floor - 1e-9


def _world(write_campaign: Any, sqlite_url: str, **patch: Any) -> World:
    data = gate_campaign()
    for key, value in patch.items():
        data = changed(data, key.replace("__", "."), value)
    return World(Store.open(sqlite_url, "tester"), load_campaign(write_campaign(data)))


def test_market_room_follows_caps_and_mixes(write_campaign: Any, sqlite_url: str) -> None:
    world = _world(write_campaign, sqlite_url)
    world.placements("/mx/nomina/", 6, locality="local", days_ago=3)
    world.placements("/mx/nomina/", 3, anchor_class="exact", keyword="software de nómina", locality="global",
                     days_ago=40)
    with world.store.transaction() as session:
        room = headroom.market_room(session, world.campaign, world.campaign_id, "es-MX", now=NOW)
    nomina = next(page for page in room.pages if page.url.endswith("/mx/nomina/"))
    assert (nomina.links, nomina.exact, nomina.local) == (9, 3, 6)
    assert nomina.exact_room == 0 and nomina.global_room == 1 and nomina.local_room is None
    assert room.week == 0, "4 placements a week is the cap and 6 were found this week"
    assert "placements: 6/4 in 7 days, 6/12 in 30 days" in room.limits


def test_ramp_limits_a_new_market(write_campaign: Any, sqlite_url: str) -> None:
    world = _world(write_campaign, sqlite_url, **{"markets__es-MX__launched": NOW.date()})
    world.placements("/mx/nomina/", 1, days_ago=0)
    with world.store.transaction() as session:
        room = headroom.market_room(session, world.campaign, world.campaign_id, "es-MX", now=NOW)
    assert (room.week, room.month) == (1, 1)
    assert any(line.startswith("ramp: day 1, 1/2 links allowed by day 30") for line in room.limits)
