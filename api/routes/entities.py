"""Placeholder router (entities); filled in by its issue's work."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter(tags=["entities"])
