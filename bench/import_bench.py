"""Import benchmark: a labelled synthetic list in outreach's own CSV format into a fresh SQLite store.

    python bench/import_bench.py --sizes 100000,1000000

Two runs per size, each in its own process: the import alone (`--no-dedupe`), and the import with
its fuzzy-cluster refresh, as `outreach import` does by default. Bulk inserts go through SQLAlchemy
Core executemany, one transaction per import.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
import synthetic

REPO = Path(__file__).resolve().parent.parent


def child(mode: str, path: Path) -> None:
    """Import `path` into a new SQLite store and print the figures as JSON."""
    from outreach.core.campaign_file import load_campaign
    from outreach.core.prospects import ImportOptions, import_file
    from outreach.core.store import Store

    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(f"sqlite:///{folder}/bench.db", actor="bench")
        campaign = load_campaign(REPO)
        campaign_id = store.campaign_id(campaign)
        started, cpu_started = time.perf_counter(), harness.cpu_seconds()
        with store.transaction() as session:
            report = import_file(session, campaign, campaign_id, path,
                                 ImportOptions("es-MX", dedupe=mode == "import+dedupe"), "bench")
        seconds, cpu = time.perf_counter() - started, harness.cpu_seconds() - cpu_started
    print(json.dumps({"mode": mode, "rows": report.rows, "new": report.new, "bad": len(report.bad_rows),
                      "clusters": report.clusters, "seconds": seconds, "cpu_seconds": cpu,
                      "peak_mb": harness.peak_mb(), "load": harness.load_average()}))


def main(argv: Sequence[str]) -> None:
    """Generate each size once; time both modes."""
    import subprocess

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100000")
    args = parser.parse_args(argv)
    print(f"{'rows':>9}  {'mode':<15}{'time s':>9}{'CPU s':>9}{'peak MB':>9}{'load':>6}"
          f"{'new':>9}{'clusters':>9}")
    for size in (int(size) for size in args.sizes.split(",")):
        harness.DATA.mkdir(exist_ok=True)
        data = harness.DATA / f"import_{size}.csv"
        if not data.exists():
            synthetic.write(size, data)
        for mode in ("import", "import+dedupe"):
            done = subprocess.run([sys.executable, __file__, "--child", mode, str(data)],
                                  capture_output=True, text=True, check=False)
            if done.returncode:
                print(done.stderr[-2000:])
                continue
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"{figures['rows']:>9}  {mode:<15}{figures['seconds']:>9.2f}{figures['cpu_seconds']:>9.2f}"
                  f"{figures['peak_mb']:>9.0f}{figures['load']:>6.1f}{figures['new']:>9}{figures['clusters']:>9}",
                  flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], Path(sys.argv[3]))
    else:
        main(sys.argv[1:])
