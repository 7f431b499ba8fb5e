"""Embedded reference target: a compact, correct Junjo AI Studio compatible server."""
