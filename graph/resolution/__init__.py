"""Entity resolution for institutions: one organisation, one node.

`names` normalises names (any script, legal forms, spelling), `matcher` scores a record
against stored candidates found by blocking (country, rare name tokens, identifiers),
`candidates` reads the candidates from a store (the Cypher), and `decisions` records a
person's or a load's decision that two records are, or are not, one organisation.
"""

from graph.resolution.matcher import (
    Candidate,
    Match,
    MatchIndex,
    Resolution,
    Thresholds,
)
from graph.resolution.names import name_tokens, normalise_name

__all__ = [
    "Candidate",
    "Match",
    "MatchIndex",
    "Resolution",
    "Thresholds",
    "name_tokens",
    "normalise_name",
]
