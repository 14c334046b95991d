"""The app with 100k prospects in a market: time to first paint, each filter keystroke, deep pages.

Targets (issue 6): first paint <= 1 s, a filter keystroke updates the table in <= 100 ms (median and
worst, the first keystroke included). Keys are pressed into the filter box, so a keystroke's time runs
from the key to the table showing its page, debounce included; each notes any full garbage collection
that fell inside it. Typing starts once every pane has loaded, or with APP_BENCH_TYPE_AT_ONCE=1 half a
second after first paint, while they still load. Prints figures; asserts nothing. The store is built
once and kept in bench/.data/ (delete it to rebuild; an older one is migrated first).

    python bench/app_bench.py [--prospects 100000] [--size 120x40]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from outreach.core.campaign_file import load_campaign
from outreach.core.prospects import ImportOptions, import_file
from outreach.core.store import Store
from outreach.settings import load_settings
from outreach.tui.app import OutreachApp
from outreach.tui.panes.prospects import ProspectsPane

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / ".data"
WORDS = ("diario", "noticias", "economia", "pymes", "nomina", "contador", "empresa", "fiscal", "negocios",
         "finanzas", "mercado", "region", "norte", "sur", "bajio", "capital", "digital", "revista")


def build_store(count: int) -> str:
    """A SQLite store with `count` es-MX prospects (built once, then reused)."""
    path = DATA / f"app_bench_{count}.db"
    url = f"sqlite:///{path}"
    if path.exists():
        Store.open(url, "bench").engine.dispose()  # brings an older store's schema up to date
        return url
    DATA.mkdir(exist_ok=True)
    rng = random.Random(6)
    rows = ["domain,email,outlet,contact_name,dr,traffic"]
    for number in range(count):
        first, second = rng.choice(WORDS), rng.choice(WORDS)
        domain = f"{first}{second}{number}.com.mx"
        outlet = f"{first.title()} {second.title()} {number}"
        rows.append(f"{domain},redaccion@{domain},{outlet},Ana Pérez {number},{rng.randint(1, 90)},"
                    f"{rng.randint(100, 900_000)}")
    source = DATA / f"app_bench_{count}.csv"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    campaign = load_campaign(REPO)
    store = Store.open(url, "bench")
    started = time.perf_counter()
    with store.transaction() as session:
        import_file(session, campaign, store.campaign_id(campaign), source,
                    ImportOptions("es-MX", dedupe=False), "bench")
    print(f"built the store: {count:,} prospects imported in {time.perf_counter() - started:.1f} s")
    return url


KEYS = ("d", "i", "a", "r", "i", "o", "1", "2", "backspace", "backspace", "backspace", "backspace",
        "backspace", "backspace", "backspace", "backspace", "q", "backspace", "z", "q", "x", "backspace",
        "backspace", "backspace", "É", "backspace", "ñ", "u", "backspace", "backspace",
        "9", "9", "9", "9", "9")
"""Keys typed one at a time: common then rarer prefixes, no match at 1, 2 and 3 characters, an accented
capital (every contact is `Ana Pérez`), an accented letter no row holds, and a match on the last page."""

BURST = ("n", "o", "m", "i", "n", "a")
"""Keys typed faster than the debounce."""


def _after_key(text: str, key: str) -> str:
    """The filter text once `key` is pressed."""
    return text[:-1] if key == "backspace" else text + key


PAUSES: list[tuple[float, float]] = []
"""(end, seconds) of each full (generation 2) garbage collection: a pause for every thread."""


def _note_collection(phase: str, info: dict[str, int]) -> None:
    """gc callback: time full collections."""
    if phase == "start":
        PAUSES.append((time.perf_counter(), -1.0))
    elif info["generation"] == 2 and PAUSES and PAUSES[-1][1] < 0:
        began = PAUSES.pop()[0]
        PAUSES.append((time.perf_counter(), time.perf_counter() - began))
    elif PAUSES and PAUSES[-1][1] < 0:
        PAUSES.pop()


def collected(since: float, until: float) -> float:
    """Seconds of full collections that ended between two moments."""
    return sum(seconds for end, seconds in PAUSES if since <= end <= until and seconds > 0)


class TimedApp(OutreachApp):
    """The app, noting when each page of prospects reaches the screen."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shown: list[tuple[float, str, float]] = []
        """(moment, filter text, query+redraw seconds) of each page shown."""

    def on_prospects_pane_page_shown(self, event: ProspectsPane.PageShown) -> None:
        self.shown.append((event.at, event.listing.text, event.seconds))


