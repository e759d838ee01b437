"""Labels of the ontology's SKOS concept schemes (lifecycle stages, …), by notation and language.

A report or a page that shows a stored notation (``lifecycle: "planned"``) shows the
concept's ``skos:prefLabel`` in the reader's language from here: the Turtle files stay the
single source of the words.

Examples
--------
>>> concept_labels("lifecycleStages")["planned"]["zh"]
'筹建'
>>> concept_label("lifecycleStages", "agreed", "en"), concept_label("lifecycleStages", "gone", "zh")
('agreed (MoU signed)', 'gone')
"""

from __future__ import annotations

from functools import cache

from rdflib import Literal, URIRef
from rdflib.namespace import SKOS

from ontology.namespaces import TN_NS
from ontology.resources import ontology_graph

__all__ = ["concept_label", "concept_labels"]


@cache
def concept_labels(scheme: str) -> dict[str, dict[str, str]]:
    """``{notation: {language: prefLabel}}`` of the concepts in ``tn:<scheme>`` (empty for an unknown one)."""
    graph = ontology_graph()
    out: dict[str, dict[str, str]] = {}
    for concept in graph.subjects(SKOS.inScheme, URIRef(f"{TN_NS}{scheme}")):
        notation = graph.value(concept, SKOS.notation)
        if notation is None:
            continue
        out[str(notation)] = {
            str(label.language): str(label)
            for label in graph.objects(concept, SKOS.prefLabel)
            if isinstance(label, Literal) and label.language
        }
    return out


def concept_label(scheme: str, notation: str, lang: str) -> str:
    """The concept's label in ``lang`` (else English, else the notation itself)."""
    labels = concept_labels(scheme).get(notation, {})
    return labels.get(lang) or labels.get("en") or notation
