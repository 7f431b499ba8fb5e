"""Mechanics of the HTTP API keywords: clients per user, cookie tampering, OpenAPI enumeration."""