async def wait_for_page(app: TimedApp, pilot: Any, seen: int,
                        timeout: float = 30) -> tuple[float, str, float]:
    """The next page shown after `seen` pages."""
    deadline = time.perf_counter() + timeout
    while len(app.shown) <= seen:
        if time.perf_counter() > deadline:
            raise TimeoutError(f"no page was shown; filter {app.query_one(ProspectsPane).text!r}, "
                               f"focus {app.focused}, pages {app.shown[-2:]}")
        await asyncio.sleep(0.002)
    return app.shown[seen]


async def run(url: str, size: tuple[int, int]) -> None:
    settings = load_settings(campaign=REPO, database_url=url, user="bench", auto_migrate=False)
    started = time.perf_counter()
    app = TimedApp(settings, first_pane="prospects")
    async with app.run_test(size=size) as pilot:
        moment, _, query = await wait_for_page(app, pilot, 0)
        print(f"first paint of the prospect table: {moment - started:.3f} s from app start "
              f"(page query + redraw {query * 1000:.0f} ms)")
        if os.environ.get("APP_BENCH_TYPE_AT_ONCE"):  # while the other panes still load their data
            await asyncio.sleep(0.5)
        else:
            while any(worker.is_running for worker in app.workers):  # every pane's first load
                await asyncio.sleep(0.01)
            print(f"every pane's startup work done {time.perf_counter() - started:.3f} s from app start")
        pane = app.query_one(ProspectsPane)
        await pilot.press("slash")  # the filter box has the focus
        await pilot.pause()
        keystroke = []
        for key in KEYS:
            seen, expected = len(app.shown), _after_key(pane.text, key)
            pressed = time.perf_counter()
            await pilot.press(key)  # into the filter box, as a person types: Input.Changed and all
            moment, shown_text, query = await wait_for_page(app, pilot, seen)
            assert shown_text == expected, (shown_text, expected)
            keystroke.append((expected, moment - pressed, query, collected(pressed, moment)))
            await asyncio.sleep(0.2)
        for text, wall, query, paused in keystroke:
            print(f"  typed to {text!r:18} table updated in {wall * 1000:6.1f} ms "
                  f"(worker: query + rows {query * 1000:.1f} ms"
                  + (f"; full garbage collection {paused * 1000:.0f} ms)" if paused else ")"))
        walls = [wall for _, wall, _, _ in keystroke]
        print(f"filter keystroke (key press to table updated): median {statistics.median(walls) * 1000:.1f} "
              f"ms, worst {max(walls) * 1000:.1f} ms, first {walls[0] * 1000:.1f} ms")
        seen = len(app.shown)
        await pilot.press(*BURST[:-1])  # keys closer together than the debounce: one query for the burst
        pressed = time.perf_counter()
        await pilot.press(BURST[-1])
        while not app.shown[seen:] or app.shown[-1][1] != pane.text:
            await asyncio.sleep(0.002)
        print(f"a burst of {len(BURST)} keys: table updated {(app.shown[-1][0] - pressed) * 1000:.1f} ms "
              f"after the last, {len(app.shown) - seen} page(s) shown")
        await pilot.press(*["backspace"] * len(pane.text))  # an empty filter again, for the paging below
        await asyncio.sleep(0.3)
        pages = []
        for _ in range(40):
            seen = len(app.shown)
            pressed = time.perf_counter()
            pane.action_next_page()
            moment, _, _ = await wait_for_page(app, pilot, seen)
            pages.append(moment - pressed)
        print(f"next page (keyset), 40 pages deep: median {statistics.median(pages) * 1000:.1f} ms, "
              f"worst {max(pages) * 1000:.1f} ms (page {pages.index(max(pages)) + 1})")
        seen = len(app.shown)
        pane.sort_by("dr")
        _, _, query = await wait_for_page(app, pilot, seen)
        print(f"sort by -dr (no index: a scan and a sort): query + redraw {query * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prospects", type=int, default=100_000)
    parser.add_argument("--size", default="120x40")
    args = parser.parse_args()
    url = build_store(args.prospects)
    width, height = (int(part) for part in args.size.split("x"))
    print(f"{args.prospects:,} prospects in es-MX, terminal {width}x{height}, load average "
          f"{' '.join(f'{load:.2f}' for load in os.getloadavg())}")
    gc.callbacks.append(_note_collection)
    asyncio.run(run(url, (width, height)))
    print(f"full garbage collections: {len(PAUSES)}, {sum(seconds for _, seconds in PAUSES) * 1000:.0f} ms "
          f"in all, longest {max((seconds for _, seconds in PAUSES), default=0) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
