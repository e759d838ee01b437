"""RDF export and import of the whole bundled dataset, without loss."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from graph.backends import open_store
from graph.config import StoreSettings
from graph.export import graph_records
from ontology.derive import load_schema
from ontology.rdfio import dumps, loads
from ontology.records import NodeRecord, RelationshipRecord


def _canon(value: Any) -> Any:
    return sorted(map(str, value)) if isinstance(value, list) else value  # RDF has no list order


@pytest.mark.parametrize("fmt", ["turtle", "json-ld"])
def test_bundled_dataset_round_trips(bundle_data_dir: Path, fmt: str) -> None:
    schema = load_schema()
    store = open_store(StoreSettings(_env_file=None, data_dir=bundle_data_dir), schema, read_only=True)
    try:
        records = list(graph_records(store.to_networkx(), schema))
    finally:
        store.close()
    back = loads(dumps(records, format=fmt, schema=schema), format=fmt, schema=schema)
    nodes = [r for r in records if isinstance(r, NodeRecord)]
    rels = [r for r in records if isinstance(r, RelationshipRecord)]
    back_nodes = [r for r in back if isinstance(r, NodeRecord)]
    back_rels = [r for r in back if isinstance(r, RelationshipRecord)]
    # counts by label and type
    assert Counter(n.label for n in back_nodes) == Counter(n.label for n in nodes)
    assert Counter(r.type for r in back_rels) == Counter(r.type for r in rels)
    # every node's properties, values included
    before = {(n.label, n.key): {k: _canon(v) for k, v in n.properties.items()} for n in nodes}
    after = {(n.label, n.key): {k: _canon(v) for k, v in n.properties.items()} for n in back_nodes}
    assert after == before

    # every relationship, its ends and properties (end labels compare at their key label)
    def rel_key(r: RelationshipRecord) -> tuple[Any, ...]:
        start = (schema.node(r.start_label).key_label, r.start_key)
        end = (schema.node(r.end_label).key_label, r.end_key)
        return (r.type, start, end, tuple(sorted((k, repr(_canon(v))) for k, v in r.properties.items())))

    assert Counter(map(rel_key, back_rels)) == Counter(map(rel_key, rels))
