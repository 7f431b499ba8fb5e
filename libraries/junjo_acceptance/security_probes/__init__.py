"""Mechanics of the security keywords: Set-Cookie attributes, leaked secrets in responses, OTLP services."""
