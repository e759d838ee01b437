"""API routers, one topic per module."""
