"""transfernet: graph."""
