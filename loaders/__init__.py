"""transfernet: loaders."""
