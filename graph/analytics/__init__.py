"""transfernet: graph/analytics."""
