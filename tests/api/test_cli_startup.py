"""A short CLI command starts fast: the query path loads no analytics or RDF stack.

The budget of issue #25 is ≤ 0.5 s from start to answer on a warm store; numpy, scipy,
networkx, rdflib and pyshacl together take longer than that to import, so none of them
may be imported by ``transfernet query`` (timings themselves: ``benchmarks/startup.py``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from graph.backends.falkordb.server import stop_server

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("numpy", "scipy", "networkx", "rdflib", "pyshacl", "pandas", "igraph", "babel")
PROBE = f"""
import json, sys
from api.cli import main
sys.argv = ["transfernet", "query", "RETURN 1 AS one", "--json"]
try:
    main()
except SystemExit as exc:
    assert not exc.code, exc.code
print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]), file=sys.stderr)
"""


def test_query_imports_no_analytics_or_rdf_stack(tmp_path: Path) -> None:
    env = {**os.environ, "TRANSFERNET_DATA_DIR": str(tmp_path), "TRANSFERNET_SERVER_LINGER_S": "0"}
    env.pop("TRANSFERNET_BACKEND", None)
    try:
        for _ in range(2):  # the second run reads the schema from the cache
            done = subprocess.run(
                [sys.executable, "-c", PROBE],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert done.returncode == 0, done.stderr
            assert json.loads(done.stdout) == {"one": 1}
        assert json.loads(done.stderr.strip().splitlines()[-1]) == []
    finally:
        stop_server(tmp_path / "falkordb")


ANALYZE_PROBE = """
import json, sys
from api.cli import main
sys.argv = ["transfernet", "analyze"]
try:
    main()
except SystemExit as exc:
    assert not exc.code, exc.code
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("pyshacl", "loaders"))
print(json.dumps(heavy), file=sys.stderr)
"""


def test_analyze_imports_no_loaders_or_shacl_stack(tmp_path: Path) -> None:
    # `analyze` reads the graph and writes its results: loading files (the loaders) and SHACL
    # (pyshacl, 0.2-0.5 s to import) are not part of it, printing included
    env = {**os.environ, "TRANSFERNET_DATA_DIR": str(tmp_path), "TRANSFERNET_SERVER_LINGER_S": "0"}
    env.pop("TRANSFERNET_BACKEND", None)
    try:
        done = subprocess.run(
            [sys.executable, "-c", ANALYZE_PROBE],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stderr.strip().splitlines()[-1]) == []
    finally:
        stop_server(tmp_path / "falkordb")


HUGEPAGES = """
import os, sys
from api.cli import main
sys.argv = ["transfernet", "--help"]
try:
    main()
except SystemExit:
    pass
import numpy
print(os.environ.get("NUMPY_MADVISE_HUGEPAGE"), file=sys.stderr)
"""


def test_the_cli_turns_numpys_huge_pages_off_unless_the_user_set_them(tmp_path: Path) -> None:
    # read by numpy when it is imported: the CLI sets it before any command imports numpy
    env = {**os.environ, "TRANSFERNET_DATA_DIR": str(tmp_path)}
    env.pop("NUMPY_MADVISE_HUGEPAGE", None)
    for given, expected in ((None, "0"), ("1", "1")):
        if given is not None:
            env["NUMPY_MADVISE_HUGEPAGE"] = given
        done = subprocess.run(
            [sys.executable, "-c", HUGEPAGES], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
        )
        assert done.stderr.strip().splitlines()[-1] == expected, done.stderr
