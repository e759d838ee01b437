"""Duplicated branch centres (the study's "分中心建设重复"), found on evidence.

Two centres abroad built by different parent centres (or by parents from different
provinces) in the same host country are candidates.  Sharing a country is not enough to
call them duplicates: a pair is a **duplicate** only with evidence beyond the host —
the same city, overlapping fields, shared partners, or distinctive words of their names
in common across Chinese and English (`EVIDENCE_RULES`).  Candidates without such
evidence are **co-located**: a weaker finding, listed apart, with no recommendation to
coordinate.  Every pair carries its evidence, a score (`DEFAULT_WEIGHTS`) and a
confidence; duplicate pairs above the threshold are merged into clusters (connected
components).

The function reads a typed projection (`GraphStore.to_networkx`: node attributes
``labels``, ``key``, ``props``; edge attribute ``type``), so it runs on the store's
graph or on any graph built the same way.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from itertools import combinations
from typing import Any

import networkx as nx
import numpy as np

from graph.typed_arrays import TypedArrays, typed_arrays
from ontology.vocab import NodeLabel, PropertyName, RelType

__all__ = [
    "DEFAULT_WEIGHTS",
    "EVIDENCE_RULES",
    "CentreProfile",
    "DuplicateCluster",
    "PairEvidence",
    "centre_profiles",
    "duplicate_centres",
    "name_tokens",
]

#: Weights of the evidence in a pair's score (they sum to 1).
DEFAULT_WEIGHTS: Mapping[str, float] = {"host": 0.35, "fields": 0.2, "partners": 0.25, "name": 0.2}

#: What counts as evidence beyond the shared host country (the one documented place):
#: the same city; a field Jaccard of at least ``fields``; at least ``partners`` shared
#: partner institutions; a Jaccard of the names' distinctive tokens of at least ``name``
#: (tokens left when the country names and the generic words of centre names — centre,
#: technology transfer, bilateral, branch… — are taken out).
EVIDENCE_RULES: Mapping[str, float] = {"fields": 0.25, "partners": 1, "name": 0.5}

#: Confidence of a duplicate pair: two or more kinds of evidence are ``high``, one ``medium``.
CONFIDENCE = ("medium", "high")

# A small bilingual glossary of the words centre names are made of.  No library maps
# Chinese institutional vocabulary to English tokens, and machine translation is not
# available offline, so the few dozen terms that make up these names are listed here.
_GLOSSARY: Mapping[str, str] = {
    "技术转移": "techtransfer",
    "technology transfer": "techtransfer",
    "tech transfer": "techtransfer",
    "创新合作": "innovation cooperation",
    "创新": "innovation",
    "合作": "cooperation",
    "中心": "center",
    "centre": "center",
    "分中心": "branch center",
    "branch": "branch",
    "双边": "bilateral",
    "国际": "international",
    "联合": "joint",
    "实验室": "laboratory",
    "lab": "laboratory",
    "协作": "collaborative",
    "海外": "overseas",
    "工作站": "workstation",
    "基地": "base",
}
_STOP = {"of", "the", "and", "for", "in", "de", "—", "-", "·", "、", "的"}
#: Tokens every centre name may carry: no evidence that two centres are the same.
_GENERIC = frozenset(
    {t for v in _GLOSSARY.values() for t in v.split()}
    | {"technology", "transfer", "centre", "center", "sub", "unit", "proposed", "planned", "preparation"}
    | {"中", "心", "技", "术", "转", "移", "国", "双", "边", "分"}
)


@dataclass(frozen=True, slots=True)
class CentreProfile:
    """What a centre abroad is known by: host, fields, partners, parents, names."""

    node: Hashable
    hosts: frozenset[str]
    city: str | None
    fields: frozenset[Hashable]
    partners: frozenset[Hashable]
    parents: frozenset[Hashable]
    parent_provinces: frozenset[str]
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PairEvidence:
    """Why two centres look like duplicates."""

    a: Hashable
    b: Hashable
    shared_hosts: tuple[str, ...]
    same_city: bool
    field_jaccard: float
    shared_fields: tuple[Hashable, ...]
    partner_jaccard: float
    shared_partners: tuple[Hashable, ...]
    name_similarity: float
    parents_a: tuple[Hashable, ...]
    parents_b: tuple[Hashable, ...]
    score: float
    evidence: tuple[str, ...] = ()  # kinds of evidence beyond the host: same city, fields, partners, name
    kind: str = "duplicate"  # "duplicate" (evidence beyond the host) or "co-located"
    confidence: str = "low"  # "high", "medium"; "low" for a co-located pair


@dataclass(frozen=True, slots=True)
class DuplicateCluster:
    """Centres that duplicate each other, with the evidence of every linking pair."""

    members: tuple[Hashable, ...]
    hosts: tuple[str, ...]
    parents: tuple[Hashable, ...]
    score: float
    pairs: tuple[PairEvidence, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return asdict(self)


def _labels(G: nx.Graph, node: Hashable) -> set[str]:
    return set(G.nodes[node].get("labels", ()))


def _neighbours(t: TypedArrays, i: int) -> Iterable[tuple[Hashable, str, bool]]:
    """(other node, relationship type, outgoing?) for every relationship of node `i` of the
    projection's arrays (its outgoing ones, then its incoming ones): the projection's
    relationship dicts are not read (`graph.lazy_graph`)."""
    outgoing, incoming = t.incident(i)
    for positions, ends, out in ((outgoing, t.dst, True), (incoming, t.src, False)):
        for other, kind in zip(ends[positions].tolist(), t.kind[positions].tolist(), strict=True):
            yield t.nodes[other], t.type_names[kind], out


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKC", text).casefold()
    return decomposed


def name_tokens(name: str, country_names: Mapping[str, str]) -> frozenset[str]:
    """Script-independent tokens of a centre name.

    Country names in either script become their ISO code and institutional words go
    through a bilingual glossary, so "中国—泰国技术转移中心" and "China-Thailand
    Technology Transfer Center" share their tokens.

    Examples
    --------
    >>> names = {"china": "CN", "中国": "CN", "thailand": "TH", "泰国": "TH"}
    >>> a = name_tokens("中国—泰国技术转移中心", names)
    >>> b = name_tokens("China-Thailand Technology Transfer Center", names)
    >>> sorted(a), a == b
    (['CN', 'TH', 'center', 'techtransfer'], True)
    """
    text = _fold(name)
    tokens: set[str] = set()
    # Longest names first so that "south africa" wins over "africa".
    for country in sorted(country_names, key=len, reverse=True):
        if country and country in text:
            tokens.add(country_names[country])
            text = text.replace(country, " ")
    for term in sorted(_GLOSSARY, key=len, reverse=True):
        if term in text:
            tokens.update(_GLOSSARY[term].split())
            text = text.replace(term, " ")
    for word in re.split(r"[\s\-—–·,()（）、/]+", text):
        if word and word not in _STOP and not re.fullmatch(r"[\u4e00-\u9fff]+", word):
            tokens.add(word)
        elif word and re.fullmatch(r"[\u4e00-\u9fff]+", word):
            tokens.update(word)  # unknown Chinese text: compare character by character
    return frozenset(tokens - _STOP)


def _jaccard(a: frozenset[Any], b: frozenset[Any]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _country_names(G: nx.Graph) -> dict[str, str]:
    names: dict[str, str] = {}
    for node, data in G.nodes(data=True):
        if NodeLabel.COUNTRY in data.get("labels", ()):
            key = str(data.get("key", node))
            props = data.get("props", {})
            for prop in (PropertyName.NAME, PropertyName.NAME_ZH):
                value = props.get(prop)
                if isinstance(value, str) and len(value) >= 2:
                    names[_fold(value)] = key
    return names


def centre_profiles(G: nx.MultiDiGraph) -> dict[Hashable, CentreProfile]:
    """Profiles of every centre that has a parent centre or a host country abroad.

    National centres themselves (no parent) are left out: they are the builders.
    """
    arrays = typed_arrays(G)  # the centres found on the arrays, not by every node's labels
    centres = arrays.has(NodeLabel.TRANSFER_CENTRE) & ~arrays.has(NodeLabel.NATIONAL_TRANSFER_CENTRE)
    profiles: dict[Hashable, CentreProfile] = {}
    for i in np.flatnonzero(centres).tolist():
        node = arrays.nodes[i]
        hosts: set[str] = set()
        fields: set[Hashable] = set()
        partners: set[Hashable] = set()
        parents: set[Hashable] = set()
        for other, rel, outgoing in _neighbours(arrays, i):
            other_labels = _labels(G, other)
            if rel in (RelType.HOSTED_IN, RelType.LOCATED_IN) and NodeLabel.COUNTRY in other_labels:
                hosts.add(str(G.nodes[other].get("key", other)))
            elif rel == RelType.PARENT_CENTRE and outgoing:
                parents.add(other)
            elif rel == RelType.COVERS_FIELD:
                fields.add(other)
            elif NodeLabel.INSTITUTION in other_labels and not (
                rel == RelType.PARENT_CENTRE and not outgoing
            ):
                partners.add(other)
        if not parents and not hosts:
            continue
        provinces = {
            str(G.nodes[p].get("props", {}).get(PropertyName.PROVINCE))
            for p in parents
            if G.nodes[p].get("props", {}).get(PropertyName.PROVINCE)
        }
        props = G.nodes[node].get("props", {})
        names = tuple(
            str(props[p]) for p in (PropertyName.NAME, PropertyName.NAME_ZH) if isinstance(props.get(p), str)
        )
        city = props.get(PropertyName.CITY)
        profiles[node] = CentreProfile(
            node=node,
            hosts=frozenset(hosts),
            city=_fold(city) if isinstance(city, str) and city else None,
            fields=frozenset(fields),
            partners=frozenset(partners - parents),
            parents=frozenset(parents),
            parent_provinces=frozenset(provinces),
            names=names,
        )
    return profiles


def duplicate_centres(
    G: nx.MultiDiGraph,
    *,
    min_score: float = 0.25,
    require_different_parent: bool = True,
    weights: Mapping[str, float] | None = None,
    co_located: list[PairEvidence] | None = None,
) -> list[DuplicateCluster]:
    """Clusters of centres abroad that duplicate each other, on evidence beyond the host country.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A typed projection of the store.
    min_score : float
        Duplicate pairs scoring at least this much are linked into clusters (0–1).
    require_different_parent : bool
        Only pair centres built by different parent centres or by parents from
        different provinces (the planning problem the study names).  With False, two
        records of one centre from two sources are found too (a data-quality check).
    weights : mapping, optional
        Weights of ``host``, ``fields``, ``partners`` and ``name`` (default
        `DEFAULT_WEIGHTS`).
    co_located : list, optional
        Receives the candidate pairs without evidence beyond the host (``kind``
        ``"co-located"``), which are never clustered.

    Returns
    -------
    list of DuplicateCluster
        Highest score first.  A pair must share a host country to be considered, and
        have evidence beyond it (`EVIDENCE_RULES`) to be a duplicate.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> for n, labels, props in [
    ...     ("C:TH", ["Country"], {"name": "Thailand", "nameZh": "泰国"}),
    ...     ("C:CN", ["Country"], {"name": "China", "nameZh": "中国"}),
    ...     ("I:P1", ["Institution", "TransferCentre", "NationalTransferCentre"], {"province": "Guangxi"}),
    ...     ("I:P2", ["Institution", "TransferCentre", "NationalTransferCentre"], {"province": "Yunnan"}),
    ...     ("I:a", ["Institution", "TransferCentre", "BilateralCentre"],
    ...      {"name": "China-Thailand Technology Transfer Center", "city": "Bangkok"}),
    ...     ("I:b", ["Institution", "TransferCentre", "BranchCentre"], {"nameZh": "中国—泰国技术转移中心",
    ...      "city": "Bangkok"}),
    ... ]:
    ...     G.add_node(n, labels=labels, key=n.split(":")[1], props=props)
    >>> for u, v, t in [("I:a", "C:TH", "HOSTED_IN"), ("I:b", "C:TH", "HOSTED_IN"),
    ...                 ("I:a", "I:P1", "PARENT_CENTRE"), ("I:b", "I:P2", "PARENT_CENTRE")]:
    ...     _ = G.add_edge(u, v, key=t, type=t)
    >>> [(c.members, c.pairs[0].evidence) for c in duplicate_centres(G)]
    [(('I:a', 'I:b'), ('same city',))]

    Without the shared city the two only share the host country: co-located, not duplicates.

    >>> for n in ("I:a", "I:b"):
    ...     del G.nodes[n]["props"]["city"]
    >>> apart = []
    >>> duplicate_centres(G, co_located=apart), [(e.a, e.b, e.kind) for e in apart]
    ([], [('I:a', 'I:b', 'co-located')])
    """
    w = dict(DEFAULT_WEIGHTS if weights is None else weights)
    profiles = centre_profiles(G)
    country_names = _country_names(G)
    tokens = {
        node: frozenset().union(*(name_tokens(n, country_names) for n in p.names)) if p.names else frozenset()
        for node, p in profiles.items()
    }
    by_host: dict[str, list[Hashable]] = defaultdict(list)
    for node, profile in profiles.items():
        for host in profile.hosts:
            by_host[host].append(node)
    candidate_pairs = {
        tuple(sorted(pair, key=str)) for members in by_host.values() for pair in combinations(members, 2)
    }
    evidence: list[PairEvidence] = []
    for a, b in sorted(candidate_pairs, key=str):
        pa, pb = profiles[a], profiles[b]
        different = bool(pa.parents ^ pb.parents) and not (pa.parents & pb.parents)
        if pa.parent_provinces and pb.parent_provinces:
            different = different or bool(pa.parent_provinces ^ pb.parent_provinces)
        if require_different_parent and not different:
            continue
        shared_hosts = tuple(sorted(pa.hosts & pb.hosts))
        same_city = pa.city is not None and pa.city == pb.city
        fields_j = _jaccard(pa.fields, pb.fields)
        partners_j = _jaccard(pa.partners, pb.partners)
        codes = set(pa.hosts | pb.hosts) | {"CN"}
        name_sim = _jaccard(tokens[a] - _GENERIC - codes, tokens[b] - _GENERIC - codes)
        shared_partners = tuple(sorted(pa.partners & pb.partners, key=str))
        kinds = tuple(
            kind
            for kind, found in (
                ("same city", same_city),
                ("shared fields", fields_j >= EVIDENCE_RULES["fields"]),
                ("shared partners", len(shared_partners) >= EVIDENCE_RULES["partners"]),
                ("similar names", name_sim >= EVIDENCE_RULES["name"]),
            )
            if found
        )
        host_score = 1.0 if same_city else 0.8
        score = (
            w.get("host", 0) * host_score
            + w.get("fields", 0) * fields_j
            + w.get("partners", 0) * partners_j
            + w.get("name", 0) * name_sim
        )
        evidence.append(
            PairEvidence(
                a=a,
                b=b,
                shared_hosts=shared_hosts,
                same_city=same_city,
                field_jaccard=round(fields_j, 4),
                shared_fields=tuple(sorted(pa.fields & pb.fields, key=str)),
                partner_jaccard=round(partners_j, 4),
                shared_partners=shared_partners,
                name_similarity=round(name_sim, 4),
                parents_a=tuple(sorted(pa.parents, key=str)),
                parents_b=tuple(sorted(pb.parents, key=str)),
                score=round(score, 4),
                evidence=kinds,
                kind="duplicate" if kinds else "co-located",
                confidence=CONFIDENCE[min(len(kinds), 2) - 1] if kinds else "low",
            )
        )
    if co_located is not None:
        co_located.extend(e for e in evidence if e.kind == "co-located")
    linked = [e for e in evidence if e.kind == "duplicate" and e.score >= min_score]
    H = nx.Graph()
    H.add_edges_from((e.a, e.b) for e in linked)
    clusters = []
    for component in nx.connected_components(H):
        pairs = tuple(e for e in linked if e.a in component)
        members = tuple(sorted(component, key=str))
        clusters.append(
            DuplicateCluster(
                members=members,
                hosts=tuple(sorted(set().union(*(profiles[m].hosts for m in members)))),
                parents=tuple(sorted(set().union(*(profiles[m].parents for m in members)), key=str)),
                score=max(e.score for e in pairs),
                pairs=pairs,
            )
        )
    return sorted(clusters, key=lambda c: (-c.score, str(c.members)))
