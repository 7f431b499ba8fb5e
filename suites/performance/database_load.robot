*** Settings ***
Documentation    Plan 3.3 — the databases under load (B15).
...
...              The databases are the bottleneck of most applications. Paging through 10,000 spans must stay
...              fast and exact, many writers at once must neither deadlock nor fail, and the API must keep its
...              99th-percentile latency under load without returning wrong data. Each test logs its figures as
...              a table and a plot, saves them in ``metrics.json`` and compares them with the baseline of the
...              target profile.

Resource         ../../resources/performance/database_load.resource

Suite Setup      Prepare Performance Suite

Test Tags        priority:medium    policy:B15


*** Test Cases ***
Pages Of 100 Over 10000 Spans Take Under 50 ms And Hold Each Span Once
    [Documentation]    The UI pages through a service's spans. With ${PAGED_SPANS} spans stored, every page of
    ...    ${PAGE_SIZE} must come back within ${PAGE_LIMIT_MS} ms — a page deep in the list as fast as the first —
    ...    and the pages together must hold every span exactly once (B15). Also measures how fast the target
    ...    turns acknowledged spans into queryable ones (Export to queryable, spans/s).
    [Tags]    plan:test_query_10000_spans_pagination
    [Setup]    Run Keywords    Target Should Have Capability    offset_paging
    ...    AND    Paging Should Behave As Paging    perf-paging-check    api_key=${LOAD_KEY}
    ${service} =    Unique Label    perf-paging
    Start Sampling The Main Target
    Push Spans Until Queryable    ${PAGED_SPANS}    ${service}
    ${paged} =    Page Through Service Spans    ${service}    by=admin    page_size=${PAGE_SIZE}
    Stop Sampling Target Processes
    ${pages} =    Record Latencies    page    ${paged.latencies_ms}    at_s=${paged.at_s}    limit_ms=${PAGE_LIMIT_MS}
    ${pushed} =    Pushed Span Keys    ${service}
    Keys Should Be Paged Once Each    ${paged}    ${pushed}
    Latency Should Be Below    ${pages}    ${PAGE_LIMIT_MS}    policy=B15
    ...    what=every page of ${PAGE_SIZE} of ${PAGED_SPANS} spans must come back within ${PAGE_LIMIT_MS} ms
    Figures Should Match The Baseline

