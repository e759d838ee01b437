"""The CORDIS H2020 subset (data/examples/cordis) end to end in a real embedded store.

Expected counts come from the CSV files themselves (read with the csv module, every
column as text) and from SOURCE.md (336 projects, 1,819 organisations, 2,722 rows).
"""

from __future__ import annotations

import csv
import gzip
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from graph.store import GraphStore
from loaders.bundle import bundle_entries
from loaders.ingest import LoadJob, LoadReport, ingest_many
from loaders.iso3166 import write_countries_csv

CORDIS = Path(__file__).resolve().parents[2] / "data" / "examples" / "cordis"
PARTICIPATIONS = CORDIS / "participations_with_names.csv"
ISO = {"EL": "GR", "UK": "GB"}


def _rows() -> list[dict[str, str]]:
    with PARTICIPATIONS.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _load(store: GraphStore, work: Path) -> list[LoadReport]:
    write_countries_csv(work / "iso3166.csv")
    jobs = [LoadJob(e.mapping, e.data_dir, CORDIS.parent) for e in bundle_entries(CORDIS, work)]
    return list(ingest_many(store, jobs))


def _one(store: GraphStore, cypher: str, **params: Any) -> Any:
    return next(iter(store.query(cypher, params)[0].values()))


def _snapshot(store: GraphStore) -> tuple[list[Any], list[Any]]:
    nodes = store.query("MATCH (n) RETURN labels(n) AS l, properties(n) AS p", row_cap=1_000_000)
    rels = store.query(
        "MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS p",
        row_cap=1_000_000,
    )
    node_rows = sorted((sorted(r["l"]), sorted(r["p"].items())) for r in nodes)
    return node_rows, sorted(repr(sorted(r.items())) for r in rels)


@pytest.fixture
def loaded(store: GraphStore, tmp_path: Path) -> tuple[GraphStore, list[LoadReport]]:
    reports = _load(store, tmp_path)
    assert [r.loaded for r in reports] == [True, True, True], [r.errors[:3] for r in reports]
    return store, reports


def test_counts_match_the_files(loaded: tuple[GraphStore, list[LoadReport]]) -> None:
    store, _ = loaded
    rows = _rows()
    pairs = {(r["projectID"], r["organisationID"]) for r in rows}
    duplicates = len(rows) - len(pairs)
    assert (len(rows), duplicates) == (2722, 3)  # SOURCE.md: a few pairs appear twice (third parties)
    assert _one(store, "MATCH (p:Project) RETURN count(p)") == len({r["projectID"] for r in rows}) == 336
    assert _one(store, "MATCH (i:Institution) RETURN count(i)") == len({r["organisationID"] for r in rows})
    assert _one(store, "MATCH (i:Institution) RETURN count(i)") == 1819
    assert _one(store, "MATCH ()-[r:TAKES_PART_IN]->() RETURN count(r)") == len(pairs) == 2719
    # one LOCATED_IN per organisation, to 65 countries (CORDIS EL and UK as GR and GB)
    assert _one(store, "MATCH (:Institution)-[r:LOCATED_IN]->() RETURN count(r)") == 1819
    countries = {ISO.get(r["country"], r["country"]) for r in rows}
    stored = {
        row["c"]
        for row in store.query("MATCH (:Institution)-[:LOCATED_IN]->(c:Country) RETURN DISTINCT c.id AS c")
    }
    assert stored == countries and len(stored) == 65
    assert {"GR", "GB"} <= stored and not {"EL", "UK"} & stored


def test_subtypes_from_activity_types(loaded: tuple[GraphStore, list[LoadReport]]) -> None:
    store, _ = loaded
    kinds = {r["organisationID"]: r["activityType"] for r in _rows()}
    expected = Counter(kinds.values())
    for label, code in [
        ("University", "HES"),
        ("ResearchInstitute", "REC"),
        ("Enterprise", "PRC"),
        ("GovernmentAgency", "PUB"),
    ]:
        assert _one(store, f"MATCH (n:{label}) RETURN count(n)") == expected[code]
    plain = "MATCH (n:Institution) WHERE size(labels(n)) = 1 RETURN count(n)"
    assert _one(store, plain) == expected["OTH"]


