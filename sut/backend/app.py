"""The FastAPI application: settings, stores, middleware, error mapping and the routes of every domain
(:mod:`sut.backend.routes`) wired together.

Seeded defects and behaviours replace functions of ``sessions``, ``middleware`` and ``routes``; this module
therefore calls them through their modules (``sessions.authenticate(...)``), never by imported name.
"""

from fastapi import FastAPI

from . import errors, middleware, routes, sessions
from .routes.health import APP_NAME, VERSION
from .state import Backend


def create_app(backend: Backend) -> FastAPI:
    """The HTTP API of ``backend``."""
    settings = backend.settings
    app = FastAPI(title=APP_NAME, version=VERSION, redoc_url=None)

    def authenticate(cookie):
        return sessions.authenticate(backend.db, backend.signer, cookie, settings.session_lifetime_s)

    # Middleware added last runs first: security headers wrap everything, then the session check.
    app.add_middleware(middleware.SessionMiddleware, authenticate=authenticate)
    app.add_middleware(middleware.SecurityHeadersMiddleware)
    errors.install(app)
    routes.install(app, backend)
    return app
