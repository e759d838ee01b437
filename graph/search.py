"""Name search over a projected graph: English or Chinese, case- and accent-insensitive.

Names are folded once (NFKD, combining marks removed, casefolded) when the index is
built; a query is a substring scan over the folded names, which takes milliseconds for
a hundred thousand nodes and needs no full-text index in the database (FalkorDB's and
Neo4j's analyzers fold accents differently).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from ontology.schema import Datatype, GraphSchema, NodeType

__all__ = ["NameIndex", "SearchHit", "fold", "name_properties"]


def fold(text: str) -> str:
    """Case- and accent-insensitive form of `text` (NFKD, combining marks removed, casefolded).

    Examples
    --------
    >>> fold("Côte d'Ivoire") == fold("COTE D'IVOIRE")
    True
    >>> fold("中国—东盟")
    '中国—东盟'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A node whose name matched."""

    id: str
    type: str
    name: str
    matched: str
    score: float


def name_properties(node_type: NodeType) -> list[str]:
    """String properties that name a node: the name first, then alternative names (``altName``,
    searched like the name), Chinese ones, the acronym last.

    Examples
    --------
    >>> from ontology.schema import PropertySpec
    >>> nt = NodeType("C", "urn:c", "id", "C", ("C",), (PropertySpec("nameZh", "urn:z"),
    ...               PropertySpec("name", "urn:n"), PropertySpec("city", "urn:y")))
    >>> name_properties(nt)
    ['name', 'nameZh']
    >>> project = NodeType("P", "urn:p", "id", "P", ("P",), (PropertySpec("acronym", "urn:a"),
    ...                    PropertySpec("callTopicTitle", "urn:t")))
    >>> name_properties(project)
    ['acronym']
    """
    # the node's own names only: ``callTopicTitle`` contains "title" but names the call
    # topic a project was selected under, not the project (a project showed as its topic)
    words = ("name", "title", "acronym", "altname")
    names = [
        p.name
        for p in node_type.properties
        if p.datatype is Datatype.STRING and p.name.lower().startswith(words)
    ]
    return sorted(names, key=lambda n: ("zh" in n.lower(), "acronym" in n.lower(), len(n), n))


class NameIndex:
    """Folded names of every node, for substring search in English or Chinese."""

    def __init__(self, graph: nx.Graph, schema: GraphSchema) -> None:
        self._entries: list[tuple[str, str, str, str]] = []  # folded, original, node id, type
        self._names: dict[str, str] = {}
        self._names_zh: dict[str, str] = {}  # from the name properties spelled *Zh (nameZh, …)
        # name before alternative names before acronym: an answer shows the full name
        name_props = {label: name_properties(nt) for label, nt in schema.nodes.items()}
        for node, data in graph.nodes(data=True):
            label = data.get("label", "")
            props = data.get("props", {})
            first = first_zh = None
            for prop in name_props.get(label, []):
                values = props.get(prop)
                for value in values if isinstance(values, list) else [values]:
                    if isinstance(value, str) and value:
                        self._entries.append((fold(value), value, node, label))
                        if "zh" in prop.lower():
                            first_zh = first_zh or value
                        else:
                            first = first or value
            key = str(data.get("key", node))
            self._entries.append((fold(key), key, node, label))
            self._names[node] = first or first_zh or key
            if first_zh:
                self._names_zh[node] = first_zh

    def name(self, node: str, lang: str = "en") -> str:
        """Display name of a node in ``lang`` (``"zh"``: its Chinese name where it has one)."""
        if lang == "zh" and node in self._names_zh:
            return self._names_zh[node]
        return self._names.get(node, node)

    def search(
        self, text: str, *, limit: int = 20, types: Iterable[str] | None = None, lang: str = "en"
    ) -> list[SearchHit]:
        """Nodes whose names contain `text` (exact > prefix > substring; shorter names first),
        named in ``lang``."""
        needle = fold(text.strip())
        if not needle:
            return []
        wanted = set(types) if types else None
        best: dict[str, SearchHit] = {}
        for folded, original, node, label in self._entries:
            if wanted is not None and label not in wanted:
                continue
            at = folded.find(needle)
            if at < 0:
                continue
            score = (3.0 if folded == needle else 2.0 if at == 0 else 1.0) - len(folded) / 1000.0
            hit = best.get(node)
            if hit is None or score > hit.score:
                best[node] = SearchHit(node, label, self.name(node, lang), original, score)
        return sorted(best.values(), key=lambda h: (-h.score, h.name))[:limit]
