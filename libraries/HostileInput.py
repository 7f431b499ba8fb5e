"""Keywords that send hostile input to every operation of the target's OpenAPI document (policy B9)."""

import json
import os
import secrets
from pathlib import Path

from robot.api import logger
from robot.api.deco import keyword, library
from robot.api.types import Secret
from robot.libraries.BuiltIn import BuiltIn

from junjo_acceptance.api_client.client import ApiClients
from junjo_acceptance.hostile_input import corpus
from junjo_acceptance.hostile_input.generated import generated_probes
from junjo_acceptance.hostile_input.operations import operations
from junjo_acceptance.hostile_input.probes import corpus_probes
from junjo_acceptance.hostile_input.sweep import Accounts, Sweep, printable
from junjo_acceptance.masking import reveal


@library(scope="GLOBAL", auto_keywords=False)
class HostileInput:
    """Hostile values (injection strings, markup, unicode edge cases, wrong types, malformed and huge
    bodies, over-long passwords) and sweeps that send them to every operation of ``/openapi.json``.

    = Sweeps =

    A sweep sends probes to one target, as two accounts it is given: the *sweeper* sends the requests of
    protected operations, the *guardian* recreates the sweeper when a probe deleted it (and the other way
    round); public operations are sent anonymously. Every probe tests one *slot* — a path parameter, a
    query parameter, one body field or the whole body — while the rest of the request stays valid.

    A sweep returns a *summary*: ``requests``, ``seconds``, ``statuses`` (``{status: count}``),
    ``per_operation``, ``not_sent`` (probes left when the budget ran out), ``session_restorations``,
    ``offending`` and ``offences``: one replay record per request answered 5xx or not at all, with method,
    path, body (passwords of the accounts masked), the slot and value it tested, the status, the answer and
    a ``curl`` command. The records are also written as JSON beside ``output.xml``.
    """

    @keyword("Hostile Strings")
    def hostile_strings(self, category: str) -> list:
        """The strings of one named list: ``sql injection``, ``markup``, ``email injection`` (no valid
        address), ``email-shaped injection`` (valid addresses with quotes and comments), ``email markup``
        (HTML characters legal in an address), ``email script`` (markup that is no valid address).

        | @{strings} =    Hostile Strings    sql injection
        """
        return corpus.named(category)

    @keyword("Over-Long Passwords")
    def over_long_passwords(self) -> dict:
        """Passwords bcrypt cannot take (more than 72 bytes in UTF-8), by label, as ``Secret`` values:
        73 ASCII bytes, 25 euro signs (25 characters but 75 bytes), emoji, 1 KiB and 1 MiB."""
        return {label: Secret(value) for label, value in corpus.PASSWORDS if len(value.encode()) > 72}

    @keyword("Unique Variant Of Email")
    def unique_variant_of_email(self, email: str) -> str:
        """``email`` with a unique prefix on its local part (``t3f9c1a.o'brien@…``), so a test may create
        the user again in the same target."""
        return f"t{secrets.token_hex(3)}.{email}"

    @keyword("Sweep Every Operation With Hostile Input")
    def sweep_every_operation_with_hostile_input(self, base_url: str, sweeper: dict, guardian: dict,
                                                 public_paths: list, upstream_prefixes: "list | None" = None,
                                                 max_requests: int = 20000, max_seconds: float = 150) -> dict:
        """Send the whole hostile-input corpus to every operation of ``base_url``'s ``/openapi.json``.

        ``sweeper`` and ``guardian`` are accounts ``{email, password}`` of the target; ``public_paths`` are
        sent anonymously; operations under ``upstream_prefixes`` may answer 502/503/504 about their upstream.
        The sweep stops after ``max_requests`` requests or ``max_seconds``. Returns the summary (see
        `Sweeps`).
        """
        sweep, document = self._start(base_url, sweeper, guardian, upstream_prefixes, max_requests, max_seconds)
        for operation in operations(document, list(public_paths)):
            for probe in corpus_probes(operation):
                sweep.send(probe)
        return self._finish(sweep, base_url, "corpus")

    @keyword("Sweep Every Operation With Generated Input")
    def sweep_every_operation_with_generated_input(self, base_url: str, sweeper: dict, guardian: dict,
                                                   public_paths: list, examples: int = 25, seed: int = 20251101,
                                                   upstream_prefixes: "list | None" = None,
                                                   max_requests: int = 20000, max_seconds: float = 150) -> dict:
        """Send requests schemathesis draws from ``/openapi.json``: up to ``examples`` cases that fit the
        schema and ``examples`` that break it, per operation, from the fixed ``seed`` (the same seed gives
        the same requests). Otherwise as `Sweep Every Operation With Hostile Input`.
        """
        sweep, document = self._start(base_url, sweeper, guardian, upstream_prefixes, max_requests, max_seconds)
        probes = generated_probes(document, list(public_paths), int(examples), int(seed))
        logger.info(f"schemathesis drew {len(probes)} requests (seed {seed}, up to {examples} per operation "
                    f"and mode) in {sweep.elapsed_s:.1f} s")
        for probe in probes:
            sweep.send(probe)
        return self._finish(sweep, base_url, f"generated-seed-{seed}")

    @keyword("Sweep Should Have Found No Offending Request")
    def sweep_should_have_found_no_offending_request(self, summary: dict, policy: str = "B9"):
        """Fail, naming ``policy``, when any request of the sweep got a 5xx or no answer, or when the budget
        ran out before every probe was sent."""
        offences = summary["offences"]
        if offences:
            lines = printable("\n".join(f"- {o['method']} {o['path'][:120]} ({o['source']}) → "
                                        f"{o['status'] or 'no answer'}" for o in offences[:15]))
            more = f"\n… and {len(offences) - 15} more" if len(offences) > 15 else ""
            raise AssertionError(f"{policy}: {len(offences)} of {summary['requests']} hostile requests got a 5xx "
                                 f"or no answer (replay records: {summary['replay_file']}):\n{lines}{more}")
        if summary["not_sent"]:
            raise AssertionError(f"the sweep ran out of its budget: {summary['not_sent']} probes were not sent "
                                 f"after {summary['requests']} requests in {summary['seconds']} s")

    # ------------------------------------------------------------------ helpers

    def _start(self, base_url, sweeper, guardian, upstream_prefixes, max_requests, max_seconds):
        clients = ApiClients(base_url, timeout_s=20)
        accounts = Accounts(clients, (sweeper["email"], reveal(sweeper["password"])),
                            (guardian["email"], reveal(guardian["password"])))
        accounts.sign_in_all()
        answer = clients.request("GET", "/openapi.json")
        if answer.status != 200:
            raise AssertionError(f"the target must publish /openapi.json: {answer}")
        sweep = Sweep(clients, accounts, tuple(upstream_prefixes or ()), int(max_requests), float(max_seconds))
        return sweep, answer.json

    def _finish(self, sweep: Sweep, base_url: str, name: str) -> dict:
        sweep.clients.close_all()
        summary = sweep.summary()
        records = [offence.replay(base_url) for offence in sweep.offences]
        summary["offences"] = records
        summary["replay_file"] = str(self._write(records, name))
        logger.info(f"Hostile-input sweep ({name}): {summary['requests']} requests in {summary['seconds']} s "
                    f"({summary['requests'] / max(summary['seconds'], 0.001):.0f}/s), statuses "
                    f"{summary['statuses']}, {summary['offending']} offending, {summary['not_sent']} not sent, "
                    f"{summary['session_restorations']} session restorations")
        logger.info("Requests per operation:\n" + "\n".join(f"  {count:5}  {label}" for label, count
                                                              in sorted(summary["per_operation"].items())))
        if sweep.offences:  # every one of them, each line printable whatever bytes the request carried
            logger.info("\n".join(f"Offending request: {offence.line()}" for offence in sweep.offences))
        return summary

    @staticmethod
    def _write(records: list, name: str) -> Path:
        folder = Path(BuiltIn().get_variable_value("${OUTPUT DIR}", os.getcwd()))
        path = folder / f"hostile-input-{name}-{os.getpid()}.json"
        path.write_text(json.dumps(records, indent=1, ensure_ascii=False), encoding="utf-8")
        return path
