"""Namespaces and IRI conventions of the ontology and of the data it describes.

Examples
--------
>>> TN_NS
'https://w3id.org/transfernet/ontology#'
>>> PREFIXES["org"]
'http://www.w3.org/ns/org#'
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from rdflib import Graph

__all__ = [
    "DATA_NS",
    "ONTOLOGY_IRI",
    "PREFIXES",
    "SHAPES_IRI",
    "SOURCE_NS",
    "TN_NS",
    "bind_prefixes",
]

#: Namespace of the ontology's classes and properties (prefix ``tn:``).
TN_NS = "https://w3id.org/transfernet/ontology#"
#: IRI of the ontology document.
ONTOLOGY_IRI = "https://w3id.org/transfernet/ontology"
#: IRI of the shapes document.
SHAPES_IRI = "https://w3id.org/transfernet/shapes"
#: Namespace of nodes and relationships (``<DATA_NS><KeyLabel>/<key>``, ``<DATA_NS>rel/<hash>``).
DATA_NS = "https://w3id.org/transfernet/id/"
#: Namespace of text source references (``<SOURCE_NS><percent-encoded text>``).
SOURCE_NS = "https://w3id.org/transfernet/source/"

#: Prefixes bound in every graph the package writes.
PREFIXES: Mapping[str, str] = MappingProxyType(
    {
        "tn": TN_NS,
        "tnid": DATA_NS,
        "tnsrc": SOURCE_NS,
        "org": "http://www.w3.org/ns/org#",
        "foaf": "http://xmlns.com/foaf/0.1/",
        "schema": "https://schema.org/",
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "dcterms": "http://purl.org/dc/terms/",
        "prov": "http://www.w3.org/ns/prov#",
        "odrl": "http://www.w3.org/ns/odrl/2/",
        "frapo": "http://purl.org/cerif/frapo/",
        "vivo": "http://vivoweb.org/ontology/core#",
        "sh": "http://www.w3.org/ns/shacl#",
        "owl": "http://www.w3.org/2002/07/owl#",
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
    }
)


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the package's prefixes on `graph` and return it.

    Examples
    --------
    >>> g = bind_prefixes(Graph())
    >>> dict(g.namespaces())["tn"]
    rdflib.term.URIRef('https://w3id.org/transfernet/ontology#')
    """
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph
