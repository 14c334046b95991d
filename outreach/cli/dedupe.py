"""`outreach dedupe` (a market's clusters, merged on request) and `outreach dedupe-csv` (any CSV)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from outreach.cli.output import err, out, print_json
from outreach.cli.state import state
from outreach.core.dedupe_csv import dedupe_csv
from outreach.core.prospect_dedupe import DedupeView, find_duplicates
from outreach.core.prospect_merge import cluster_members, merge_prospects
from outreach.errors import OutreachError

ThresholdOption = Annotated[float | None, typer.Option(
    "--threshold", "-t", min=0.0, max=1.0,
    help="Match probability to cluster at (0-1) [default: learnt from the data].")]


def dedupe(
    ctx: typer.Context,
    market: Annotated[str, typer.Option("--market", "-m", help="Market tag, e.g. es-MX.")],
    merge: Annotated[str | None, typer.Option(
        "--merge", help="Merge these clusters (ids, comma-separated) or 'all'.")] = None,
    threshold: ThresholdOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """List a market's possible duplicates and cross-market collisions; merge clusters on request."""
    shared = state(ctx)
    tag = shared.campaign.market(market).tag
    campaign_id = shared.campaign_id()
    with shared.store.transaction() as session:
        view = find_duplicates(session, campaign_id, tag, threshold)
        chosen = _chosen(view, merge)
        merged = [merge_prospects(session, campaign_id, shared.campaign.market(tag),
                                  cluster_members(session, campaign_id, tag, cid), shared.settings.user)
                  for cid in chosen]
    if as_json:
        print_json({"threshold": view.threshold, "threshold_learnt": view.threshold_learnt,
                    "clusters": [vars(cluster) for cluster in view.clusters],
                    "collisions": [vars(collision) for collision in view.collisions], "merged": merged})
        return
    _print_view(view)
    for cid, survivor in zip(chosen, merged, strict=True):
        out.print(f"merged cluster {cid} into prospect {survivor}")


def _chosen(view: DedupeView, merge: str | None) -> list[int]:
    """Cluster ids to merge from `--merge`."""
    if merge is None:
        return []
    if merge.strip().lower() == "all":
        return [cluster.id for cluster in view.clusters]
    try:
        return [int(part) for part in merge.split(",") if part.strip()]
    except ValueError:
        raise OutreachError(f"--merge takes cluster ids like 12,40 or 'all', not '{merge}'") from None


def _print_view(view: DedupeView) -> None:
    """Clusters, their members and scores, then collisions."""
    how = "learnt from the data" if view.threshold_learnt else "given"
    out.print(f"{len(view.clusters)} cluster(s) among {view.prospects} prospect(s); "
              f"threshold {view.threshold:.3f} ({how})")
    for cluster in view.clusters:
        out.print(f"[bold]cluster {cluster.id}[/]  score {cluster.score:.3f} · matched: "
                  f"{', '.join(cluster.matched_fields) or '-'}")
        for row in cluster.members:
            out.print(f"  {row['id']:>6}  {escape(row['domain'])}  {escape(row['outlet'] or '')}  "
                      f"{escape(row['contact_name'] or '')}  {escape(row['email'] or '')}")
    for collision in view.collisions:
        where = ", ".join(f"{tag} ({count})" for tag, count in sorted(collision.markets.items()))
        out.print(f"[yellow]cross-market[/] {escape(collision.domain)}: {where}")
    if view.clusters:
        err.print("merge with: outreach dedupe --market TAG --merge ID[,ID…] (or --merge all)")


def dedupe_csv_command(
    file: Annotated[Path, typer.Argument(help="Any CSV file.", exists=True, dir_okay=False)],
    fields: Annotated[str, typer.Option("--fields", help="Columns to compare, comma-separated.")],
    out_path: Annotated[Path, typer.Option("--out", "-o", help="Where to write id,cluster.", dir_okay=False)],
    id_column: Annotated[str | None, typer.Option("--id", help="Column holding each row's id.")] = None,
    threshold: ThresholdOption = None,
) -> None:
    """Cluster the rows of any CSV on the named columns; write `id,cluster` for every row."""
    names = [name.strip() for name in fields.split(",") if name.strip()]
    if not names:
        raise OutreachError("--fields needs at least one column name")
    report = dedupe_csv(file, names, out_path, id_column=id_column, threshold=threshold)
    how = "learnt" if report.threshold_learnt else "given"
    out.print(f"{report.rows} rows → {report.clusters} cluster(s) of duplicates "
              f"({report.duplicate_rows} duplicate rows); threshold {report.threshold:.3f} ({how}); "
              f"{report.candidates} pairs compared")
    out.print(f"wrote {escape(str(report.out))}")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("dedupe")(dedupe)
    app.command("dedupe-csv")(dedupe_csv_command)
