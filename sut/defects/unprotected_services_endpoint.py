"""``GET /api/v1/observability/services`` is served without a session.

Models an endpoint left out of the authentication layer (a route registered outside the protected router,
or an allow-list entry added for a dashboard widget): anyone can list the services that send telemetry.
Breaks policy B6 (every non-public endpoint answers 401 to anonymous requests).
"""

PROCESS = "backend"
POLICY = "B6"
CAUGHT_BY = ["Every Non-Public Endpoint Refuses Anonymous Requests"]
FAILS_WITH = r"GET /api/v1/observability/services must refuse anonymous requests"


def apply():
    from sut.backend import middleware

    correct = middleware.is_public

    def is_public(method, path):
        return path == "/api/v1/observability/services" or correct(method, path)

    middleware.is_public = is_public
