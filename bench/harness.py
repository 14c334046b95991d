"""Shared bench plumbing: run one engine in a fresh process, score clusters pairwise, print tables.

Each run happens in its own Python process so its peak memory (ru_maxrss) is its own.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

DATA = Path(__file__).resolve().parent / ".data"
"""Generated inputs live here (git-ignored)."""


@dataclass
class Run:
    """One engine on one dataset."""

    engine: str
    dataset: str
    rows: int
    seconds: float
    peak_mb: float
    cpu_seconds: float
    """User plus system CPU time of the engine's process (the fair figure when the cores are shared)."""
    load: float
    """The machine's one-minute load average when the run ended."""
    precision: float
    recall: float
    f1: float
    note: str = ""


def pair_count(labels: np.ndarray) -> int:
    """Pairs within the same label."""
    _, counts = np.unique(labels, return_counts=True)
    return int((counts * (counts - 1) // 2).sum())


def pairwise_scores(truth: Sequence[Any], found: Sequence[Any]) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1 of found clusters against true entities."""
    _, truth_codes = np.unique(np.asarray(truth, dtype=str), return_inverse=True)
    _, found_codes = np.unique(np.asarray(found, dtype=str), return_inverse=True)
    both = truth_codes.astype(np.int64) * (int(found_codes.max()) + 1) + found_codes
    true_pairs, found_pairs, hits = pair_count(truth_codes), pair_count(found_codes), pair_count(both)
    precision = hits / found_pairs if found_pairs else 1.0
    recall = hits / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def peak_mb() -> float:
    """This process's peak resident memory in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """This process's user plus system CPU time so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def load_average() -> float:
    """The one-minute load average (other work on the machine slows every wall-clock figure)."""
    return os.getloadavg()[0]


def child_main(engines: dict[str, Callable[[Path], tuple[Sequence[Any], Sequence[Any], str]]]) -> None:
    """Entry point of a child process: `script --child ENGINE FILE` prints one JSON result."""
    engine, path = sys.argv[2], Path(sys.argv[3])
    started, cpu_started = time.perf_counter(), cpu_seconds()
    truth, found, note = engines[engine](path)
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
    precision, recall, f1 = pairwise_scores(truth, found)
    print(json.dumps({"engine": engine, "dataset": path.stem, "rows": len(truth), "seconds": seconds,
                      "peak_mb": peak_mb(), "cpu_seconds": cpu, "load": load_average(),
                      "precision": precision, "recall": recall, "f1": f1,
                      "note": note}))


def run_child(script: Path, engine: str, path: Path, timeout: float) -> Run | None:
    """Run one engine in a fresh interpreter; None (with a message) if it fails or times out."""
    try:
        done = subprocess.run([sys.executable, str(script), "--child", engine, str(path)],
                              capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        print(f"  {engine} on {path.name}: gave up after {timeout:.0f} s", flush=True)
        return None
    if done.returncode != 0:
        print(f"  {engine} on {path.name} failed:\n{done.stderr[-2000:]}", flush=True)
        return None
    return Run(**json.loads(done.stdout.strip().splitlines()[-1]))


def splink_labels(linker: Any, frame: Any, id_column: str) -> tuple[list[str], list[str], str]:
    """Predict with a trained splink linker, cluster as its tutorial does, and label every row."""
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.95)
    labels = clusters.as_pandas_dataframe().set_index(id_column)["cluster_id"]
    return (frame["entity"].tolist(), labels.loc[frame[id_column]].astype(str).tolist(),
            "predict at 0.5, cluster at 0.95")


def print_runs(runs: Sequence[Run]) -> None:
    """A table of runs, then outreach-vs-splink ratios per dataset."""
    print(f"{'dataset':<22}{'engine':<10}{'rows':>9}{'time s':>9}{'CPU s':>9}{'peak MB':>9}{'load':>6}"
          f"{'precision':>10}{'recall':>8}{'F1':>8}  note")
    for run in runs:
        print(f"{run.dataset:<22}{run.engine:<10}{run.rows:>9}{run.seconds:>9.2f}{run.cpu_seconds:>9.2f}"
              f"{run.peak_mb:>9.0f}{run.load:>6.1f}{run.precision:>10.4f}{run.recall:>8.4f}{run.f1:>8.4f}"
              f"  {run.note}")
    by_dataset: dict[str, dict[str, Run]] = {}
    for run in runs:
        by_dataset.setdefault(run.dataset, {})[run.engine] = run
    for dataset, engines in by_dataset.items():
        ours, theirs = engines.get("outreach"), engines.get("splink")
        if ours and theirs:
            print(f"{dataset}: outreach/splink time {ours.seconds / theirs.seconds:.2f}, "
                  f"memory {ours.peak_mb / theirs.peak_mb:.2f}, F1 {ours.f1:.4f} vs {theirs.f1:.4f}")
