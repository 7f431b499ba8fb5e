"""``GET /`` answers anonymously with a service banner (name and version), as real deployments do.

Contract B6 lists ``/`` among the public endpoints: a banner carries no user, key or span data, so the
anonymous-access sweep must not report it as a hole (it once did, on a real deployment).
"""

PROCESS = "backend"
LEGITIMATE = True


def apply():
    from sut.behaviours._routes import add_public_route

    def install(app):
        @app.get("/", tags=["health"])
        async def banner():
            return {"name": "Junjo AI Studio", "status": "running"}

    add_public_route("/", install)
