"""Long work reports progress and stops half-way when asked, writing nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from outreach.core.models import Prospect
from outreach.core.progress import EVERY
from outreach.core.prospect_dedupe import find_duplicates
from outreach.core.prospects import ImportOptions, count_prospects, import_file
from outreach.errors import Cancelled
from tests.core.conftest import FIXTURES, Env, session_rows


def big_file(folder: Path, rows: int) -> Path:
    """Our own format, `rows` distinct sites."""
    lines = ["domain,email,outlet"] + [f"site{n}.com.mx,ana{n}@site{n}.com.mx,Sitio {n}" for n in range(rows)]
    path = folder / "big.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_import_reports_each_phase_and_every_thousand_rows(env: Env, tmp_path: Path) -> None:
    heard: list[tuple[str, int, int]] = []
    with env.session() as session:
        report = import_file(session, env.campaign, env.campaign_id, big_file(tmp_path, 2500),
                             ImportOptions("es-MX"), "tester",
                             progress=lambda *step: heard.append(step) or None)  # type: ignore[func-returns-value]
    assert report.new == 2500
    reading = [done for phase, done, total in heard if phase == "reading" and total]
    assert reading == list(range(0, 2500, EVERY))
    assert [phase for phase, _, _ in heard].index("writing") > len(reading)
    assert heard[-1][0] == "dedupe"


def test_cancelling_an_import_midway_writes_nothing(env: Env, tmp_path: Path) -> None:
    heard: list[int] = []

    def stop_at_second_thousand(phase: str, done: int, total: int) -> bool:
        heard.append(done)
        return done < 2 * EVERY

    with pytest.raises(Cancelled, match=r"stopped while reading \(2,000 of 3,000\)"), env.session() as session:
        import_file(session, env.campaign, env.campaign_id, big_file(tmp_path, 3000), ImportOptions("es-MX"),
                    "tester", progress=stop_at_second_thousand)
    assert heard[-1] == 2 * EVERY
    with env.session() as session:
        assert count_prospects(session, env.campaign_id) == 0


def test_cancelling_dedupe_leaves_the_stored_clusters_alone(env: Env) -> None:
    env.import_file(FIXTURES / "outreach_prospects.csv", dedupe=False)
    with env.session() as session:
        before = {row.id: row.dedupe_cluster for row in session_rows(session, Prospect)}
    phases: list[str] = []

    def stop_after_clustering(phase: str, done: int, total: int) -> bool:
        phases.append(phase)
        return phase != "storing"

    with pytest.raises(Cancelled), env.session() as session:
        find_duplicates(session, env.campaign_id, "es-MX", progress=stop_after_clustering)
    assert phases == ["reading", "clustering", "storing"]
    with env.session() as session:
        assert {row.id: row.dedupe_cluster for row in session_rows(session, Prospect)} == before
        view = find_duplicates(session, env.campaign_id, "es-MX", progress=lambda *_: True)
    assert view.prospects == len(before)
