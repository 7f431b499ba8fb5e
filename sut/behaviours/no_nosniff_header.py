"""Responses carry no ``X-Content-Type-Options: nosniff`` header, as a real deployment's did.

The data still comes back verbatim as ``application/json``, so stored markup is no XSS: the XSS tests must
pass. The missing header is a hardening gap that B10 puts in a test of its own, which must fail (and only it).
"""

PROCESS = "backend"
LEGITIMATE = True


def apply():
    from sut.backend import middleware

    async def without_nosniff(self, scope, receive, send):
        await self.app(scope, receive, send)

    middleware.SecurityHeadersMiddleware.__call__ = without_nosniff
