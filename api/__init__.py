"""transfernet: api."""
