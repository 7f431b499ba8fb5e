"""Extra public routes a behaviour adds to the backend's app (installed with the LLM routes, the last step of
``create_app``), and made public in the session middleware."""

from collections.abc import Callable

_extra: list[Callable] = []


def add_public_route(path: str, install: Callable) -> None:
    """Make ``path`` public and have ``install(app)`` called when the app is built."""
    from sut.backend import llm_routes, middleware

    middleware.PUBLIC_PATHS = middleware.PUBLIC_PATHS | {path}
    if not _extra:
        original = llm_routes.install

        def install_with_extra_routes(app, settings):
            original(app, settings)
            for extra in _extra:
                extra(app)

        llm_routes.install = install_with_extra_routes
    _extra.append(install)
