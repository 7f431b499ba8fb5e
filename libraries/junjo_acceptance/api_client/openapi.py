"""Enumerate the operations of the target's OpenAPI document, with path parameters filled in."""

import re

HTTP_METHODS = ("get", "post", "put", "patch", "delete")
PARAMETER = re.compile(r"\{([^}]+)\}")


def operations(document: dict, public_paths: list[str]) -> list[dict]:
    """Every (method, concrete path) of the document whose path is not in ``public_paths``.

    Path parameters get harmless sample values, so a server that checks the session first answers 401.
    """
    found = []
    for template, item in sorted(document.get("paths", {}).items()):
        if template in public_paths:
            continue
        path = PARAMETER.sub(lambda m: _sample_value(m.group(1)), template)
        for method in HTTP_METHODS:
            if method in item:
                found.append({"method": method.upper(), "path": path, "template": template,
                              "route": route_shape(f"{method.upper()} {template}"),
                              "has_body": "requestBody" in item[method]})
    return found


def route_shape(route: str) -> str:
    """``"DELETE /users/{user_id}"`` → ``"DELETE /users/{}"``: routes compared whatever their parameter names."""
    return PARAMETER.sub("{}", route)


def _sample_value(name: str) -> str:
    return {"provider": "openai", "service": "acceptance-suite", "trace_id": "0" * 32,
            "span_id": "0" * 16}.get(name, "1")
