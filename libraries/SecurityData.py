"""Keywords that shape what the security tests compare: fields of listed records, stored JSON, hostile strings
in the form a URL path or a database query needs them, and elapsed time."""

import json
import time
from urllib.parse import quote

from robot.api.deco import keyword, library


@library(scope="GLOBAL", auto_keywords=False)
class SecurityData:
    """Small, plain transformations the security suites need between an answer and a check, so the Robot files
    read as keyword calls. None of them judges anything: the ``... Should ...`` keywords do.

    | ${ids} =      Values Of Field    ${keys}    id
    | ${names} =    Field Values By Key    ${keys}    field=name    key=id
    """

    @keyword("Values Of Field")
    def values_of_field(self, records: list, field: str) -> list:
        """The value of ``field`` of every record of ``records`` (dictionaries: listed users, keys, database
        rows), in order. A record without ``field`` fails.

        | ${emails} =    Values Of Field    ${users}    email
        """
        return [record[field] for record in records]

    @keyword("Field Values By Key")
    def field_values_by_key(self, records: list, field: str, key: str) -> dict:
        """A dictionary from the ``key`` of every record of ``records`` to its ``field`` (a missing one is
        ``None``): ``{id: name}`` of listed API keys, ``{email: id}`` of listed users.

        | ${names} =    Field Values By Key    ${keys}    field=name    key=id
        """
        return {record.get(key): record.get(field) for record in records}

    @keyword("Decoded JSON")
    def decoded_json(self, text: str):
        """The value the JSON document ``text`` holds (a stored ``attributes_json`` column, say)."""
        return json.loads(text)

    @keyword("Encoded As Path Segment")
    def encoded_as_path_segment(self, text: str) -> str:
        """``text`` percent-encoded as one URL path segment (``/``, ``'``, spaces … all encoded), so a hostile
        string arrives at the server as one path parameter."""
        return quote(text, safe="")

    @keyword("UTF-8 Hex Of")
    def utf8_hex_of(self, text: str) -> str:
        """The bytes of ``text`` in UTF-8 as upper-case hex digits, as SQLite's ``hex()`` gives them: a query
        may compare a stored value with a hostile string without the string itself reaching the query log."""
        return text.encode("utf-8").hex().upper()

    @keyword("Markup Attributes")
    def markup_attributes(self, markups: list) -> dict:
        """Span attributes ``xss.0``, ``xss.1`` … holding the strings of ``markups`` in order."""
        return {f"xss.{index}": text for index, text in enumerate(markups)}

    @keyword("Span Of Lookup Answer")
    def span_of_lookup_answer(self, answer):
        """The span a span lookup returned: the first of the list a trace's span listing gives, or the single
        object a lookup of one span gives."""
        body = answer.json
        return body[0] if isinstance(body, list) else body

    @keyword("Seconds Since")
    def seconds_since(self, epoch: float) -> float:
        """Seconds from ``epoch`` (epoch seconds, as ``Get Time    epoch`` gives them) until now."""
        return time.time() - float(epoch)
