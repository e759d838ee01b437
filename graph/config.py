"""Store configuration from environment variables and ``.env`` (pydantic-settings)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Backend", "StoreSettings"]


class Backend(StrEnum):
    """Available store backends."""

    FALKORDB = "falkordb"
    NEO4J = "neo4j"


class StoreSettings(BaseSettings):
    """Where and how the graph is stored.

    Examples
    --------
    >>> s = StoreSettings(_env_file=None, data_dir="/tmp/tn")
    >>> s.backend.value, s.graph_name
    ('falkordb', 'transfernet')
    """

    model_config = SettingsConfigDict(env_prefix="TRANSFERNET_", env_file=".env", extra="ignore")

    backend: Backend = Backend.FALKORDB
    data_dir: Path = Field(
        default=Path(".transfernet"), description="Embedded store, reports and run records."
    )
    graph_name: str = Field(default="transfernet", pattern=r"^[A-Za-z0-9_\-]+$")
    query_timeout_ms: int = Field(default=10_000, gt=0)
    row_cap: int = Field(default=10_000, gt=0)
    server_linger_s: float = Field(
        default=300.0,
        ge=0,
        description=(
            "Seconds the embedded server stays up after its last user exits, so that the next "
            "command finds it running instead of loading the graph again (0: stop at once)."
        ),
    )

    neo4j_uri: str | None = Field(default=None, validation_alias="NEO4J_URI")
    neo4j_user: str = Field(default="neo4j", validation_alias="NEO4J_USER")
    neo4j_password: SecretStr | None = Field(default=None, validation_alias="NEO4J_PASSWORD")
    neo4j_database: str = Field(default="neo4j", validation_alias="NEO4J_DATABASE")
    neo4j_read_user: str | None = Field(default=None, validation_alias="NEO4J_READ_USER")
    neo4j_read_password: SecretStr | None = Field(default=None, validation_alias="NEO4J_READ_PASSWORD")

    @property
    def store_dir(self) -> Path:
        """Directory of the embedded FalkorDB server's files."""
        return self.data_dir / "falkordb"

    @property
    def reports_dir(self) -> Path:
        """Directory where reports are written."""
        return self.data_dir / "reports"

    @property
    def runs_dir(self) -> Path:
        """Directory of analytics run records."""
        return self.data_dir / "runs"
