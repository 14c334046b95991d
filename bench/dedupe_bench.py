"""Dedupe benchmark on labelled synthetic prospect lists: outreach vs splink (DuckDB), same data, same run.

    python bench/dedupe_bench.py --sizes 10000,100000,1000000 [--splink-max 100000]

Domains are normalised to registered domains first, as import does (not timed: it is part of
import); each engine then gets the same four columns. Figures: pairwise precision/recall/F1
against the generator's labels, wall time, peak memory of the engine's own process.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
import synthetic

COLUMNS = ("domain", "outlet", "contact_name", "email")


def prepared(size: int) -> Path:
    """The labelled list of `size` rows with registered domains, generated once and cached."""
    from outreach.core import geo

    target = harness.DATA / f"prospects_{size}.csv"
    if target.exists():
        return target
    harness.DATA.mkdir(exist_ok=True)
    raw = synthetic.write(size, harness.DATA / f"raw_{size}.csv")
    with raw.open(encoding="utf-8") as source, target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "entity", *COLUMNS])
        for row in csv.DictReader(source):
            value = row["domain"]
            host = geo.host_of(value) if "//" in value else geo.normalise_host(value.split("/")[0])
            writer.writerow([row["id"], row["entity"], geo.split_host(host).registered_domain,
                             *(row[name] for name in COLUMNS[1:])])
    raw.unlink()
    return target


def run_outreach(path: Path) -> tuple[Sequence[Any], Sequence[Any], str]:
    """outreach's prospect dedupe (the one `outreach dedupe` and import use)."""
    from outreach.core.prospect_dedupe import cluster_columns

    with path.open(encoding="utf-8") as stream:
        reader = csv.reader(stream)
        header = next(reader)
        columns: list[list[str]] = [list(column) for column in zip(*reader, strict=True)]
    by_name = dict(zip(header, columns, strict=True))
    started, cpu_started = time.perf_counter(), harness.cpu_seconds()
    result = cluster_columns(*(by_name[name] for name in COLUMNS))
    engine, cpu = time.perf_counter() - started, harness.cpu_seconds() - cpu_started
    return (by_name["entity"], result.labels.tolist(),
            f"dedupe alone {engine:.2f} s ({cpu:.2f} s CPU); threshold {result.threshold:.2f} learnt")


def run_splink(path: Path) -> tuple[Sequence[Any], Sequence[Any], str]:
    """splink 4/5 with DuckDB: its library comparisons with default arguments, its tutorial's training."""
    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    frame = pd.read_csv(path, dtype=str, keep_default_na=False).replace("", None)
    settings = SettingsCreator(
        link_type="dedupe_only", unique_id_column_name="id",
        comparisons=[cl.JaroWinklerAtThresholds("domain"), cl.JaroWinklerAtThresholds("outlet"),
                     cl.NameComparison("contact_name"), cl.EmailComparison("email")],
        blocking_rules_to_generate_predictions=[block_on("domain"), block_on("email"),
                                                block_on("contact_name"), block_on("outlet")])
    linker = Linker(DuckDBAPI().register(frame.drop(columns=["entity"])), settings, log_level="WARNING")
    linker.training.estimate_probability_two_random_records_match([block_on("email")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("domain"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("contact_name"))
    return harness.splink_labels(linker, frame, "id")


def main(argv: Sequence[str]) -> None:
    """Generate, run both engines per size, print the table and ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--splink-max", type=int, default=100_000, help="Largest size splink runs on.")
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args(argv)
    runs: list[harness.Run] = []
    for size in (int(size) for size in args.sizes.split(",")):
        data = prepared(size)
        engines = ["outreach", "splink"] if size <= args.splink_max else ["outreach"]
        for engine in engines:
            run = harness.run_child(Path(__file__), engine, data, args.timeout)
            if run:
                runs.append(run)
                print(f"  {engine} on {size}: {run.seconds:.2f} s ({run.cpu_seconds:.2f} s CPU), "
                      f"{run.peak_mb:.0f} MB, F1 {run.f1:.4f}, load {run.load:.1f}",
                      flush=True)
    harness.print_runs(runs)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        harness.child_main({"outreach": run_outreach, "splink": run_splink})
    else:
        main(sys.argv[1:])
