"""Explorer views of the projected organisation network (`graph.analytics.partners`).

A view here has the nodes of `viz.view.view_of` and, instead of stored relationships,
the derived ties of the projected network (type `PROJECTED_TIE`), each carrying its
``weight``, the number of ``shared`` projects, agreements and events, a few of them as
``evidence`` and the actor network's tie ``types``.  Every view says what it covers
(``population``) and what a cap left out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import networkx as nx

from graph.analytics.answers import session_for
from graph.analytics.params import AnalysisParams
from graph.analytics.partners import PROJECTED_TIE, NotAnActorError, ProjectedNetwork, Tie
from graph.cache import ProjectionCache
from ontology.schema import GraphSchema
from ontology.vocab import NodeLabel
from viz.i18n import use
from viz.report.graphinfo import population_sentence
from viz.view import LAYOUT_THRESHOLD, view_of

__all__ = [
    "core_view",
    "partners_view",
    "population_zh",
    "prefers_projected",
    "projected_network",
    "sunflower",
    "tie_payload",
]


def projected_network(projection: ProjectionCache, params: AnalysisParams) -> tuple[ProjectedNetwork, str]:
    """The projected network of the current projection's population, and that population in
    one sentence (built once per projection version and population: the projection's
    `~graph.analytics.registry.Session` keeps it)."""
    session = session_for(projection.graph)
    return session.projected(params), session.population(params)[1].describe()


def population_zh(projection: ProjectionCache, params: AnalysisParams) -> str:
    """The population of `projected_network` as the Chinese report says it (the explorer's Chinese
    edition shows it under a projected view: ``population_zh``)."""
    with use("zh"):
        return population_sentence(session_for(projection.graph).population(params)[1])


def prefers_projected(graph: nx.MultiDiGraph) -> bool:
    """Whether the explorer should open on the projected network: the graph has projects and
    no transfer centre (a collaboration dataset such as CORDIS).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("Project:p", labels=["Project"])
    >>> prefers_projected(G)
    True
    >>> G.add_node("Institution:c", labels=["Institution", "TransferCentre"])
    >>> prefers_projected(G)
    False
    """
    projects = False
    for _, labels in graph.nodes(data="labels", default=()):
        if NodeLabel.TRANSFER_CENTRE in labels:
            return False
        projects = projects or NodeLabel.PROJECT in labels
    return projects


def tie_payload(tie: Tie, name: Callable[[str], str] = str) -> dict[str, Any]:
    """A tie as a view edge (`viz.view.build_view` input); one id per pair, whichever view drew it.
    `name` gives the evidence's display names (``evidence_names``).

    Examples
    --------
    >>> tie = Tie("a", "b", 0.5, 1, ("Project:p",), ("CO_PARTICIPATION",))
    >>> edge = tie_payload(tie, {"Project:p": "SRSensor"}.__getitem__)
    >>> edge["id"], edge["properties"]["evidence_names"]
    ('a|PROJECTED_TIE|b', ['SRSensor'])
    """
    return {
        "id": f"{tie.a}|{PROJECTED_TIE}|{tie.b}",
        "source": tie.a,
        "target": tie.b,
        "type": PROJECTED_TIE,
        "properties": {
            "weight": tie.weight,
            "shared": tie.shared,
            "evidence": list(tie.evidence),
            "evidence_names": [name(g) for g in tie.evidence],
            "types": list(tie.types),
        },
    }


def sunflower(count: int, spacing: float = 45.0) -> list[tuple[float, float]]:
    """`count` positions around the origin, evenly spread, the first nearest (Vogel's spiral:
    radius ``spacing * (1 + sqrt(i + 1))``, the golden angle between neighbours).

    Examples
    --------
    >>> [round(math.hypot(x, y), 1) for x, y in sunflower(3, 10.0)]
    [20.0, 24.1, 27.3]
    """
    golden = math.pi * (3 - math.sqrt(5))
    radii = [spacing * (1 + math.sqrt(i + 1)) for i in range(count)]
    return [(r * math.cos(i * golden), r * math.sin(i * golden)) for i, r in enumerate(radii)]


def _view(
    projection: ProjectionCache,
    schema: GraphSchema,
    network: ProjectedNetwork,
    ids: list[str],
    ties: Iterable[Tie],
    layout: bool,
) -> dict[str, Any]:
    threshold = 0 if layout else LAYOUT_THRESHOLD
    span = 150.0 * math.sqrt(max(len(ids), 1))  # dense: wider than a stored view's, for the labels
    name = projection.index.name
    ties_payload = [tie_payload(t, name) for t in ties]
    view = view_of(projection, schema, ids, ties_payload, layout_threshold=threshold, layout_scale=span)
    view["strength"] = {n: network.strength(n) for n in ids}
    return view


def partners_view(
    projection: ProjectionCache,
    schema: GraphSchema,
    node: str,
    *,
    limit: int,
    params: AnalysisParams,
) -> dict[str, Any]:
    """The view of `node` and its strongest partners (`limit` nodes in all), tied to it.

    ``strength`` gives each node's strength; the node is placed at the centre and its
    partners around it, the strongest tie nearest (`sunflower`; ``physics`` False).

    Raises
    ------
    graph.analytics.partners.NotAnActorError
        `node` is not an actor of the population's projected network.
    """
    network, population = projected_network(projection, params)
    try:
        found = network.partners(node, limit=limit - 1)
    except NotAnActorError:
        raise NotAnActorError(
            f"{node!r} is not an actor (institution or expert) of the projected network of this population. "
            f"{population}"
        ) from None
    ids = [node, *(p.id for p in found.partners)]
    view = _view(projection, schema, network, ids, (p.tie for p in found.partners), False)
    at = dict(zip(ids, [(0.0, 0.0), *sunflower(len(ids) - 1)], strict=True))
    for n in view["nodes"]:
        n["x"], n["y"] = at[n["id"]]
    view["physics"] = False
    view.update(
        mode="projected",
        focus=node,
        partners=found.total,
        partners_left_out=found.left_out,
        truncated=found.left_out > 0,
        population=population,
        population_zh=population_zh(projection, params),
    )
    return view


def core_view(
    projection: ProjectionCache,
    schema: GraphSchema,
    *,
    top: int,
    params: AnalysisParams,
) -> dict[str, Any]:
    """The view of the `top` strongest actors of the projected network and the ties among them
    (positions computed here, igraph's Fruchterman–Reingold; ``strength`` as `partners_view`)."""
    network, population = projected_network(projection, params)
    core = network.core(top=top)
    view = _view(projection, schema, network, [a for a, _ in core.actors], core.ties, True)
    view.update(
        mode="projected",
        actors=core.total_actors,
        actors_left_out=core.actors_left_out,
        ties=core.total_ties,
        ties_left_out=core.ties_left_out,
        truncated=core.actors_left_out > 0,
        population=population,
        population_zh=population_zh(projection, params),
    )
    return view
