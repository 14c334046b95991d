"""The dedupe engine: blocking, comparison levels, Fellegi–Sunter by EM, clusters; CSV mode."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import numpy as np
import pytest

from outreach.core.blocking import candidate_pairs, rank_of, window_pairs
from outreach.core.comparisons import Comparison, as_strings, fold_value
from outreach.core.dedupe import cluster, components, random_pairs
from outreach.core.dedupe_csv import dedupe_csv
from outreach.core.fellegi_sunter import MAX_THRESHOLD, MIN_THRESHOLD, Priors, fit, learnt_threshold
from outreach.core.prospect_dedupe import cluster_rows, domain_stem, outlet_key
from outreach.errors import ImportFileError

BENCH = Path(__file__).resolve().parents[2] / "bench" / "synthetic.py"


def pairs_of(labels: np.ndarray) -> set[tuple[int, int]]:
    """Every within-cluster pair of record indexes."""
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels.tolist()):
        groups.setdefault(label, []).append(index)
    return {(a, b) for members in groups.values() for i, a in enumerate(members) for b in members[i + 1:]}


@pytest.mark.parametrize(("n", "edges", "labels"), [
    (4, [], [0, 1, 2, 3]),
    (4, [(0, 1), (2, 3)], [0, 0, 2, 2]),
    (5, [(3, 4), (1, 4), (0, 1)], [0, 0, 2, 0, 0]),
    (6, [(4, 5), (3, 4), (2, 3), (1, 2)], [0, 1, 1, 1, 1, 1]),
])
def test_components_label_by_smallest_member(n: int, edges: list[tuple[int, int]], labels: list[int]) -> None:
    left = np.array([a for a, _ in edges], dtype=np.int64)
    right = np.array([b for _, b in edges], dtype=np.int64)
    assert components(n, left, right).tolist() == labels


def test_small_blocks_give_every_pair_and_big_ones_only_neighbours() -> None:
    codes = np.array([7] * 4 + [9] * 50 + [-1] * 3, dtype=np.int64)
    pairs = window_pairs(codes, np.arange(len(codes), dtype=np.int64), window=3)
    assert len(pairs) == 6 + (49 + 48 + 47), "all 6 pairs of the small block; 3 neighbours in the big one"
    assert not set((pairs // len(codes)).tolist()) & {54, 55, 56}, "records without a key pair with nothing"


def test_candidate_pairs_are_unique_across_keys() -> None:
    keys = [(["a", "a", "b", None], 8), (["x", "x", "x", "x"], 8)]
    left, right = candidate_pairs(keys, rank_of(["1", "2", "3", "4"]))
    assert sorted(zip(left.tolist(), right.tolist(), strict=True)) == [
        (0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]


@pytest.mark.parametrize(("a", "b", "level"), [
    ("Ana García", "Ana García", 1), ("Ana García", "ana garcia", 1), ("Ana García", "García Ana", 2),
    ("Ana García", "Ana Garcai", 2), ("Ana García", "Anna Garza", 3), ("Ana García", "Luis Pérez", 4),
    ("", "Luis Pérez", 5), ("", "", 6),
])
def test_name_levels(a: str, b: str, level: int) -> None:
    comparison = Comparison("contact", as_strings([a, b]), similarity="token-sort", thresholds=(0.9, 0.75),
                            one_sided=True)
    assert comparison.levels(np.array([0]), np.array([1])).tolist() == [level]


@pytest.mark.parametrize(("a", "b", "level"), [
    ("diario.com.mx", "diario.com.mx", 1), ("diario.com.mx", "diario.mx", 2),
    ("diario.com.mx", "diaro.com.mx", 2), ("diario.com.mx", "periodico.com.mx", 4), ("", "diario.mx", 0),
])
def test_domain_levels_count_the_same_name_on_another_suffix_as_close(a: str, b: str, level: int) -> None:
    domains = as_strings([a, b], fold=False)
    comparison = Comparison("domain", domains, similarity="ratio", thresholds=(0.9, 0.8),
                            variant=as_strings([domain_stem(d) for d in (a, b)], False))
    assert comparison.levels(np.array([0]), np.array([1])).tolist() == [level]


@pytest.mark.parametrize(("name", "key"), [
    ("Diario del Sur S.A. de C.V.", "diario del sur"), ("Mittelstand Heute GmbH", "mittelstand heute"),
    ("Payroll Weekly Ltd.", "payroll weekly"), ("Folha Empresarial Ltda.", "folha empresarial"),
    ("Économie Digital", "economie"),
])
def test_outlet_keys_drop_company_forms(name: str, key: str) -> None:
    assert outlet_key(name) == key


def test_values_are_folded_for_comparison() -> None:
    assert fold_value("https://www.Diario-Sur.mx/") == "diario sur mx"
    assert fold_value("JOSÉ  Núñez") == "jose nunez"


def test_em_recovers_weights_from_a_known_mixture() -> None:
    rng = np.random.default_rng(0)
    m, u = np.array([0.0, 0.9, 0.08, 0.02]), np.array([0.0, 0.01, 0.04, 0.95])
    matches = rng.choice(4, size=(2000, 3), p=m).astype(np.uint8)
    strangers = rng.choice(4, size=(8000, 3), p=u).astype(np.uint8)
    priors = [Priors.of(("missing", "exact", "close", "different"))] * 3
    model = fit(np.vstack([matches, strangers]), rng.choice(4, size=(50000, 3), p=u).astype(np.uint8),
                priors, total_pairs=1e6)
    assert np.allclose(model.m[0][1:], m[1:], atol=0.05)
    assert model.prior == pytest.approx(2000 / 1e6, rel=0.2)


def test_learnt_thresholds_stay_in_bounds() -> None:
    assert learnt_threshold(np.array([])) == 0.5
    assert learnt_threshold(np.array([0.01, 0.02])) == MIN_THRESHOLD
    assert learnt_threshold(np.array([1.0] * 10 + [0.999] * 5)) == MAX_THRESHOLD


def test_random_pairs_never_pair_a_record_with_itself() -> None:
    left, right = random_pairs(10, 1000, seed=1)
    assert (left != right).all() and len(left) == 45, "all pairs when there are fewer than asked"
    left, right = random_pairs(1000, 500, seed=1)
    assert (left != right).all() and len(left) == 500


ROWS = [  # (domain, outlet, contact, email, entity)
    ("diario.com.mx", "Diario", "Ana García", "ana.garcia@diario.com.mx", 1),
    ("diario.com.mx", "Diario S.A. de C.V.", "García, Ana", "ana.garcia71@gmail.com", 1),
    ("diario.com.mx", "Diario", "Luis Pérez", "luis.perez@diario.com.mx", 2),
    ("diario.com.mx", "Diario", "", "", 3),
    ("diario.com.mx", "DIARIO", "", "", 3),
    ("otrodiario.com.ar", "Otro Diario", "Ana García", "agarcia@otrodiario.com.ar", 4),
    ("revista.es", "Revista Pyme", "Jürgen Müller", "juergen@revista.es", 5),
    ("revista.es", "Revista Pyme", "Jurgen Muller", "juergen@revista.es", 5),
]


def _generator() -> type:
    """The benchmark's labelled generator, loaded from bench/."""
    spec = importlib.util.spec_from_file_location("synthetic", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Generator  # type: ignore[no-any-return]


@pytest.mark.parametrize("others", [300, 3000])
def test_prospect_dedupe_tells_duplicates_from_colleagues_and_namesakes(others: int) -> None:
    clean = list(_generator()(seed=5).entities(others))
    filler = [(r["domain"], r["outlet"], r["contact_name"], r["email"], 100 + i) for i, r in enumerate(clean)]
    rows = [{"domain": d, "outlet": o, "contact_name": c, "email": e} for d, o, c, e, _ in ROWS + filler]
    truth = np.array([entity for *_, entity in ROWS + filler])
    found = pairs_of(cluster_rows(rows).labels)
    assert found == pairs_of(truth)


def test_quality_on_a_generated_labelled_list() -> None:
    from outreach.core import geo

    generated = list(_generator()(seed=11).rows(3000))
    rows = [{"domain": geo.split_host(geo.host_of(r["domain"]) if "//" in r["domain"]
                                      else geo.normalise_host(r["domain"].split("/")[0])).registered_domain,
             "outlet": r["outlet"], "contact_name": r["contact_name"], "email": r["email"]}
            for r in generated]
    truth = pairs_of(np.array([int(r["entity"]) for r in generated]))
    found = pairs_of(cluster_rows(rows).labels)
    precision = len(found & truth) / len(found)
    recall = len(found & truth) / len(truth)
    assert 2 * precision * recall / (precision + recall) >= 0.95


def test_dedupe_csv_works_on_any_columns(tmp_path: Path) -> None:
    source = tmp_path / "products.csv"
    source.write_text("sku;title;brand\nA1;Tornillo hexagonal 5mm;Acme\nA2;Tornillo hexagonal 5 mm;ACME\n"
                      "B7;Arandela plana;Bolt\nC3;Tuerca;Nut Co\n", encoding="cp1252")
    out = tmp_path / "clusters.csv"
    report = dedupe_csv(source, ["Title", "brand"], out, id_column="SKU")
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines == ["id,cluster", "A1,1", "A2,1", "B7,2", "C3,3"]
    assert (report.rows, report.clusters, report.duplicate_rows) == (4, 1, 1)


def test_dedupe_csv_without_an_id_uses_row_numbers_and_honours_the_threshold(tmp_path: Path) -> None:
    source = tmp_path / "names.csv"
    source.write_text("name\nAna García\nAna Garcías\nLuis\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    report = dedupe_csv(source, ["name"], out, threshold=1.0)
    assert out.read_text(encoding="utf-8-sig").splitlines()[1:] == ["2,1", "3,2", "4,3"]
    assert (report.clusters, report.threshold, report.threshold_learnt) == (0, 1.0, False)


def test_dedupe_csv_names_a_missing_column(tmp_path: Path) -> None:
    source = tmp_path / "x.csv"
    source.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="no column 'c' \\(columns: a, b\\)"):
        dedupe_csv(source, ["c"], tmp_path / "o.csv")


def test_dedupe_csv_handles_one_row_and_writes_formula_proof_ids(tmp_path: Path) -> None:
    source = tmp_path / "one.csv"
    source.write_text("id,name\n=1+1,Ana\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    dedupe_csv(source, ["name"], out, id_column="id")
    with out.open(encoding="utf-8-sig") as stream:
        assert list(csv.reader(stream)) == [["id", "cluster"], ["'=1+1", "1"]]


def test_generic_clustering_reports_the_fields_that_matched() -> None:
    people = [f"{first} {last}" for first in ("Ana", "Luis", "Marta", "Jorge", "Inés", "Raúl")
              for last in ("García", "Pérez", "Ruiz", "Núñez", "Ortega", "Vidal", "Soto")]
    cities = ["Puebla", "León", "Mérida", "Toluca", "Oaxaca", "Colima", "Tepic"] * 6
    names = as_strings([*people, "Ana Garcia"])
    places = as_strings([*cities, "Puebla"])
    result = cluster([Comparison("name", names), Comparison("city", places)])
    assert result.labels[-1] == 0, "'Ana Garcia' joins 'Ana García'"
    assert result.cluster_count() == 1
    assert result.matched_fields(0) == ["name", "city"]