def test_roles_and_contributions(loaded: tuple[GraphStore, list[LoadReport]]) -> None:
    store, _ = loaded
    rows = _rows()
    by_pair: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        by_pair[(r["organisationID"], r["projectID"])].append(r)
    stored = {
        (row["o"], row["p"]): row
        for row in store.query(
            "MATCH (o:Institution)-[r:TAKES_PART_IN]->(p:Project) "
            "RETURN o.id AS o, p.id AS p, r.projectRole AS role, r.amount AS amount, r.currency AS currency",
            row_cap=100_000,
        )
    }
    assert stored.keys() == by_pair.keys()
    single = Counter(v[0]["role"] for v in by_pair.values() if len(v) == 1)
    assert Counter(stored[k]["role"] for k, v in by_pair.items() if len(v) == 1) == single
    for pair, source_rows in by_pair.items():  # a pair given twice keeps one of its rows' roles
        assert stored[pair]["role"] in {r["role"] for r in source_rows}
    assert {r["currency"] for r in stored.values()} == {"EUR"}
    # hand-checked, participations_with_names.csv row 2: OPTIQGAIN LTD coordinates SRSensor (859111)
    first = stored[("930078002", "859111")]
    assert (first["role"], first["amount"]) == ("coordinator", 1788682.0)
    org = store.query(
        "MATCH (o:Enterprise {id: '930078002'})-[:LOCATED_IN]->(c) "
        " RETURN o.name AS n, o.city AS c2, c.id AS c"
    )
    assert org == [{"n": "OPTIQGAIN LTD", "c2": "YAVNE", "c": "IL"}]
    project = store.query(
        "MATCH (p:Project {id: '859111'}) RETURN p.acronym AS a, p.callTopic AS t, p.programme AS g"
    )
    with gzip.open(CORDIS / "project_topics.csv.gz", "rt", encoding="utf-8", newline="") as f:
        topics = {r["projectID"]: r["topic"] for r in csv.DictReader(f)}
    assert project == [{"a": "SRSensor", "t": topics["859111"], "g": topics["859111"].split("-")[0]}]


def test_topics_touch_only_loaded_projects(loaded: tuple[GraphStore, list[LoadReport]]) -> None:
    store, reports = loaded
    topics = reports[2]
    assert topics.rows == 35383 and topics.not_existing == 35383 - 336  # SOURCE.md: one row per project
    assert _one(store, "MATCH (p:Project) WHERE p.callTopic IS NOT NULL RETURN count(p)") == 336
    assert _one(store, "MATCH (p:Project) RETURN count(p)") == 336


def test_provenance_cites_file_and_row(loaded: tuple[GraphStore, list[LoadReport]]) -> None:
    store, _ = loaded
    node = _one(store, "MATCH (o:Institution {id: '930078002'}) RETURN o.sources")
    assert "cordis/participations_with_names.csv:2" in node
    rel = _one(
        store,
        "MATCH (:Institution {id: '930078002'})-[r:TAKES_PART_IN]->(:Project {id: '859111'})"
        " RETURN r.sources",
    )
    assert "cordis/participations_with_names.csv:2" in rel
    project = _one(store, "MATCH (p:Project {id: '859111'}) RETURN p.sources")
    assert any(s.startswith("cordis/project_topics.csv.gz:") for s in project)
    # every relationship cites at least one row of a file
    uncited = (
        "MATCH ()-[r:TAKES_PART_IN]->() WHERE NONE(s IN r.sources WHERE s STARTS WITH 'cordis/')"
        " RETURN count(r)"
    )
    assert _one(store, uncited) == 0


def test_reload_changes_nothing(loaded: tuple[GraphStore, list[LoadReport]], tmp_path: Path) -> None:
    store, _ = loaded
    before = _snapshot(store)
    again = _load(store, tmp_path / "again")
    assert all(r.loaded for r in again)
    assert _snapshot(store) == before
    # the load reports say so too: no node created or updated (249 ISO countries, 1,819
    # organisations + 336 projects, the 336 projects the topics touch)
    changes = [(r.changes.nodes_created, r.changes.nodes_updated, r.changes.nodes_unchanged) for r in again]
    assert changes == [(0, 0, 249), (0, 0, 1819 + 336), (0, 0, 336)]
    # and no relationship either: the first load's relationships, all unchanged
    first = [(r.changes.relationships_created, r.changes.relationships_updated) for r in loaded[1]]
    rels = [(r.changes.relationships_created, r.changes.relationships_unchanged) for r in again]
    assert rels == [(0, created) for created, _ in first]
    assert sum(r.changes.writes for r in again) == 0