50 Concurrent Span And Key Writers Finish Without Deadlock Or Error
    [Documentation]    Services export spans while users create API keys, all at the same moment. ${CONCURRENT_WRITERS}
    ...    writers start together: half export ${BATCHES_PER_SPAN_WRITER} batches of spans each, half create an
    ...    API key each. Every write must succeed within its timeout — no deadlock, no "database is locked" —
    ...    and afterwards every span and every key must be stored exactly once (B15, B11).
    [Tags]    plan:test_concurrent_database_writes    policy:B11
    ${label} =    Unique Label    perf-writers
    ${writers} =    Convert To Integer    ${CONCURRENT_WRITERS}
    ${outcomes} =    Run Keywords Concurrently
    ...    ${writers // 2} times    Push Span Load    ${BATCHES_PER_SPAN_WRITER}    ${label}-{index}
    ...    ${LOAD_KEY}    traces_per_batch=${5}    spans_per_trace=${10}
    ...    AND    ${writers // 2} times    Create API Key    ${label}-{index}    by=admin
    Record Call Latencies    write    ${outcomes}
    All Calls Should Have Succeeded    ${outcomes}    policy=B15: concurrent writers must all succeed, no deadlock
    Every Span Writer Should Be Stored Once    ${outcomes}
    Every Created Key Should Be Listed Once    ${outcomes}
    Figures Should Match The Baseline

1000 Closed-Loop API Requests Get Right Answers With p99 Under 200 ms
    [Documentation]    B15: API p99 < ${API_P99_LIMIT_MS} ms "under 1000 concurrent requests", without data
    ...    corruption. Load model: ${API_LOAD_REQUESTS} requests from a pool of ${API_LOAD_CLIENTS} concurrent
    ...    clients, each sending its share back to back (so ${API_LOAD_CLIENTS} are always in flight; firing
    ...    all 1000 at the same instant would only measure the client machine's queue). The mix is what the UI
    ...    does while people browse traces, with one API-key creation in ten. Every answer is checked: the
    ...    trace always complete, pages only of their service, each new key listed once. This is the closed-loop
    ...    figure; the open-loop one, from 1000 Locust users at a declared rate, is in ``open_loop_load.robot``.
    [Tags]    plan:3.3
    ${service} =    Unique Label    perf-api-load
    ${trace} =    Push One Trace Until Queryable    ${service}    ${API_LOAD_TRACE_SPANS}
    ${api} =    Run Mixed API Load    ${API_LOAD_REQUESTS}    ${API_LOAD_CLIENTS}    ${service}
    ...    ${trace}[trace_id]    ${trace}[span_ids]
    ${latency} =    Record Latencies    api    ${api.latencies_ms}    at_s=${api.at_s}    errors=${api.errors}
    ...    elapsed_s=${api.elapsed_s}    limit_ms=${API_P99_LIMIT_MS}
    API Load Should Have Been Answered Correctly    ${api}
    Latency Should Be Below    ${latency}    ${API_P99_LIMIT_MS}    statistic=p99_ms    policy=B15
    ...    what=API latency with ${API_LOAD_CLIENTS} concurrent clients
    Figures Should Match The Baseline


*** Keywords ***
Push Spans Until Queryable
    [Documentation]    Pushes ``count`` spans of ``service`` in batches of 1000 (two in flight) and waits until all
    ...    are queryable; records the rate from the first Export to the last span queryable (spans/s).
    [Arguments]    ${count}    ${service}
    Start Timer    export_to_queryable
    ${batches} =    Batches For Spans    ${count}    spans_per_batch=${1000}
    ${load} =    Push Spans And Expect Every Batch Acknowledged    ${batches}    ${service}
    ...    in_flight=${2}
    Record Push    export    ${load}
    Pushed Spans Should Become Queryable    ${load}
    ${seconds} =    Stop Timer    export_to_queryable
    Record Rate    export_to_queryable.spans_per_s    ${load.spans}    ${seconds}

Every Span Writer Should Be Stored Once
    [Documentation]    Every Export of every span writer was acknowledged (B15: concurrent writers all succeed), and
    ...    each writer's service then holds exactly the spans it pushed (B11).
    [Arguments]    ${outcomes}
    ${writers} =    Outcomes Of Keyword    ${outcomes}    Push Span Load
    ${pushes} =    Span Writer Exports Should Have Been Acknowledged    ${writers}    policy=B15
    FOR    ${push}    IN    @{pushes}
        Pushed Spans Should Become Queryable    ${push}
    END

Every Created Key Should Be Listed Once
    [Documentation]    Each API key created by a concurrent writer is listed exactly once, under its name (B11).
    [Arguments]    ${outcomes}
    ${creations} =    Outcomes Of Keyword    ${outcomes}    Create API Key
    ${listed} =    List API Keys    by=admin
    Created Keys Should Be Listed Once    ${creations}    ${listed}    policy=B11

API Load Should Have Been Answered Correctly
    [Documentation]    Every request of the mixed API load got an answer, every answer was right and every key
    ...    created during the load is listed exactly once (B15: no data corruption under load).
    [Arguments]    ${api}
    Should Be Equal As Integers    ${api.problem_count}    0
    ...    B15: ${api.problem_count} of ${api.requests} requests under load failed or answered wrongly: ${api.problems}
    ...    values=${False}
    Should Be Empty    ${api.keys_missing}    B15: keys created under load are missing: ${api.keys_missing}
    Should Be Empty    ${api.keys_repeated}    B15: keys created under load are listed twice: ${api.keys_repeated}
