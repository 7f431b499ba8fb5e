"""Find a Python library keyword by its Robot name and turn one invocation into a plain callable.

Robot Framework runs keywords in one thread: user keywords and BuiltIn cannot run in worker threads. The
methods of Python keyword libraries can, so concurrent keywords call those methods directly. Arguments are
passed as they are (no Robot type conversion); ``{index}`` in a string argument becomes the call's number.
"""

import inspect
import re
from collections.abc import Callable
from typing import Any

INDEX = "{index}"
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


def with_index(value: Any, index: int) -> Any:
    """``value`` with ``{index}`` replaced by ``index`` when it is a string."""
    return value.replace(INDEX, str(index)) if isinstance(value, str) else value


def bind(method: Callable, index: int, leading: tuple, args: tuple, kwargs: dict) -> Callable[[], Any]:
    """A call of ``method(*leading, *args, **kwargs)`` with ``{index}`` filled in the strings of ``args`` and
    ``kwargs``."""
    positional = (*leading, *(with_index(arg, index) for arg in args))
    named = {key: with_index(value, index) for key, value in kwargs.items()}
    return lambda: method(*positional, **named)


def split_named(method: Callable, arguments: list) -> tuple[tuple, dict]:
    """Robot-style arguments: a string ``name=value`` naming a parameter of ``method`` is a named argument
    (values stay strings), everything else is positional."""
    parameters = inspect.signature(method).parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    positional, named = [], {}
    for argument in arguments:
        match = NAMED.match(argument) if isinstance(argument, str) else None
        if match and (match.group(1) in parameters or takes_any):
            named[match.group(1)] = match.group(2)
        elif named:
            raise ValueError(f"positional argument {argument!r} after named arguments")
        else:
            positional.append(argument)
    return tuple(positional), named
