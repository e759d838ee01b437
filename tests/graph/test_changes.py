"""`graph.changes`: what a write would change, counted by hand on small stores."""

from __future__ import annotations

from graph.changes import Changes, changed_only
from graph.cypher.grouping import group_records
from graph.store import GraphStore
from ontology.records import MergePolicy, NodeRecord, RelationshipRecord


def _seed(store: GraphStore) -> None:
    store.upsert(
        [
            NodeRecord("Country", "FR", {"name": "France", "sources": ["c.csv:2"]}),
            NodeRecord("Institution", "A", {"name": "Alpha", "sources": ["i.csv:2"]}),
            NodeRecord("Institution", "B", {"name": "Beta", "sources": ["i.csv:3"]}),
            NodeRecord("Expert", "E1", {"name": "Ada", "sources": ["e.csv:2"]}),
        ],
        [
            RelationshipRecord("LOCATED_IN", "Institution", "A", "Country", "FR", {"sources": ["i.csv:2"]}),
            RelationshipRecord(
                "WORKS_AT", "Expert", "E1", "Institution", "A", {"role": "lead", "sources": ["e.csv:2"]}
            ),
        ],
    )


def test_the_same_records_change_nothing_and_write_nothing(store: GraphStore) -> None:
    _seed(store)
    grouped = group_records(
        store.schema,
        [NodeRecord("Institution", "A", {"name": "Alpha", "sources": ["i.csv:2"]})],
        [RelationshipRecord("LOCATED_IN", "Institution", "A", "Country", "FR", {"sources": ["i.csv:2"]})],
    )
    written, changes = changed_only(store, grouped)
    assert changes == Changes(nodes_unchanged=1, relationships_unchanged=1)
    assert written.rows == 0 and (written.node_records, written.relationship_records) == (0, 0)


def test_each_kind_of_change_is_counted_and_kept(store: GraphStore) -> None:
    _seed(store)
    nodes = [
        NodeRecord(
            "Institution", "A", {"name": "Alpha Labs", "sources": ["i.csv:2"]}
        ),  # a new value: updated
        NodeRecord("Institution", "B", {"name": "Beta", "sources": ["j.csv:7"]}),  # a new source: updated
        NodeRecord("TransferCentre", "A", {"sources": ["i.csv:2"]}),  # a label it lacks: updated
        NodeRecord("Institution", "C", {"name": "Gamma", "sources": ["i.csv:4"]}),  # new: created
        NodeRecord("Expert", "E1", {"name": "Ada", "sources": ["e.csv:2"]}),  # as stored: unchanged
    ]
    rels = [
        # the end C is created by this write: created without a lookup
        RelationshipRecord("LOCATED_IN", "Institution", "C", "Country", "FR", {"sources": ["i.csv:4"]}),
        # both ends stored, the tie too, another role: updated
        RelationshipRecord(
            "WORKS_AT", "Expert", "E1", "Institution", "A", {"role": "chair", "sources": ["e.csv:2"]}
        ),
        # both ends stored, no such tie: created
        RelationshipRecord("LOCATED_IN", "Institution", "B", "Country", "FR", {"sources": ["i.csv:3"]}),
    ]
    written, changes = changed_only(store, group_records(store.schema, nodes, rels))
    # two groups hold A (Institution, TransferCentre): each row is compared on its own
    assert changes == Changes(
        nodes_created=1,
        nodes_updated=3,
        nodes_unchanged=1,
        relationships_created=2,
        relationships_updated=1,
        relationships_unchanged=0,
    )
    assert sorted(written.nodes) == ["Institution", "TransferCentre"]
    assert sorted(written.nodes["Institution"].rows) == ["A", "B", "C"]
    assert written.rows == 4 + 3  # A, B, C and A as a centre; the three ties


def test_merge_policies_decide_as_the_upsert_would(store: GraphStore) -> None:
    _seed(store)
    keep = {"name": MergePolicy.KEEP_EXISTING}
    longer = {"name": MergePolicy.KEEP_LONGER}
    nodes = [
        # keep_existing over a stored name: the upsert would leave it, so unchanged
        NodeRecord("Institution", "A", {"name": "Other", "sources": ["i.csv:2"]}, merge=keep),
        # keep_longer with a shorter text: unchanged; with a longer one: updated
        NodeRecord("Institution", "B", {"name": "Bet", "sources": ["i.csv:3"]}, merge=longer),
        NodeRecord("Expert", "E1", {"name": "Ada Lovelace", "sources": ["e.csv:2"]}, merge=longer),
    ]
    _, changes = changed_only(store, group_records(store.schema, nodes, []))
    assert (changes.nodes_updated, changes.nodes_unchanged) == (1, 2)


def test_writing_only_the_changes_leaves_the_graph_as_writing_everything(store: GraphStore) -> None:
    _seed(store)
    nodes = [
        NodeRecord("Institution", "A", {"name": "Alpha Labs", "sources": ["i.csv:2"]}),
        NodeRecord("Institution", "B", {"name": "Beta", "sources": ["i.csv:3"]}),
    ]
    rels = [RelationshipRecord("LOCATED_IN", "Institution", "B", "Country", "FR", {"sources": ["i.csv:3"]})]
    written, _ = changed_only(store, group_records(store.schema, nodes, rels))
    store.upsert_grouped(written)
    names = store.query("MATCH (n:Institution) RETURN n.id AS id, n.name AS name ORDER BY id")
    assert names == [{"id": "A", "name": "Alpha Labs"}, {"id": "B", "name": "Beta"}]
    ties = store.query("MATCH (n:Institution)-[:LOCATED_IN]->(c:Country) RETURN n.id AS id ORDER BY id")
    assert [t["id"] for t in ties] == ["A", "B"]
    # and the same records again: nothing left to write
    again, changes = changed_only(store, group_records(store.schema, nodes, rels))
    assert again.rows == 0 and changes.nodes_unchanged == 2 and changes.relationships_unchanged == 1
