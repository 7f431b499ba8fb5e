"""Timed request series against the HTTP API: paging through a span list, and a mixed load from a bounded
pool of concurrent clients.

Load model of :func:`mixed_load`: ``total`` requests shared by ``clients`` concurrent clients (threads,
each with its own connection and a copy of the session cookie). The clients are released together and
each sends its share back to back (a closed loop), so ``clients`` requests are in flight at any moment.
Latency is the HTTP round trip of each request as the client sees it.
"""

import time
from collections import Counter

from junjo_acceptance.concurrency import run_sequences

from .client import ApiClients

OBSERVABILITY = "/api/v1/observability"
# One round of the mix: mostly the reads the UI makes while someone browses traces, one write in ten.
MIX = ("trace", "page", "trace", "roots", "keys", "page", "trace", "services", "auth", "create-key")
PAGE = 50
PROBLEMS_KEPT = 10


def page_through(clients: ApiClients, client: str, path: str, page_size: int, max_pages: int,
                 offset_paging: bool = True) -> dict:
    """GET ``path`` page by page (``limit``/``offset``) until a page is short; time every page. Without
    ``offset_paging`` (a target whose lists take ``limit`` only) one listing of up to ``page_size * max_pages``
    spans (at most 10000, the contract's largest ``limit``) stands for all pages: ``offset`` is never sent.

    Returns ``pages``, ``latencies_ms``, ``at_s``, ``span_keys`` (``trace_id:span_id`` in page order),
    ``statuses`` and ``problems``.
    """
    latencies, at_s, keys, statuses, problems = [], [], [], Counter(), []
    began = time.perf_counter()
    for page in range(max_pages):
        at_s.append(time.perf_counter() - began)
        params = {"limit": page_size, "offset": page * page_size} if offset_paging else \
            {"limit": min(page_size * max_pages, 10000)}
        answer = clients.request("GET", path, client, params=params)
        latencies.append(answer.elapsed_ms)
        statuses[answer.status] += 1
        body = answer.json
        if answer.status != 200 or not isinstance(body, list):
            problems.append(f"page {page} answered {answer.status}: {answer.text[:200]}")
            break
        keys += [f"{span['trace_id']}:{span['span_id']}" for span in body]
        if len(body) < page_size or not offset_paging:
            break
    return {"pages": len(latencies), "latencies_ms": latencies, "at_s": at_s, "span_keys": keys,
            "statuses": dict(statuses), "problems": problems}


def _request(kind: str, index: int, service: str, trace_id: str) -> tuple[str, str, dict]:
    if kind == "trace":
        return "GET", f"{OBSERVABILITY}/traces/{trace_id}/spans", {}
    if kind == "page":
        return "GET", f"{OBSERVABILITY}/services/{service}/spans", {"params": {"limit": PAGE}}
    if kind == "roots":
        return "GET", f"{OBSERVABILITY}/services/{service}/spans/root", {"params": {"limit": PAGE}}
    if kind == "services":
        return "GET", f"{OBSERVABILITY}/services", {}
    if kind == "keys":
        return "GET", "/api_keys", {}
    if kind == "auth":
        return "GET", "/auth-test", {}
    return "POST", "/api_keys", {"json": {"name": f"api-load-{index}"}}


def _problem(kind: str, answer, service: str, expected_span_ids: set) -> str:
    """What is wrong with an answer (empty when it is right)."""
    expected_status = 201 if kind == "create-key" else 200
    if answer.status != expected_status:
        return f"answered {answer.status}, expected {expected_status}: {answer.text[:120]}"
    body = answer.json
    if kind not in ("auth", "create-key") and not isinstance(body, list):
        return f"answered {answer.text[:120]!r}, not a JSON list"
    if kind == "trace" and {span["span_id"] for span in body} != expected_span_ids:
        return f"returned {len(body)} spans, not the {len(expected_span_ids)} spans of the trace"
    if kind in ("page", "roots") and (len(body) > PAGE or any(span["service_name"] != service for span in body)):
        return f"returned {len(body)} spans, some of another service or more than the limit {PAGE}"
    if kind == "roots" and any(span["parent_span_id"] is not None for span in body):
        return "returned a span with a parent among the root spans"
    if kind == "services" and service not in body:
        return f"does not list service {service!r}"
    return ""


def mixed_load(clients: ApiClients, cookie: str, total: int, concurrency: int, service: str, trace_id: str,
               expected_span_ids: set, timeout_s: float = 120) -> dict:
    """``total`` requests of :data:`MIX` from ``concurrency`` clients (see the module docs); every answer is
    checked against what the target must return. Afterwards the created keys are listed once more:
    each must be there exactly once, under its name.

    Returns ``requests``, ``clients``, ``latencies_ms``, ``at_s``, ``kinds`` (``{kind: n}``), ``statuses``,
    ``errors`` (no answer at all), ``problems`` (the first few wrong answers), ``problem_count``,
    ``created_keys``, ``keys_missing``, ``keys_repeated`` and ``elapsed_s``.
    """
    names = [f"api-load-client-{number}" for number in range(concurrency)]
    for name in names:
        clients.set_cookie(name, cookie)

    def call(index: int, client: str):
        kind = MIX[index % len(MIX)]
        method, path, options = _request(kind, index, service, trace_id)
        return kind, clients.request(method, path, client, timeout=timeout_s, **options)

    sequences = [[(lambda index=index, client=client: call(index, client))
                  for index in range(number, total, concurrency)] for number, client in enumerate(names)]
    began = time.perf_counter()
    outcomes = sorted(run_sequences(sequences, timeout_s), key=lambda outcome: outcome.started)
    elapsed = time.perf_counter() - began
    # Answers are checked after the load, so the checking does not take the client's CPU from the timing.
    answered = [outcome.result for outcome in outcomes if outcome.ok]
    wrong = [f"{kind}: {problem}" for kind, answer in answered
             if (problem := _problem(kind, answer, service, expected_span_ids))]
    errors = [f"{type(outcome.error).__name__}: {outcome.error}" for outcome in outcomes if not outcome.ok]
    created = {answer.json["id"]: answer.json["name"] for kind, answer in answered
               if kind == "create-key" and answer.status == 201}
    listed = Counter((key["id"], key["name"]) for key in clients.request("GET", "/api_keys", names[0]).json or [])
    origin = outcomes[0].started if outcomes else began
    for name in names:
        clients.forget(name)
    return {
        "requests": len(outcomes), "clients": concurrency,
        "latencies_ms": [outcome.result[1].elapsed_ms if outcome.ok else outcome.elapsed_ms for outcome in outcomes],
        "at_s": [outcome.started - origin for outcome in outcomes],
        "kinds": dict(Counter(kind for kind, _ in answered)),
        "statuses": dict(Counter(answer.status for _, answer in answered)),
        "errors": len(errors), "problems": (errors + wrong)[:PROBLEMS_KEPT], "problem_count": len(errors) + len(wrong),
        "created_keys": len(created),
        "keys_missing": [key_id for key_id, name in created.items() if listed[(key_id, name)] == 0],
        "keys_repeated": [key_id for key_id, name in created.items() if listed[(key_id, name)] > 1],
        "elapsed_s": elapsed,
    }
