"""Import benchmark: a labelled synthetic list in outreach's own CSV format into a fresh SQLite store.

    python bench/import_bench.py --sizes 100000,1000000

Two runs per size, each in its own process: the import alone (`--no-dedupe`), and the import with
its fuzzy-cluster refresh, as `outreach import` does by default. Bulk inserts go through the driver's
executemany, one transaction per import. CPU counts the forked child that normalises half of a big
file's rows; `main CPU` is the importing process's alone (on an idle 2-core machine the wall time is
about that plus its wait for the child, so it is the figure to compare when the cores are shared);
`child MB` is that child's peak memory (it shares the parent's pages until it writes).
"""

from __future__ import annotations

import argparse
import json
import resource
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
        started, cpu_started, main_started = time.perf_counter(), cpu_seconds(), harness.cpu_seconds()
        with store.transaction() as session:
            report = import_file(session, campaign, campaign_id, path,
                                 ImportOptions("es-MX", dedupe=mode == "import+dedupe"), "bench")
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
        main_cpu = harness.cpu_seconds() - main_started
    print(json.dumps({"mode": mode, "rows": report.rows, "new": report.new, "bad": len(report.bad_rows),
                      "clusters": report.clusters, "seconds": seconds, "cpu_seconds": cpu,
                      "main_cpu_seconds": main_cpu,
                      "peak_mb": harness.peak_mb(), "load": harness.load_average(),
                      "child_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))


def cpu_seconds() -> float:
    """User plus system CPU time of this process and of the children it has waited for (a big import
    normalises half its rows in a forked child)."""
    return sum(usage.ru_utime + usage.ru_stime
               for usage in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))


def main(argv: Sequence[str]) -> None:
    """Generate each size once; time both modes."""
    import subprocess

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--modes", default="import,import+dedupe", help="which runs, comma-separated")
    args = parser.parse_args(argv)
    print(f"{'rows':>9}  {'mode':<15}{'time s':>9}{'CPU s':>9}{'main CPU':>9}{'peak MB':>9}{'child MB':>9}"
          f"{'load':>6}{'new':>9}{'clusters':>9}")
    for size in (int(size) for size in args.sizes.split(",")):
        harness.DATA.mkdir(exist_ok=True)
        data = harness.DATA / f"import_{size}.csv"
        if not data.exists():
            synthetic.write(size, data)
        for mode in args.modes.split(","):
            done = subprocess.run([sys.executable, __file__, "--child", mode, str(data)],
                                  capture_output=True, text=True, check=False)
            if done.returncode:
                print(done.stderr[-2000:])
                continue
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"{figures['rows']:>9}  {mode:<15}{figures['seconds']:>9.2f}{figures['cpu_seconds']:>9.2f}"
                  f"{figures['main_cpu_seconds']:>9.2f}"
                  f"{figures['peak_mb']:>9.0f}{figures['child_peak_mb']:>9.0f}{figures['load']:>6.1f}{figures['new']:>9}{figures['clusters']:>9}",
                  flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], Path(sys.argv[3]))
    else:
        main(sys.argv[1:])
