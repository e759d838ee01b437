"""docker-compose.yml cannot be started here (no Docker engine): check its wiring instead."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from api.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return data


def test_services_present(compose: dict[str, Any]) -> None:
    assert {"neo4j", "api"} <= set(compose["services"])


def test_neo4j_is_version_5_with_healthcheck_and_volume(compose: dict[str, Any]) -> None:
    neo4j = compose["services"]["neo4j"]
    assert re.match(r"neo4j:5([.-]|$)", neo4j["image"])
    assert "cypher-shell" in " ".join(neo4j["healthcheck"]["test"])
    assert any(v.endswith(":/data") for v in neo4j["volumes"])
    assert neo4j["volumes"][0].split(":")[0] in compose["volumes"]


def test_no_default_password(compose: dict[str, Any]) -> None:
    auth = compose["services"]["neo4j"]["environment"]["NEO4J_AUTH"]
    # ${VAR:?message} makes compose refuse to start without the variable: no default password.
    assert re.fullmatch(r"neo4j/\$\{NEO4J_PASSWORD:\?[^}]*\}", auth)
    api_env = compose["services"]["api"]["environment"]
    assert api_env["NEO4J_PASSWORD"].startswith("${NEO4J_PASSWORD:?")


def test_api_waits_for_healthy_neo4j(compose: dict[str, Any]) -> None:
    depends = compose["services"]["api"]["depends_on"]
    assert depends["neo4j"]["condition"] == "service_healthy"


def test_api_env_matches_settings(compose: dict[str, Any]) -> None:
    env = compose["services"]["api"]["environment"]
    assert env["TRANSFERNET_BACKEND"] == "neo4j"
    assert env["NEO4J_URI"].startswith("neo4j://neo4j:")  # routing scheme, compose service name
    assert env["NEO4J_URI"].rsplit(":", 1)[1] == "7687"
    # Every variable handed to the API is one the settings actually read.
    known = {
        (f.validation_alias if isinstance(f.validation_alias, str) else f"TRANSFERNET_{name.upper()}")
        for name, f in Settings.model_fields.items()
    }
    assert set(env) <= known, set(env) - known


def test_api_port_published_on_loopback(compose: dict[str, Any]) -> None:
    assert "127.0.0.1:8000:8000" in compose["services"]["api"]["ports"]
