"""transfernet: ontology."""
