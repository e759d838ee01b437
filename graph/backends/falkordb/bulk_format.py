"""FalkorDB's binary ``GRAPH.BULK`` format: typed values and blob headers.

Hand-written encoder of FalkorDB's documented GRAPH.BULK binary format: the only library
that writes it (falkordb-bulk-loader) reads CSV files from its command line and has no
API taking records, and the falkordb client has no bulk call.  Per command:
``GRAPH.BULK key [BEGIN] n_nodes n_edges n_node_blobs n_edge_blobs blob...``; a blob is
``name\\0 <u32 n_props> prop\\0...`` then per entity (edges: ``<u64 src><u64 dst>``) one
typed value per property (0 null = absent, 1 bool, 2 double, 3 string\\0, 4 int64,
5 array: <u64 len> typed values).  Node ids are assigned in creation order from 0.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Mapping, Sequence
from typing import Any

from graph.cypher.identifiers import plain_value
from graph.errors import StoreError

__all__ = ["bulk_header", "bulk_value", "pack_edge"]

_PACK_Q = struct.Struct("<q").pack
#: ``<u64 src><u64 dst>``: the ends of one edge.
pack_edge = struct.Struct("<QQ").pack
_NULL = b"\x00"


def bulk_value(value: Any) -> bytes:
    """One typed GRAPH.BULK value.

    Examples
    --------
    >>> bulk_value("ab")
    b'\\x03ab\\x00'
    >>> bulk_value([1, None])
    b'\\x05\\x02\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x04\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00'
    """
    t = type(value)
    if t is str:
        if "\x00" in value:
            raise StoreError(f"cannot store a string containing NUL: {value!r}")
        return b"\x03" + value.encode() + _NULL
    if t is int:
        try:
            return b"\x04" + _PACK_Q(value)
        except struct.error as exc:
            raise StoreError(f"integer out of the 64-bit range: {value}") from exc
    if value is None:
        return _NULL
    if t is bool:
        return b"\x01\x01" if value else b"\x01\x00"
    if t is float:
        if not math.isfinite(value):
            raise StoreError(f"cannot store the float {value!r}")
        return b"\x02" + struct.pack("<d", value)
    if t is list or t is tuple:
        return b"\x05" + _PACK_Q(len(value)) + b"".join([bulk_value(v) for v in value])
    converted = plain_value(value)
    if converted is value or isinstance(converted, Mapping):
        raise StoreError(f"cannot bulk-store a value of type {t.__name__}")
    return bulk_value(converted)


def bulk_header(name: str, props: Sequence[str]) -> bytes:
    """The head of a blob: entity name (``A:B`` labels or a type) and property names.

    Examples
    --------
    >>> bulk_header("Country", ["id"])
    b'Country\\x00\\x01\\x00\\x00\\x00id\\x00'
    """
    return name.encode() + _NULL + struct.pack("<I", len(props)) + b"".join(p.encode() + _NULL for p in props)
