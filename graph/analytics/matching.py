"""Supply–demand matching: which technology offers answer a technology demand.

Two signals, each explained in every match:

- **Field**: an offer *satisfies* a demand when its field is the demand's field or a
  narrower one, following SKOS ``BROADER`` links from the offer's field up to the
  demand's (a demand for "Engineering and technology" is met by an offer in
  "Electrical engineering"; the converse is not a match).  The field score is
  ``1 / (1 + d)`` with ``d`` the number of ``BROADER`` steps (1 for the same field,
  1/2 one level down).  With ``broader=True`` an offer in a broader field counts too,
  at half that score.
- **Text**: the cosine similarity of TF-IDF vectors of character 2–4-grams within
  word boundaries (scikit-learn's ``analyzer="char_wb"``) of title and description,
  which works across English and Chinese without a tokenizer and finds offers worded
  differently or filed under another field.

The combined score is ``(1 - text_weight) * field + text_weight * text``.  Similarities
are computed in blocks of demands with sparse products and only the ``top_k`` best
offers of each demand are kept, so no dense offers × demands matrix is ever built.

Reads a typed projection (node attributes ``labels``, ``key``, ``props``; edge
attribute ``type``): ``TechnologyOffer``/``TechnologyDemand`` nodes with ``IN_FIELD``
to ``Field`` nodes, ``BROADER`` between fields.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp

from graph.typed_arrays import typed_arrays
from ontology.vocab import NodeLabel, PropertyName, RelType

__all__ = ["Match", "Matcher", "broader_closure", "char_ngram_tfidf", "match_all", "match_demand"]

#: Demands compared with all offers per sparse product (bounds peak memory).
_BLOCK = 512
_N_FEATURES = 1 << 22
_BASE = np.uint64(1_000_003)


@dataclass(frozen=True, slots=True)
class Match:
    """An offer for a demand, with the reasons.

    ``field_path`` runs from the offer's field to the demand's along ``BROADER`` links
    (reversed for a broader offer); it is empty when only the text matched.
    ``relation`` is ``"same field"``, ``"narrower field"``, ``"broader field"`` or
    ``"text only"``.
    """

    demand: Hashable
    offer: Hashable
    score: float
    field_score: float
    text_score: float
    relation: str
    field_path: tuple[Hashable, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return asdict(self)


def _has(G: nx.Graph, node: Hashable, label: str) -> bool:
    return label in G.nodes[node].get("labels", ())


def broader_closure(G: nx.MultiDiGraph) -> dict[Hashable, dict[Hashable, tuple[Hashable, ...]]]:
    """Every field with the shortest ``BROADER`` path to itself and each broader field.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Typed projection with ``Field`` nodes and ``BROADER`` relationships.

    Returns
    -------
    dict
        ``{field: {ancestor: path}}``; ``path`` starts at ``field`` and ends at
        ``ancestor`` (``(field,)`` for the field itself), so ``len(path) - 1`` is the
        hierarchy distance.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> for f in ("ford:2", "ford:2.2", "ipc:H01L"):
    ...     G.add_node(f, labels=("Field",), key=f, props={})
    >>> _ = G.add_edge("ipc:H01L", "ford:2.2", type="BROADER")
    >>> _ = G.add_edge("ford:2.2", "ford:2", type="BROADER")
    >>> broader_closure(G)["ipc:H01L"]["ford:2"]
    ('ipc:H01L', 'ford:2.2', 'ford:2')
    """
    # on the projection's arrays: its relationship dicts are not read (graph.lazy_graph)
    t = typed_arrays(G)
    is_field = t.has(NodeLabel.FIELD)
    fields = [t.nodes[i] for i in np.flatnonzero(is_field).tolist()]
    parents: dict[Hashable, list[Hashable]] = {f: [] for f in fields}
    broader = np.flatnonzero(t.of_type(RelType.BROADER) & is_field[t.src])
    for s, d in zip(t.src[broader].tolist(), t.dst[broader].tolist(), strict=True):
        parents[t.nodes[s]].append(t.nodes[d])
    for ups in parents.values():
        ups.sort(key=str)
    closure: dict[Hashable, dict[Hashable, tuple[Hashable, ...]]] = {}
    for f in fields:
        paths: dict[Hashable, tuple[Hashable, ...]] = {f: (f,)}
        frontier = [f]
        while frontier:  # breadth-first: the first path found to an ancestor is a shortest one
            nxt = []
            for node in frontier:
                for parent in parents.get(node, ()):
                    if parent not in paths:
                        paths[parent] = (*paths[node], parent)
                        nxt.append(parent)
            frontier = nxt
        closure[f] = paths
    return closure


def _ngram_counts(texts: Sequence[str], ngram_range: tuple[int, int], n_features: int) -> sp.csr_array:
    """Hashed counts of the ``char_wb`` n-grams of `texts`, with numpy over all texts at once.

    Hand-written because scikit-learn's analyzer builds every n-gram as a Python
    string (8 s for the generator's 34,000 offers and demands, against 0.5 s here):
    each text becomes code points and the n-grams are polynomial hashes of shifted
    arrays.  Words are padded with one space on each side, as in ``char_wb``; a word
    shorter than ``n`` yields no ``n``-gram (scikit-learn keeps it once, which only
    matters for one-letter words).
    """
    lo, hi = ngram_range
    words = [(t or "").lower().split() for t in texts]
    # "\0" separates the padded words; it never appears inside an n-gram
    joined = "\0".join(f" {w} " for ws in words for w in ws)
    if not joined:
        return sp.csr_array((len(texts), n_features))
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    is_sep = codes == 0
    word_of = np.cumsum(is_sep)  # word number of every position
    text_of_word = np.repeat(np.arange(len(texts)), np.fromiter(map(len, words), np.int64, len(texts)))
    word_end = np.append(np.flatnonzero(is_sep), codes.size)  # exclusive end of each word
    pos = np.flatnonzero(~is_sep)
    room = word_end[word_of[pos]] - pos  # characters left in the word from each position
    shift = np.uint64(64 - (n_features.bit_length() - 1))
    h = np.zeros(pos.size, dtype=np.uint64)
    cols = np.empty((pos.size, hi - lo + 1), dtype=np.int64)
    valid = np.empty((pos.size, hi - lo + 1), dtype=bool)
    padded = np.append(codes, np.zeros(hi, dtype=np.uint64))
    with np.errstate(over="ignore"):
        for n in range(1, hi + 1):
            h = h * _BASE + padded[pos + n - 1]
            if n >= lo:
                key = (h ^ np.uint64(n * 0x9E3779B1)) * np.uint64(0x9E3779B97F4A7C15)
                cols[:, n - lo] = (key >> shift).astype(np.int64)
                valid[:, n - lo] = room >= n
    # row-major flattening keeps the n-grams in text order, so rows come out sorted
    rows = np.repeat(text_of_word[word_of[pos]], hi - lo + 1)[valid.ravel()]
    indices = cols.ravel()[valid.ravel()]
    indptr = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=len(texts)), out=indptr[1:])
    counts = sp.csr_array((np.ones(indices.size), indices, indptr), shape=(len(texts), n_features))
    counts.sum_duplicates()
    return counts


def char_ngram_tfidf(
    texts: Sequence[str],
    *,
    ngram_range: tuple[int, int] = (2, 4),
    max_df: float = 1.0,
    n_features: int = _N_FEATURES,
) -> sp.csr_array:
    """L2-normalised TF-IDF rows of the character n-grams (``char_wb``) of `texts`.

    The vectors of scikit-learn's ``TfidfVectorizer(analyzer="char_wb",
    ngram_range=ngram_range, sublinear_tf=True)`` up to hash collisions (``n_features``
    buckets) and one-letter words: term frequency ``1 + ln(tf)``, smoothed
    ``idf = ln((1 + n) / (1 + df)) + 1``, rows scaled to unit length.  Computed with
    numpy (see ``_ngram_counts``); the tests check the similarities against
    scikit-learn, which is not imported here (importing it costs 1.5 s per run).

    Parameters
    ----------
    texts : sequence of str
    ngram_range : (int, int)
        Smallest and largest n-gram length.
    max_df : float
        n-grams found in more than this share of the texts are dropped (1.0 keeps all).
    n_features : int
        Hash buckets (a power of two).

    Returns
    -------
    scipy.sparse.csr_array
        One row per text; the dot product of two rows is their cosine similarity.

    Examples
    --------
    >>> X = char_ngram_tfidf(["solar panel cleaning robot", "光伏组件清洗", "solar panel cleaning"])
    >>> S = (X @ X.T).toarray()
    >>> bool(S[0, 2] > 0.7), float(S[0, 1])
    (True, 0.0)
    """
    if n_features < 2 or n_features & (n_features - 1):
        raise ValueError("n_features must be a power of two")
    counts = _ngram_counts(texts, ngram_range, n_features)
    n_docs = counts.shape[0]
    df = np.bincount(counts.indices, minlength=n_features)
    idf = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
    data = (1.0 + np.log(counts.data)) * idf[counts.indices]
    if max_df < 1.0:
        data[df[counts.indices] > max_df * n_docs] = 0.0
    rows = np.repeat(np.arange(n_docs), np.diff(counts.indptr))
    norm = np.sqrt(np.bincount(rows, weights=data * data, minlength=n_docs))
    with np.errstate(divide="ignore", invalid="ignore"):
        data = np.where(norm[rows] > 0, data / norm[rows], 0.0)
    X = sp.csr_array((data, counts.indices, counts.indptr), shape=counts.shape)
    X.eliminate_zeros()
    return X


def _text(G: nx.Graph, node: Hashable) -> str:
    props = G.nodes[node].get("props", {}) or {}
    parts = (props.get(PropertyName.TITLE), props.get(PropertyName.DESCRIPTION))
    return " ".join(str(p) for p in parts if p)


class Matcher:
    """Offers and demands of a projection, vectorised once for repeated matching.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Typed projection.
    text_weight : float
        Weight of the text score in the combined score (0: fields only).
    broader : bool
        Also accept offers in a broader field than the demand's (half field score).
    min_text : float
        Text similarities below this do not make a text-only match.
    max_df : float
        Drop n-grams found in more than this share of all offers and demands (1.0
        keeps all; 0.5 makes the sparse products of a large corpus several times
        cheaper and barely changes the ranking, but on a handful of texts it drops
        every shared n-gram).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("f", labels=("Field",), key="ford:2", props={})
    >>> G.add_node("g", labels=("Field",), key="ford:2.2", props={})
    >>> _ = G.add_edge("g", "f", type="BROADER")
    >>> G.add_node("d", labels=("TechnologyDemand",), key="d", props={"title": "solar power"})
    >>> G.add_node("o", labels=("TechnologyOffer",), key="o", props={"title": "solar panels"})
    >>> _ = G.add_edge("d", "f", type="IN_FIELD")
    >>> _ = G.add_edge("o", "g", type="IN_FIELD")
    >>> m = Matcher(G).match("d")[0]
    >>> m.offer, m.relation, m.field_path, m.field_score
    ('o', 'narrower field', ('g', 'f'), 0.5)
    """

    def __init__(
        self,
        G: nx.MultiDiGraph,
        *,
        text_weight: float = 0.7,
        broader: bool = False,
        min_text: float = 0.1,
        max_df: float = 1.0,
    ) -> None:
        if not 0.0 <= text_weight <= 1.0:
            raise ValueError("text_weight must be between 0 and 1")
        self.text_weight = text_weight
        self.broader = broader
        self.min_text = min_text
        self.closure = broader_closure(G)
        arrays = typed_arrays(G)
        nodes = arrays.nodes
        is_offer = arrays.has(NodeLabel.TECHNOLOGY_OFFER)
        is_item = is_offer | arrays.has(NodeLabel.TECHNOLOGY_DEMAND)
        self.offers: list[Hashable] = [nodes[i] for i in np.flatnonzero(is_offer).tolist()]
        self.demands: list[Hashable] = [nodes[i] for i in np.flatnonzero(is_item & ~is_offer).tolist()]
        # the fields of every offer and demand (IN_FIELD targets), in node order
        filed = arrays.of_type(RelType.IN_FIELD) & is_item[arrays.src]
        pair = np.unique(arrays.src[filed] * max(len(nodes), 1) + arrays.dst[filed])
        targets: dict[int, list[Hashable]] = {}
        for u, v in zip(
            (pair // max(len(nodes), 1)).tolist(), (pair % max(len(nodes), 1)).tolist(), strict=True
        ):
            targets.setdefault(u, []).append(nodes[v])
        fields_of: dict[Hashable, tuple[Hashable, ...]] = {
            nodes[i]: tuple(sorted(targets.get(i, ()), key=str)) for i in np.flatnonzero(is_item).tolist()
        }
        self.fields_of = fields_of
        self.demand_index = {d: i for i, d in enumerate(self.demands)}
        # field sets: items with the same fields share one row/column of the field scores
        sets: dict[tuple[Hashable, ...], int] = {}
        self._offer_set = np.array(
            [sets.setdefault(fields_of[o], len(sets)) for o in self.offers], dtype=np.int64
        )
        n_offer_sets = len(sets)
        self._demand_set = np.array(
            [sets.setdefault(fields_of[d], len(sets)) for d in self.demands], dtype=np.int64
        )
        self._sets = list(sets)
        scores = np.zeros((len(sets), max(n_offer_sets, 1)))
        for ds, dfields in enumerate(self._sets):
            for os_, ofields in enumerate(self._sets[:n_offer_sets]):
                scores[ds, os_] = self._field_link(ofields, dfields)[0]
        self._set_scores = scores
        texts = [_text(G, n) for n in self.offers] + [_text(G, n) for n in self.demands]
        X = char_ngram_tfidf(texts, max_df=max_df) if text_weight > 0 else sp.csr_array((len(texts), 1))
        self._X_offer = sp.csr_array(X[: len(self.offers)])
        self._X_offer_T = sp.csr_array(self._X_offer.T)
        self._X_demand = sp.csr_array(X[len(self.offers) :])

    def _field_link(
        self, ofields: Iterable[Hashable], dfields: Iterable[Hashable]
    ) -> tuple[float, str, tuple[Hashable, ...]]:
        """Best (score, relation, path) between an offer's and a demand's fields."""
        best: tuple[float, str, tuple[Hashable, ...]] = (0.0, "text only", ())
        dfields = list(dfields)
        for of in ofields:
            up = self.closure.get(of, {of: (of,)})
            for df in dfields:
                if df in up:
                    path = up[df]
                    cand = (1.0 / len(path), "same field" if len(path) == 1 else "narrower field", path)
                elif self.broader and of in self.closure.get(df, {}):
                    path = tuple(reversed(self.closure[df][of]))
                    cand = (0.5 / len(path), "broader field", path)
                else:
                    continue
                if cand[0] > best[0]:
                    best = cand
        return best

    def _matches(self, r: int, cand: np.ndarray, combined: np.ndarray, text: np.ndarray) -> list[Match]:
        """Matches of demand row `r` for candidate offers `cand` (scores aligned), best first."""
        keep = combined >= 0
        cand, combined, text = cand[keep], combined[keep], text[keep]
        order = np.lexsort((cand, -combined))
        demand = self.demands[r]
        out = []
        for j in order.tolist():
            offer = self.offers[int(cand[j])]
            fscore, relation, path = self._field_link(self.fields_of[offer], self.fields_of[demand])
            out.append(Match(demand, offer, float(combined[j]), fscore, float(text[j]), relation, path))
        return out

    def _combine(self, field: np.ndarray, text: np.ndarray) -> np.ndarray:
        combined = (1.0 - self.text_weight) * field + self.text_weight * text
        return np.where((field > 0) | (text >= self.min_text), combined, -1.0)

    def _rank_exact(self, rows: np.ndarray, top_k: int) -> list[list[Match]]:
        """Top matches of a block of demands, every offer scored."""
        n_off = len(self.offers)
        text = (self._X_demand[rows] @ self._X_offer_T).toarray()
        field = self._set_scores[self._demand_set[rows]][:, self._offer_set]
        combined = self._combine(field, text)
        k = min(top_k, n_off)
        top = np.argpartition(-combined, k - 1, axis=1)[:, :k]
        picked = np.take_along_axis
        return [
            self._matches(r, top[i], picked(combined[i], top[i], 0), picked(text[i], top[i], 0))
            for i, r in enumerate(rows.tolist())
        ]

    def match(self, demand: Hashable, top_k: int = 10) -> list[Match]:
        """The `top_k` best offers for one demand, best first (every offer scored)."""
        if demand not in self.demand_index:
            raise nx.NodeNotFound(f"{demand!r} is not a technology demand of the graph")
        if not self.offers:
            return []
        return self._rank_exact(np.array([self.demand_index[demand]]), top_k)[0]

    def match_all(
        self, top_k: int = 10, demands: Iterable[Hashable] | None = None
    ) -> dict[Hashable, list[Match]]:
        """The `top_k` best offers of every demand (or of `demands`).

        Demands are scored in blocks of 512 against every offer (one sparse product and
        a dense ``512 x offers`` block of scores at a time), so memory stays bounded
        whatever the number of demands.
        """
        wanted = self.demands if demands is None else list(demands)
        for d in wanted:
            if d not in self.demand_index:
                raise nx.NodeNotFound(f"{d!r} is not a technology demand of the graph")
        if not self.offers:
            return {d: [] for d in wanted}
        idx = np.array([self.demand_index[d] for d in wanted], dtype=np.int64)
        result: dict[Hashable, list[Match]] = {}
        for start in range(0, idx.size, _BLOCK):
            rows = idx[start : start + _BLOCK]
            for r, matches in zip(rows.tolist(), self._rank_exact(rows, top_k), strict=True):
                result[self.demands[r]] = matches
        return result


def match_demand(G: nx.MultiDiGraph, demand: Hashable, *, top_k: int = 10, **options: Any) -> list[Match]:
    """The offers that best answer `demand`, best first (see :class:`Matcher` for `options`).

    Examples
    --------
    A Chinese offer and an English demand share the acronym and a Chinese term; they are
    filed under unrelated fields, so only the text finds the match:

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("d", labels=("TechnologyDemand",), key="d",
    ...            props={"title": "光伏组件 cleaning (PV)", "description": "robots for 光伏电站"})
    >>> G.add_node("o", labels=("TechnologyOffer",), key="o",
    ...            props={"title": "光伏组件清洗机器人（PV）", "description": "用于光伏电站"})
    >>> [(m.offer, m.relation) for m in match_demand(G, "d")]
    [('o', 'text only')]
    """
    return Matcher(G, **options).match(demand, top_k)


def match_all(
    G: nx.MultiDiGraph, *, top_k: int = 10, demands: Iterable[Hashable] | None = None, **options: Any
) -> dict[Hashable, list[Match]]:
    """``{demand: [Match, ...]}`` for every demand (see :class:`Matcher` for `options`).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("f", labels=("Field",), key="ford:1.1", props={})
    >>> for n, label in (("d", "TechnologyDemand"), ("o1", "TechnologyOffer"), ("o2", "TechnologyOffer")):
    ...     G.add_node(n, labels=(label,), key=n, props={})
    >>> for n in ("d", "o1"):
    ...     _ = G.add_edge(n, "f", type="IN_FIELD")
    >>> {d: [m.offer for m in ms] for d, ms in match_all(G).items()}
    {'d': ['o1']}
    """
    return Matcher(G, **options).match_all(top_k, demands)
