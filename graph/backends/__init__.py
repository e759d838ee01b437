"""transfernet: graph/backends."""
