*** Settings ***
Documentation    Plan 3.3 — the API under open-loop load from Locust (B15).
...
...              Load tools that send the next request only after the previous answer (a closed loop) wait
...              out the target's slow moments and so under-sample them: coordinated omission. Here Locust
...              users arrive on a fixed schedule, whatever the target's latency, from a master and
...              ${LOCUST_WORKERS} worker processes, and each request's latency counts from when it was meant
...              to start. The closed-loop figure (10 clients back to back) stays beside it in
...              ``database_load.robot``.

Resource         ../../resources/performance/open_loop_load.resource

Suite Setup      Prepare Performance Suite

Test Tags        priority:medium    policy:B15


*** Test Cases ***
1000 Open-Loop Users At The Declared Rate Get API p99 Under 200 ms
    [Documentation]    B15: API p99 < ${API_P99_LIMIT_MS} ms "under 1000 concurrent requests", without data
    ...    corruption. ${OPEN_LOOP_USERS} Locust users arrive together at ${OPEN_LOOP_RATE} requests/s
    ...    (${OPEN_LOOP_REQUESTS} requests) reading what the UI reads — a trace, pages and root spans of a
    ...    service, the services, the API keys — and every answer is checked. Latency counts from each
    ...    request's intended start; the run must also reach ${OPEN_LOOP_MIN_RATE_FRACTION} of the declared rate,
    ...    or its p99 would prove nothing.
    [Tags]    plan:3.3
    ${service} =    Unique Label    perf-open-loop
    ${trace} =    Push One Trace Until Queryable    ${service}    ${API_LOAD_TRACE_SPANS}
    ${load} =    Run Open-Loop API Readers    ${service}    ${trace}    ${API_LOAD_TRACE_SPANS}
    Record Load Statistics    api_open_loop    ${load}    limit_ms=${API_P99_LIMIT_MS}
    Locust Load Should Have No Failures    ${load}    policy=B15    what=API answers under open-loop load
    Locust Load Should Reach Its Rate Within The Latency Limit    ${load}    ${API_P99_LIMIT_MS}
    ...    ${OPEN_LOOP_MIN_RATE_FRACTION}    policy=B15    what=API latency under open-loop load
    Figures Should Match The Baseline
