"""The Turtle files of the ontology, parsed once and cached.

The graphs returned here are shared: treat them as read-only (copy before adding
triples).

Examples
--------
>>> from rdflib import OWL, RDF, URIRef
>>> (URIRef("https://w3id.org/transfernet/ontology#Country"), RDF.type, OWL.Class) in ontology_graph()
True
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

from rdflib import Graph

from ontology.namespaces import bind_prefixes

__all__ = [
    "ONTOLOGY_FILES",
    "SHAPES_FILES",
    "data_file",
    "ontology_graph",
    "ontology_turtle",
    "shapes_graph",
]

#: Files of the OWL ontology, in ``ontology/data``.
ONTOLOGY_FILES: tuple[str, ...] = ("transfernet.ttl",)
#: Files of the SHACL shapes, in ``ontology/data`` (``iso3166.ttl`` is generated).
SHAPES_FILES: tuple[str, ...] = ("shapes.ttl", "iso3166.ttl")


def data_file(name: str) -> Traversable:
    """Return the packaged data file `name` (in ``ontology/data``).

    Examples
    --------
    >>> data_file("transfernet.ttl").name
    'transfernet.ttl'
    """
    return resources.files("ontology") / "data" / name


def _parse(names: tuple[str, ...]) -> Graph:
    graph = bind_prefixes(Graph())
    for name in names:
        graph.parse(data=data_file(name).read_text(encoding="utf-8"), format="turtle")
    return graph


@cache
def ontology_graph() -> Graph:
    """Return the OWL ontology (classes, properties, labels, alignments); cached.

    Examples
    --------
    >>> len(ontology_graph()) > 100
    True
    """
    return _parse(ONTOLOGY_FILES)


@cache
def shapes_graph() -> Graph:
    """Return the SHACL shapes (hand-written and generated); cached.

    Examples
    --------
    >>> len(shapes_graph()) > 100
    True
    """
    return _parse(SHAPES_FILES)


def ontology_turtle(*, shapes: bool = True) -> str:
    """Return the ontology (and, by default, the shapes) as one Turtle document.

    Examples
    --------
    >>> "tn:BilateralCentre" in ontology_turtle()
    True
    """
    graph = bind_prefixes(Graph())
    graph += ontology_graph()
    if shapes:
        graph += shapes_graph()
    return graph.serialize(format="turtle")
