"""The errors of store operations, below every module that raises them.

`StoreError` and its kinds are raised by the backends, the Cypher helpers and the
readers built on them; callers catch them without importing a backend.

Examples
--------
>>> issubclass(QueryTimeout, StoreError), issubclass(ReadOnlyViolation, StoreError)
(True, True)
"""

from __future__ import annotations

__all__ = ["QueryTimeout", "ReadOnlyViolation", "StoreError", "StoreUnavailable"]


class StoreError(RuntimeError):
    """A store operation failed."""


class StoreUnavailable(StoreError):
    """The store's server cannot be reached, or stopped answering (the API: 503, retry)."""


class QueryTimeout(StoreError):
    """A query ran longer than its timeout."""


class ReadOnlyViolation(StoreError):
    """A query sent in read-only mode tried to write or to call an admin procedure."""
