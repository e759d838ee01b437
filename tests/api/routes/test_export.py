"""``GET /api/v1/export`` over real HTTP: the bundled graph as Turtle, JSON-LD and GraphML,
parsed back (rdflib through :func:`ontology.rdfio.loads`, networkx.read_graphml) and
compared with the store's own projection, read in the test."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator

import httpx
import networkx as nx
import pytest
import rdflib

from ontology.namespaces import TN_NS
from ontology.rdfio import loads
from ontology.records import NodeRecord, RelationshipRecord
from ontology.vocab import NodeLabel


@pytest.fixture(scope="module")
def client(api_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api_server, timeout=120) as c:
        yield c


def _node_keys(G: nx.MultiDiGraph) -> set[tuple[str, str]]:
    return {(d["label"], str(d["key"])) for _, d in G.nodes(data=True)}


def _rel_keys(G: nx.MultiDiGraph) -> Counter[tuple[str, str, str]]:
    return Counter(
        (d["type"], str(G.nodes[u]["key"]), str(G.nodes[v]["key"])) for u, v, d in G.edges(data=True)
    )


@pytest.mark.parametrize(
    ("fmt", "rdf_format", "media"),
    [("turtle", "turtle", "text/turtle; charset=utf-8"), ("jsonld", "json-ld", "application/ld+json")],
)
def test_rdf_export_round_trips(
    client: httpx.Client, bundle_graph: nx.MultiDiGraph, fmt: str, rdf_format: str, media: str
) -> None:
    r = client.get("/api/v1/export", params={"format": fmt})
    assert r.status_code == 200
    assert r.headers["content-type"] == media
    suffix = "ttl" if fmt == "turtle" else "jsonld"
    assert r.headers["content-disposition"] == f'attachment; filename="transfernet.{suffix}"'
    G = bundle_graph
    records = loads(r.text, format=rdf_format)
    nodes = [x for x in records if isinstance(x, NodeRecord)]
    rels = [x for x in records if isinstance(x, RelationshipRecord)]
    assert len(nodes) == G.number_of_nodes() and len(rels) == G.number_of_edges()
    assert {(n.label, str(n.key)) for n in nodes} == _node_keys(G)
    assert Counter((x.type, str(x.start_key), str(x.end_key)) for x in rels) == _rel_keys(G)
    # properties travel too (one node checked in full: the China–Arab States centre)
    casttc = next(n for n in nodes if n.key == "CASTTC")
    stored = dict(G.nodes["Institution:CASTTC"]["props"])
    stored.pop("id")
    assert casttc.properties["name"] == stored["name"]
    assert sorted(casttc.properties["sources"]) == sorted(stored["sources"])


def test_turtle_is_plain_rdf(client: httpx.Client, bundle_graph: nx.MultiDiGraph) -> None:
    text = client.get("/api/v1/export", params={"format": "turtle", "types": NodeLabel.COUNTRY}).text
    g = rdflib.Graph().parse(data=text, format="turtle")  # rdflib alone, without the ontology mapping
    country = rdflib.URIRef(TN_NS + NodeLabel.COUNTRY)
    G = bundle_graph
    n_countries = sum(NodeLabel.COUNTRY in d["labels"] for _, d in G.nodes(data=True))
    assert len(set(g.subjects(rdflib.RDF.type, country))) == n_countries


def test_graphml_export(client: httpx.Client, bundle_graph: nx.MultiDiGraph) -> None:
    r = client.get("/api/v1/export", params={"format": "graphml"})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/graphml+xml"
    assert r.headers["content-disposition"] == 'attachment; filename="transfernet.graphml"'
    H = nx.read_graphml(io.BytesIO(r.content))
    G = bundle_graph
    assert set(H.nodes) == set(G.nodes)
    assert H.number_of_edges() == G.number_of_edges()
    assert all(H.nodes[n]["label"] == d["label"] for n, d in G.nodes(data=True))
    assert Counter(d["type"] for *_, d in H.edges(data=True)) == Counter(
        d["type"] for *_, d in G.edges(data=True)
    )


def test_type_filter(client: httpx.Client, bundle_graph: nx.MultiDiGraph) -> None:
    types = f"{NodeLabel.TRANSFER_CENTRE},{NodeLabel.COUNTRY}"
    r = client.get("/api/v1/export", params={"format": "graphml", "types": types})
    assert r.status_code == 200
    assert "transfernet-Country-TransferCentre.graphml" in r.headers["content-disposition"]
    H = nx.read_graphml(io.BytesIO(r.content))
    G = bundle_graph
    keep = [
        n for n, d in G.nodes(data=True) if {NodeLabel.TRANSFER_CENTRE, NodeLabel.COUNTRY} & set(d["labels"])
    ]
    assert set(H.nodes) == set(keep)
    assert H.number_of_edges() == G.subgraph(keep).number_of_edges() > 0
    ttl = client.get("/api/v1/export", params={"types": NodeLabel.COUNTRY}).text
    records = loads(ttl, format="turtle")
    assert {x.label for x in records if isinstance(x, NodeRecord)} == {NodeLabel.COUNTRY}
    rels = [x for x in records if isinstance(x, RelationshipRecord)]
    assert all(x.start_label == NodeLabel.COUNTRY == x.end_label for x in rels)


@pytest.mark.parametrize("params", [{"format": "xml"}, {"types": "Planet"}, {"types": ","}])
def test_export_errors(client: httpx.Client, params: dict[str, str]) -> None:
    r = client.get("/api/v1/export", params=params)
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
