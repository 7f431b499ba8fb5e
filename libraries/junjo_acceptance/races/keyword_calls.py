"""Find a Python library keyword by its Robot name and turn one invocation into a plain callable.

Robot Framework runs keywords in one thread: user keywords and BuiltIn cannot run in worker threads. The
methods of Python keyword libraries can, so concurrent keywords call those methods directly. Arguments are
passed as they are (no Robot type conversion); ``{index}`` in a string argument becomes the call's number and
``{item}`` the item of a ``FOR EACH`` call. `plan_calls` reads the ``AND`` / ``N times`` / ``FOR EACH`` form of
``Run Keywords Concurrently``.
"""

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from robot.variables import is_list_variable

INDEX = "{index}"
ITEM = "{item}"
NO_ITEM = object()
AND = "AND"
FOR_EACH = "FOR EACH"
COPIES = re.compile(r"^\s*(\d+)\s*(?:times|x)\s*$", re.IGNORECASE)
NAMED = re.compile(r"^([A-Za-z_]\w*)=(.*)$", re.DOTALL)


def normalise(name: str) -> str:
    """A keyword name as Robot matches it: case, spaces and underscores ignored."""
    return "".join(name.lower().split()).replace("_", "")


def find_keyword(libraries: dict[str, Any], name: str) -> Callable:
    """The bound method implementing keyword ``name`` (optionally ``Library.Keyword Name``)."""
    library_name, _, keyword_name = name.rpartition(".")
    wanted = normalise(keyword_name)
    found = []
    for lib_name, instance in libraries.items():
        if library_name and normalise(lib_name) != normalise(library_name):
            continue
        for attribute, member in _members(type(instance)):
            robot_name = getattr(member, "robot_name", None)
            if callable(member) and robot_name and normalise(robot_name) == wanted:
                found.append((lib_name, getattr(instance, attribute)))
    if not found:
        raise ValueError(f"'{name}' is not a keyword of a Python library imported here; only such keywords "
                         "can run in threads (user keywords and BuiltIn keywords cannot)")
    if len(found) > 1:
        owners = ", ".join(lib for lib, _ in found)
        raise ValueError(f"keyword '{name}' exists in several libraries ({owners}): use 'Library.{keyword_name}'")
    return found[0][1]


def _members(cls: type):
    """Class attributes along the MRO without evaluating properties."""
    members: dict = {}
    for klass in reversed(cls.__mro__):
        members.update(vars(klass))
    return members.items()


def with_placeholders(value: Any, index: int, item: Any = NO_ITEM) -> Any:
    """``value`` with ``{index}`` replaced by ``index`` and, when an item is given, ``{item}`` by the item: a
    string that is exactly ``{item}`` becomes the item itself (any object, a ``Secret`` too), a string that
    contains it gets the item's text."""
    if not isinstance(value, str):
        return value
    if item is not NO_ITEM:
        if value == ITEM:
            return item
        value = value.replace(ITEM, str(item))
    return value.replace(INDEX, str(index))


def bind(method: Callable, index: int, leading: tuple, args: tuple, kwargs: dict,
         item: Any = NO_ITEM) -> Callable[[], Any]:
    """A call of ``method(*leading, *args, **kwargs)`` with the placeholders ``{index}`` (and ``{item}``, when
    an item is given) filled in ``args`` and ``kwargs`` (see `with_placeholders`)."""
    positional = (*leading, *(with_placeholders(arg, index, item) for arg in args))
    named = {key: with_placeholders(value, index, item) for key, value in kwargs.items()}
    return lambda: method(*positional, **named)


@dataclass
class PlannedCall:
    """One call of `Run Keywords Concurrently` as written: ``copies`` clients (``N times``) each call
    keyword ``name`` with the raw argument tokens ``args`` — once, or once per item of ``items``
    (``FOR EACH``) when ``items`` is not None (raw tokens too, resolved later)."""

    name: str
    args: list
    copies: int = 1
    items: "list | None" = None


def plan_calls(tokens: list, resolve: Callable[[str], Any]) -> list[PlannedCall]:
    """The calls of ``Run Keywords Concurrently``: ``tokens`` (unresolved, as written) split at ``AND``; each
    call may start with ``N times`` (``resolve`` turns the token into text first, so ``${n} times`` works)
    and end with ``FOR EACH`` and its items."""
    calls, current = [], []
    for token in [*tokens, AND]:
        if token == AND:
            if not current:
                raise ValueError("Run Keywords Concurrently: an empty call (AND at the start, at the end or "
                                 "twice in a row)")
            calls.append(_plan_call(current, resolve))
            current = []
        else:
            current.append(token)
    return calls


def _plan_call(tokens: list, resolve: Callable[[str], Any]) -> PlannedCall:
    copies = 1
    count = COPIES.match(str(resolve(tokens[0]))) if isinstance(tokens[0], str) else None
    if count:
        copies, tokens = int(count.group(1)), tokens[1:]
    items = None
    if FOR_EACH in tokens:
        at = tokens.index(FOR_EACH)
        tokens, items = tokens[:at], tokens[at + 1:]
    if not tokens:
        raise ValueError("Run Keywords Concurrently: a call without a keyword name")
    return PlannedCall(name=str(resolve(tokens[0])), args=list(tokens[1:]), copies=copies, items=items)


def resolve_arguments(method: Callable, tokens: list, scalar: Callable[[str], Any],
                      expand: Callable[[str], list]) -> tuple[tuple, dict]:
    """Robot-style arguments from tokens as written: ``name=value`` naming a parameter of ``method`` (or any
    name, when it takes ``**kwargs``) is a named argument whose value keeps its type (``api_key=${key}`` gives
    the object); ``@{list}`` is expanded; anything else is one positional argument (``scalar`` resolves
    variables and escapes, ``expand`` a list variable)."""
    parameters = inspect.signature(method).parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    positional, named = [], {}
    for token in tokens:
        match = NAMED.match(token) if isinstance(token, str) else None
        if match and (match.group(1) in parameters or takes_any):
            named[match.group(1)] = scalar(match.group(2))
        elif named:
            raise ValueError(f"positional argument {token!r} after named arguments")
        elif isinstance(token, str) and is_list_variable(token):
            positional.extend(expand(token))
        else:
            positional.append(scalar(token))
    return tuple(positional), named
