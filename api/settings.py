"""Service settings: the store settings plus HTTP serving options."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from graph.config import StoreSettings

__all__ = ["Settings"]


class Settings(StoreSettings):
    """All configuration, read from ``TRANSFERNET_*`` / ``NEO4J_*`` variables and ``.env``.

    Examples
    --------
    >>> s = Settings(_env_file=None, api_keys="k1, k2")
    >>> s.api_keys
    ['k1', 'k2']
    >>> s.port
    8000
    """

    model_config = SettingsConfigDict(env_prefix="TRANSFERNET_", env_file=".env", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    workers: int = Field(default=1, ge=1, le=64)
    api_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Comma-separated keys that allow writes."
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    max_request_bytes: int = Field(default=1_000_000, gt=0)
    log_json: bool = True

    @field_validator("api_keys", "cors_origins", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value
