"""Content digests of what a load writes: per grouped row, and per source as a whole.

A load's rows are grouped for the store (`graph.cypher.grouping.GroupedRecords`): a node
row per (node type, key), a relationship row per (type, start, end[, discriminator]).
`row_digests` gives each row an identity (its *element key*) and a digest of everything
its write depends on — key, values, the values that only fill or only lengthen, sources —
so two loads that would write the same row have the same digest.  `source_fingerprint`
digests one mapping's inputs as a whole: the mapping, every source file's bytes, where
they are read from and named relative to, and the code and ontology that map them; the
same fingerprint means the same rows.  `loaders.manifest` keeps both beside the store.

Examples
--------
>>> from ontology.derive import load_schema
>>> from graph.cypher.grouping import group_records
>>> from ontology.records import NodeRecord
>>> schema = load_schema()
>>> one = row_digests(group_records(schema, [NodeRecord("Country", "GR", {"name": "Greece"})], []))
>>> same = row_digests(group_records(schema, [NodeRecord("Country", "GR", {"name": "Greece"})], []))
>>> other = row_digests(group_records(schema, [NodeRecord("Country", "GR", {"name": "Hellas"})], []))
>>> one == same, one.keys() == other.keys(), one == other
(True, True, False)
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

from graph.cypher.grouping import GroupedRecords, NodeGroup, RelGroup

__all__ = ["code_fingerprint", "element_keys", "row_digests", "source_fingerprint", "without_held"]

_SIZE = 16  # bytes: 128 bits, no collision in any number of rows a store holds
_READ = 1 << 20


def _json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=repr).encode()


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=_SIZE).digest()


def _canonical(value: Any) -> bytes:
    """`repr` of plain row values, maps sorted by name (rows hold scalars, lists of them and
    maps of them: `graph.cypher.identifiers.plain_value`); several times faster than JSON."""
    return repr(value).encode("utf-8", "surrogatepass")


def _items(mapping: Mapping[str, Any] | None) -> list[tuple[str, Any]]:
    return sorted(mapping.items()) if mapping else []


def _node_ident(label: str, key: Any) -> bytes:
    return _canonical(("n", label, key))


def _rel_ident(group_key: tuple[str, str, str], row: Mapping[str, Any]) -> bytes:
    return _canonical(("r", *group_key, row["s"], row["e"], _items(row.get("d"))))


def row_digests(grouped: GroupedRecords) -> dict[bytes, bytes]:
    """Element key digest → row digest, for every row of `grouped`.

    A node's element key is ``["n", node type, key]``; a relationship's ``["r", type,
    start type, end type, start key, end key, discriminator values]``: the identities the
    grouping merges on (`graph.changes.Changes` counts the same rows).
    """
    out: dict[bytes, bytes] = {}
    for label, group in grouped.nodes.items():
        for key, row in group.rows.items():
            ident = _node_ident(label, key)
            content = _canonical((_items(row["p"]), row["s"], _items(row.get("f")), _items(row.get("l"))))
            out[_digest(ident)] = _digest(ident + b"\0" + content)
    for group_key, rgroup in grouped.relationships.items():
        for row in rgroup.rows.values():
            ident = _rel_ident(group_key, row)
            content = _canonical((_items(row["p"]), row["src"]))
            out[_digest(ident)] = _digest(ident + b"\0" + content)
    return out


def element_keys(grouped: GroupedRecords) -> list[bytes]:
    """The element key digests of the rows of `grouped` (those of `row_digests`)."""
    keys = [_digest(_node_ident(label, key)) for label, group in grouped.nodes.items() for key in group.rows]
    keys.extend(
        _digest(_rel_ident(group_key, row))
        for group_key, rgroup in grouped.relationships.items()
        for row in rgroup.rows.values()
    )
    return keys


def without_held(grouped: GroupedRecords, held: Collection[bytes]) -> tuple[GroupedRecords, int, int]:
    """`grouped` without the rows whose element keys are in `held`, and how many node and
    relationship rows were left out.

    The rest keeps the record counts of the rows it keeps (one record a row).
    """
    if not held:
        return grouped, 0, 0
    nodes: dict[str, NodeGroup] = {}
    n_held = r_held = 0
    for label, group in grouped.nodes.items():
        kept = NodeGroup(group.node_type, fill=set(group.fill), longer=set(group.longer))
        for key, row in group.rows.items():
            if _digest(_node_ident(label, key)) in held:
                n_held += 1
            else:
                kept.rows[key] = row
        if kept.rows:
            nodes[label] = kept
    rels: dict[tuple[str, str, str], RelGroup] = {}
    for group_key, rgroup in grouped.relationships.items():
        kept_rels = RelGroup(rgroup.rel_type, rgroup.start, rgroup.end, rgroup.discriminator)
        for row_key, row in rgroup.rows.items():
            if _digest(_rel_ident(group_key, row)) in held:
                r_held += 1
            else:
                kept_rels.rows[row_key] = row
        if kept_rels.rows:
            rels[group_key] = kept_rels
    rest = GroupedRecords(
        nodes,
        rels,
        sum(len(g.rows) for g in nodes.values()),
        sum(len(g.rows) for g in rels.values()),
    )
    return rest, n_held, r_held


def _package_files() -> Iterable[Path]:
    root = Path(__file__).resolve().parents[1]
    for package, pattern in (
        ("loaders", "*.py"),
        ("ontology", "*.py"),
        ("ontology", "*.ttl"),
        ("graph", "*.py"),
    ):
        folder = root / package
        if package == "graph":  # what shapes a written row: the grouping and its values
            yield from sorted((folder / "cypher").glob(pattern))
            continue
        yield from sorted(folder.rglob(pattern))


@functools.cache
def code_fingerprint() -> bytes:
    """A digest of the code and ontology that turn a file into rows (read once a process).

    A changed reader, transform or shape makes every source's fingerprint change, so a
    reload after an upgrade maps its files again instead of trusting the last load's rows.
    """
    h = hashlib.blake2b(digest_size=_SIZE)
    for path in _package_files():
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.digest()


def source_fingerprint(mapping: str, files: Iterable[Path], context: Iterable[str]) -> bytes:
    """A digest of one mapping's inputs: its parsed text `mapping`, each file's path and
    bytes, the `context` strings (where files are read from and named relative to), and
    `code_fingerprint`."""
    h = hashlib.blake2b(digest_size=_SIZE)
    h.update(code_fingerprint())
    h.update(_json([mapping, *context]))
    for path in files:
        h.update(b"\0file\0" + str(Path(path).resolve()).encode() + b"\0")
        with Path(path).open("rb") as fh:
            while chunk := fh.read(_READ):
                h.update(chunk)
    return h.digest()
