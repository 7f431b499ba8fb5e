"""``GET /api/config`` answers anonymously with the front end's configuration, as Junjo AI Studio 0.80 does.

Contract A8 / B6: on the 0.80 generation ``/api/config`` is public. It holds no user, key or span data, so
the anonymous-access sweep must not report it as a hole (it once did, on a real 0.80 deployment).
"""

PROCESS = "backend"
LEGITIMATE = True


def apply():
    from sut.behaviours._routes import add_public_route

    def install(app):
        @app.get("/api/config", tags=["health"])
        async def config():
            return {"auth_mode": "session", "features": {"llm_playground": True}}

    add_public_route("/api/config", install)
