"""transfernet: viz."""
