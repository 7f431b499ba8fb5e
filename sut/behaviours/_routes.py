"""Extra public routes a behaviour adds to the backend's app (installed after the routes of every domain, by
wrapping the public seam ``sut.backend.routes.install``), and made public in the session middleware."""

from collections.abc import Callable

_extra: list[Callable] = []


def add_public_route(path: str, install: Callable) -> None:
    """Make ``path`` public and have ``install(app)`` called when the app is built."""
    from sut.backend import middleware, routes

    middleware.PUBLIC_PATHS = middleware.PUBLIC_PATHS | {path}
    if not _extra:
        original = routes.install

        def install_with_extra_routes(app, backend):
            original(app, backend)
            for extra in _extra:
                extra(app)

        routes.install = install_with_extra_routes
    _extra.append(install)
