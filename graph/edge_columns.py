"""Relationships read from a store as columns of internal ids, for the projection builders.

A backend whose replies are integer rows (FalkorDB's ``id(a), id(b), id(r)``) hands the
projection arrays instead of a Python tuple per relationship: at 1M relationships the
tuples, their generator and their transposition into columns cost a second of the
projection, the arrays a few hundredths.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["EdgeColumns"]


@dataclass(frozen=True, slots=True)
class EdgeColumns:
    """Relationships without properties, in the order they were read.

    Attributes
    ----------
    starts, ends : ndarray of int64
        The internal ids of each relationship's start and end node.
    kinds : ndarray of int32
        Index into `types` of each relationship's type.
    types : tuple of str

    Examples
    --------
    >>> import numpy as np
    >>> cols = EdgeColumns(np.array([3, 3]), np.array([5, 7]), np.array([0, 1], dtype=np.int32), ("A", "B"))
    >>> cols.rows()
    [(3, 5, 'A'), (3, 7, 'B')]
    """

    starts: npt.NDArray[np.int64]
    ends: npt.NDArray[np.int64]
    kinds: npt.NDArray[np.int32]
    types: tuple[str, ...]

    def rows(self) -> list[tuple[int, int, str]]:
        """``(start, end, type)`` per relationship (for builders that take rows)."""
        names = self.types
        return [
            (s, e, names[k])
            for s, e, k in zip(self.starts.tolist(), self.ends.tolist(), self.kinds.tolist(), strict=True)
        ]
