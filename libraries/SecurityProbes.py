"""Keywords that look at what the target gives away: cookies, password hashes, unguarded OTLP services."""

from robot.api import logger
from robot.api.deco import keyword, library
from robot.api.types import Secret
from robot.libraries.BuiltIn import BuiltIn

from junjo_acceptance.api_client.client import ApiResponse
from junjo_acceptance.masking import mask, reveal
from junjo_acceptance.security_probes import cookie_attributes, leaks, otlp_services


@library(scope="GLOBAL", auto_keywords=False)
class SecurityProbes:
    """Checks that never put a secret in the log: cookie values, API keys and password hashes are judged
    here and only described (kind, length, first characters) in messages."""

    @keyword("Session Cookie Attributes")
    def session_cookie_attributes(self, response: ApiResponse, policy: str = "B3") -> dict:
        """The attributes of the session cookie ``response`` set (``httponly``, ``samesite``, ``path``,
        ``max-age``, ``secure`` …; names lower-cased, flags ``True``), without its value.

        Fails, naming ``policy``, when the response set no cookie.
        """
        if response.set_cookie is None:
            raise AssertionError(f"{policy}: {response} set no cookie")
        name, attributes = cookie_attributes.parse_set_cookie(reveal(response.set_cookie))
        logger.info(f"{response} set cookie {name!r} with attributes {attributes}")
        return dict(attributes, name=name)

    @keyword("Session Cookie Should Be Locked Down")
    def session_cookie_should_be_locked_down(self, response: ApiResponse, max_age: int, secure: bool = False) -> dict:
        """Fail unless the session cookie set by ``response`` is called ``session`` (A3), is HttpOnly,
        SameSite=Strict, has Path=/ and a Max-Age between 1 s and ``max_age`` s (B3) and, with ``secure``
        (production mode), is Secure (B3). Returns its attributes as `Session Cookie Attributes` does; the
        first rule broken fails, its message shows the attributes, never the value.

        | Session Cookie Should Be Locked Down    ${answer}    max_age=${2592000}
        """
        cookie = self.session_cookie_attributes(response)
        if cookie["name"] != "session":
            raise AssertionError(f'A3: the session cookie must be called "session": {cookie["name"]} != session')
        rules = [(cookie.get("httponly") is True, "the session cookie must be HttpOnly"),
                 (str(cookie.get("samesite", "")).lower() == "strict", "the session cookie must be SameSite=Strict"),
                 (cookie.get("path") == "/", "the session cookie must have Path=/"),
                 (0 < _max_age(cookie) <= int(max_age),
                  f"the session cookie's Max-Age must be between 1 s and {max_age} s")]
        if secure:
            rules.append((cookie.get("secure") is True, "in production mode the session cookie must be Secure"))
        broken = next((rule for kept, rule in rules if not kept), None)
        if broken:
            raise AssertionError(f"B3: {broken} ({cookie})")
        return cookie

    @keyword("Session Cookie Should Reveal Nothing")
    def session_cookie_should_reveal_nothing(self, response: ApiResponse, email: str, user_id=None,
                                             policy: str = "B3"):
        """Fail, naming ``policy``, when the session cookie set by ``response`` shows ``email`` (or its
        local part) or ``user_id`` or named session fields, raw or base64-decoded."""
        value = cookie_attributes.cookie_value(reveal(response.set_cookie))
        local_part = email.split("@", 1)[0] if len(email.split("@", 1)[0]) >= 4 else ""
        facts = {"email": email, "email's local part": local_part}
        found = cookie_attributes.revelations(value, facts, user_id)
        if found:
            raise AssertionError(f"{policy}: the session cookie ({mask(value)}) is readable: decoding it reveals "
                                 f"{', '.join(found)}")
        logger.info(f"The session cookie ({mask(value)}) reveals neither {email} nor session fields when decoded")

    @keyword("Response Should Reveal No Password Hash")
    def response_should_reveal_no_password_hash(self, response: ApiResponse, policy: str = "A2"):
        """Fail, naming ``policy``, when the body of ``response`` holds a password hash (bcrypt, argon2,
        scrypt, pbkdf2, sha-crypt) or a JSON field named like ``password``. Hashes are never shown."""
        found = leaks.password_leaks(response.text)
        if found:
            raise AssertionError(f"{policy}: {response} reveals {', '.join(found)}; responses must never carry "
                                 f"a password or its hash")

    @keyword("Text Should Not Reveal API Key")
    def text_should_not_reveal_api_key(self, text: str, api_key: "str | Secret", where: str, policy: str = "B21"):
        """Fail, naming ``policy``, when ``text`` (an answer, an error, a log) holds more than a short prefix
        (``KEY_PREFIX_ALLOWED`` characters) of ``api_key``'s value — any part of it. The value is never shown."""
        key = reveal(api_key)
        found = leaks.key_exposure(text, key)
        if found:
            length, offset = found
            raise AssertionError(f"{policy}: {where} shows {length} of the {len(key)} characters of the API key "
                                 f"{mask(key)} (at offset {offset}); a key's value may be shown only in the answer "
                                 f"that creates it, elsewhere at most a {leaks.KEY_PREFIX_ALLOWED}-character prefix")
        logger.info(f"{where} ({len(text)} characters) shows at most {leaks.KEY_PREFIX_ALLOWED} characters of "
                    f"the API key {mask(key)}")

    @keyword("Response Should Be Served As JSON")
    def response_should_be_served_as_json(self, response: ApiResponse, policy: str = "B10"):
        """Fail, naming ``policy``, unless ``response`` carries ``Content-Type: application/json`` (its body is
        data, not a page). Hardening headers are judged apart, by `Responses Should Carry Nosniff`, so a
        missing header never reads as stored XSS (B10)."""
        content_type = response.header("content-type", "<none>")
        if content_type.split(";", 1)[0].strip().lower() != "application/json":
            raise AssertionError(f"{policy}: {response} answered with Content-Type {content_type!r}; JSON must be "
                                 f"served as application/json")

    @keyword("Public Answer Should Reveal Nothing Private")
    def public_answer_should_reveal_nothing_private(self, response: ApiResponse, private: dict,
                                                    policy: str = "B6"):
        """Fail, naming ``policy`` and the kind of data, when the body of ``response`` (an answer to an
        anonymous request) contains any value of ``private`` (label → value: an email, an API key, a service
        name, a trace id). Values are never shown, only their labels; a ``Secret`` is compared revealed."""
        body = response.text or ""
        found = [label for label, value in private.items() if str(reveal(value)) and str(reveal(value)) in body]
        if found:
            raise AssertionError(f"{policy}: the public {response} reveals {', '.join(found)} to an anonymous "
                                 f"client; a public endpoint returns no user, key or span data")

    @keyword("Responses Should Carry Nosniff")
    def responses_should_carry_nosniff(self, responses: list, policy: str = "B10"):
        """Fail, naming ``policy`` and every offending response at once, unless each of ``responses`` carries
        ``X-Content-Type-Options: nosniff`` (the hardening header that stops a browser from sniffing a JSON
        body as HTML)."""
        missing = [f"{response} (X-Content-Type-Options "
                   f"{response.header('x-content-type-options', '<none>')!r})"
                   for response in responses
                   if response.header("x-content-type-options", "").strip().lower() != "nosniff"]
        if missing:
            raise AssertionError(f"{policy}: {len(missing)} of {len(responses)} answers lack the hardening header "
                                 f"X-Content-Type-Options: nosniff: " + "; ".join(missing))

    @keyword("Export To OTLP Service")
    def export_to_otlp_service(self, service: str, api_key: "str | Secret | None" = None,
                               client_service: str = "key-check-probe") -> dict:
        """Call ``<service>/Export`` (``service`` is the full gRPC name, e.g.
        ``opentelemetry.proto.collector.logs.v1.LogsService``) with a one-item request and ``api_key``
        in the ``x-junjo-api-key`` metadata (none when ``None``), sent to the OTLP endpoint that
        `Set Ingestion Endpoint` (``SpanIngestion``) aims at. Returns ``{code, details}``; the key is logged
        masked."""
        plain = reveal(api_key)
        payload = otlp_services.probe_request(service, client_service)
        endpoint = BuiltIn().get_library_instance("SpanIngestion").endpoint
        outcome = otlp_services.export(endpoint, service, payload, plain)
        if plain:
            outcome["details"] = outcome["details"].replace(plain, mask(plain))
        shown = "no key" if plain is None else f"key {mask(plain)}"
        logger.info(f"{service}/Export with {shown}: {outcome['code']} {outcome['details']}".rstrip())
        return outcome

    @keyword("Variants Of API Key")
    def variants_of_api_key(self, api_key: "str | Secret") -> dict:
        """Wrong keys derived from a valid one, by label, as ``Secret`` values: one character changed, one
        character more, one character less, other letter case, repeated to 4096 characters."""
        key = reveal(api_key)
        changed = key[:-1] + ("A" if key[-1] != "A" else "B")
        variants = {"one character changed": changed, "one character more": key + key[0],
                    "one character less": key[:-1], "other letter case": key.swapcase(),
                    "repeated to 4096 characters": (key * (4096 // len(key) + 1))[:4096]}
        return {label: Secret(value) for label, value in variants.items() if value != key}


def _max_age(cookie: dict) -> int:
    """The cookie's Max-Age in seconds; 0 when it has none or an unreadable one."""
    try:
        return int(cookie.get("max-age", "0") or 0)
    except (TypeError, ValueError):
        return 0

