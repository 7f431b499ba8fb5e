"""Mechanics of the fake LLM provider: provider-shaped bodies, scripted behaviours, the loopback server."""
