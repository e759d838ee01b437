"""transfernet: ontology.

The Turtle files in ``ontology/data`` are the single source of truth; everything else
is derived from them (nothing is loaded at import time):

* `ontology.derive.load_schema` — the property-graph `GraphSchema` (cached);
* `ontology.validation.validate` — SHACL validation of records, graphs or files;
* `ontology.convert` — records ⇄ RDF graph; `ontology.rdfio` — Turtle/JSON-LD files;
* `ontology.vocab` — generated typed names (``TN``, ``NodeLabel``, ``RelType``,
  ``PropertyName``); `ontology.docs` — generated documentation;
* ``python -m ontology.codegen`` regenerates ``vocab.py``, ``data/iso3166.ttl`` and
  ``docs/ontology.md``.
"""
