"""Mechanics of the HTTP API keyword libraries: the shared clients (``connections.API``), cookie tampering,
OpenAPI enumeration, timed request series."""