def test_load_reports_count_created_and_updated_nodes(loaded: tuple[GraphStore, list[LoadReport]]) -> None:
    _, reports = loaded
    # first load: everything created; the topics then update the 336 projects (hand count
    # from the files: 1,819 organisations and 336 projects, pycountry's 249 countries)
    changes = [(r.changes.nodes_created, r.changes.nodes_updated, r.changes.nodes_unchanged) for r in reports]
    assert changes == [(249, 0, 0), (1819 + 336, 0, 0), (0, 336, 0)]
    # relationships, counted from the participations file: one TAKES_PART_IN per distinct
    # (project, organisation) pair, one LOCATED_IN per distinct (organisation, country)
    rows = _rows()
    pairs = {(r["projectID"], r["organisationID"]) for r in rows}
    located = {(r["organisationID"], r["country"]) for r in rows if r["country"]}
    created = reports[1].changes.relationships_created
    assert (created, reports[1].changes.relationships_unchanged) == (len(pairs) + len(located), 0)


def test_a_reload_with_empty_or_placeholder_names_keeps_the_names(
    loaded: tuple[GraphStore, list[LoadReport]], tmp_path: Path
) -> None:
    store, _ = loaded
    # rows 2-4 of participations_with_names.csv: OPTIQGAIN LTD, TOTALFORSVARETS FORSKNINGSINSTITUT, …
    pics = [r["organisationID"] for r in _rows()[:3]]
    names = {r["organisationID"]: r["name"] for r in _rows()}
    (tmp_path / "poor.csv").write_text(
        f"organisationID,name,shortName\n{pics[0]},,\n{pics[1]},unknown,-\n{pics[2]},{pics[2]},NEW\n",
        encoding="utf-8",
    )
    (tmp_path / "poor.yaml").write_text(
        "source: {path: poor.csv}\n"
        "nodes:\n"
        "  - label: Institution\n"
        "    partial: true\n"
        "    key: organisationID\n"
        "    properties: {name: name, acronym: shortName}\n"
        "    merge: {acronym: keep_existing}\n",
        encoding="utf-8",
    )
    report = next(ingest_many(store, [LoadJob(tmp_path / "poor.yaml")]))
    assert report.loaded, report.errors
    rows = store.query(
        "MATCH (o:Institution) WHERE o.id IN $pics RETURN o.id AS id, o.name AS name, o.acronym AS acronym",
        {"pics": pics},
    )
    assert {r["id"]: r["name"] for r in rows} == {p: names[p] for p in pics}
    short = {r["organisationID"]: r["shortName"] for r in _rows()}
    assert {r["id"]: r["acronym"] for r in rows} == {
        p: short[p] for p in pics
    }  # keep_existing: NEW not taken


def test_actor_network_ties_every_pair_of_every_project(loaded: tuple[GraphStore, list[LoadReport]]) -> None:
    from itertools import combinations

    from graph.analytics.actors import PROJECT_TIE, actor_network

    store, _ = loaded
    members: dict[str, set[str]] = defaultdict(set)
    for r in _rows():
        members[r["projectID"]].add(r["organisationID"])
    weights: dict[tuple[str, str], float] = defaultdict(float)
    for orgs in members.values():  # Newman: 1/(n-1) per pair of a project of n
        for pair in combinations(sorted(orgs), 2):
            weights[pair] += 1 / (len(orgs) - 1)
    assert len(weights) == 21541  # the CSV's organisation pairs; 106 projects have more than 10 participants
    A = actor_network(store.to_networkx())
    assert A.graph["left_out"] == {"groups": 0, "ties": 0, "star_groups": 0}
    key = {n: str(n).split(":", 1)[1] for n in A}  # projection ids are "Label:key"
    tied = {tuple(sorted((key[u], key[v]))) for u, v, d in A.edges(data=True) if PROJECT_TIE in d["types"]}
    assert len(tied) == len(weights)
    for u, v, d in A.edges(data=True):
        pair = tuple(sorted((key[u], key[v])))
        assert abs(d["weight"] - weights[pair]) < 1e-9  # no other tie between organisations here
