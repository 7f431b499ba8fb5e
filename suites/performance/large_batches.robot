*** Settings ***
Documentation    Plan 3.1 — large span batches (B14, B15).
...
...              Production systems send telemetry in big batches and without pause. The target must
...              acknowledge a 1000-span batch quickly and store all of it, keep its latency and memory steady
...              under a sustained send, return a 1000-span trace quickly, keep a 100 KB attribute intact and
...              refuse — never silently drop — a request above its receive limit. Spans come from a load
...              generator that stamps fresh ids into prebuilt batches, so the target is measured, not the
...              client. Each test logs its figures as a table and a plot, saves them in ``metrics.json`` and
...              compares them with the baseline of the target profile.

Resource         ../../resources/performance/large_batches.resource

Suite Setup      Prepare Performance Suite

Test Tags        priority:medium


*** Test Cases ***
A 1000-Span Batch Is Acknowledged Within 2 Seconds And Fully Stored
    [Documentation]    A client's exporter flushes its buffer as one big batch; a slow acknowledgement blocks it or
    ...    makes it drop spans. ${SINGLE_BATCHES} batches of 1000 spans (100 traces of 10), sent one after
    ...    another after a warm-up batch, must each be acknowledged within ${BATCH_ACK_LIMIT_MS} ms (B15) and
    ...    all become queryable, each span once.
    [Tags]    plan:test_ingest_1000_spans_single_batch    policy:B15
    ${service} =    Unique Label    perf-single-batch
    ${load} =    Push Batches After A Warm-Up    1    ${SINGLE_BATCHES}    ${service}
    Start Timer    batch_queryable
    Pushed Spans Should Become Queryable    ${load}
    Stop Timer    batch_queryable
    Stop Sampling Target Processes
    ${ack} =    Record Push    batch_ack    ${load}    limit_ms=${BATCH_ACK_LIMIT_MS}
    Latency Should Be Below    ${ack}    ${BATCH_ACK_LIMIT_MS}    policy=B15
    ...    what=a batch of 1000 spans must be acknowledged within ${BATCH_ACK_LIMIT_MS} ms
    Batching Should Amortise The Commit Cost    ${load}    ${service}
    Figures Should Match The Baseline

100 Batches Of 100 Spans Keep A Steady Latency And No Memory Growth
    [Documentation]    Telemetry never pauses: a target whose latency drifts or whose memory grows batch by batch
    ...    falls over after hours in production. ${SUSTAINED_BATCHES} batches of 100 spans (each with a
    ...    ${SUSTAINED_PAYLOAD_BYTES}-byte attribute), sent back to back after ${SUSTAINED_WARM_UP_BATCHES} warm-up
    ...    batches: p99 latency at most ${LATENCY_SPREAD_LIMIT} × p50, every span stored, and no process of the
    ...    target growing past its limit after the warm-up (B15). The memory plot shows every process over time.
    [Tags]    plan:test_ingest_10000_spans_sequential    policy:B15
    ${service} =    Unique Label    perf-sustained
    ${load} =    Push Batches After A Warm-Up    ${SUSTAINED_WARM_UP_BATCHES}    ${SUSTAINED_BATCHES}    ${service}
    ...    &{SUSTAINED_SHAPE}
    Pushed Spans Should Become Queryable    ${load}
    ${memory} =    Stop Sampling Target Processes
    ${ack} =    Record Push    sustained_ack    ${load}
    Latency And Memory Should Be Steady    ${ack}    ${memory}
    Figures Should Match The Baseline

A Trace Of 1000 Spans Is Returned Within 500 ms And Pages Completely
    [Documentation]    A long agent run is one trace of many spans, and opening it is what a user waits for. A trace
    ...    of ${TRACE_SPANS} spans, read ${TRACE_READS} times, must come back complete each time within
    ...    ${TRACE_QUERY_LIMIT_MS} ms (B15), and paging through its service must return every span once.
    [Tags]    plan:test_query_trace_with_1000_spans    policy:B15
    ${service} =    Unique Label    perf-big-trace
    ${load} =    Push Spans And Expect Every Batch Acknowledged    1    ${service}
    ...    traces_per_batch=${1}    spans_per_trace=${TRACE_SPANS}
    Pushed Spans Should Become Queryable    ${load}
    ${latencies} =    Read Trace Repeatedly    ${load.trace_ids}[0]    ${TRACE_READS}    ${TRACE_SPANS}
    ${reads} =    Record Latencies    trace_read    ${latencies}    limit_ms=${TRACE_QUERY_LIMIT_MS}
    # Independent of the paging check below: a slow read must not hide a paging defect (both are reported).
    Run Keyword And Continue On Failure    Latency Should Be Below    ${reads}    ${TRACE_QUERY_LIMIT_MS}    policy=B15
    ...    what=a trace of ${TRACE_SPANS} spans must be returned within ${TRACE_QUERY_LIMIT_MS} ms
    ${paged} =    Read Every Span Of Service    ${service}
    ${pushed} =    Pushed Span Keys    ${service}
    Keys Should Be Paged Once Each    ${paged}    ${pushed}
    Figures Should Match The Baseline

A Span With A 100 KB Attribute Is Stored And Returned Intact
    [Documentation]    LLM spans carry whole prompts and answers as attributes. A span with a ${LARGE_ATTRIBUTE_BYTES}-
    ...    character attribute (mixed text, markup, quotes, non-ASCII) must be acknowledged, stored and returned
    ...    character for character — never cut at some internal limit (B11).
    [Tags]    plan:test_span_with_large_attributes    policy:B11
    ${service} =    Unique Label    perf-large-attribute
    ${value} =    Large Attribute Text    ${LARGE_ATTRIBUTE_BYTES}
    ${span} =    Span With Large Attribute    ${service}    ${value}
    ${sent} =    Spans Should Be Accepted    ${span}    api_key=${LOAD_KEY}
    Record Figure    large_attribute.ack_ms    ${sent.latency_ms}    unit=ms
    VAR    @{spans} =    ${span}
    Spans Should Become Queryable    ${spans}
    Large Attribute Should Come Back Intact    ${span}    ${value}
    Figures Should Match The Baseline

A Request Above The Receive Limit Is Refused And Not Silently Dropped
    [Documentation]    The contract's receive limit is 64 MiB (B14): a bigger request must be refused with
    ...    RESOURCE_EXHAUSTED, so the client knows its spans were not taken, and must leave nothing behind; a
    ...    request just below the limit (far above gRPC's 4 MiB default) must be accepted and stored. Runs on a
    ...    fresh target, so the huge span does not slow the other tests' queries.
    [Tags]    plan:3.1    policy:B14
    [Setup]    Start Fresh Target    receive-limit
    Admin Should Be Signed In
    ${key} =    Create API Key    receive-limit    by=admin
    ${service} =    Unique Label    perf-receive-limit
    ${refused} =    Request Of Size Should Be Refused    ${REFUSED_REQUEST_MIB}    ${key}[key]    ${service}
    ${accepted} =    Request Of Size Should Be Accepted    ${ACCEPTED_REQUEST_MIB}    ${key}[key]    ${service}
    Wait Until Keyword Succeeds    ${SPAN_VISIBILITY_TIMEOUT}    0.5s
    ...    Padded Span Should Be Stored    ${accepted}
    ${leftover} =    Get Span    ${refused.trace_id}    ${refused.span_id}    by=admin
    Should Be Equal    ${leftover}    ${None}    B14: the refused request's span was stored anyway    values=${False}
    [Teardown]    Stop Fresh Target    receive-limit


*** Keywords ***
Push Batches After A Warm-Up
    [Documentation]    Starts sampling the main target's processes, pushes ``warm_up`` batches of ``service``-warm-up
    ...    spans and waits until they are stored (the target has then done all the work they cause), marks the
    ...    warm-up done, pushes ``batches`` measured batches of ``service`` and returns that push. Sampling goes
    ...    on until `Stop Sampling Target Processes`.
    [Arguments]    ${warm_up}    ${batches}    ${service}    &{shape}
    Start Sampling The Main Target
    ${warm} =    Push Spans And Expect Every Batch Acknowledged    ${warm_up}    ${service}-warm-up    &{shape}
    Pushed Spans Should Become Queryable    ${warm}
    Mark Warm-Up Done
    ${load} =    Push Spans And Expect Every Batch Acknowledged    ${batches}    ${service}    &{shape}
    RETURN    ${load}

Latency And Memory Should Be Steady
    [Documentation]    p99 of the ``ack`` latencies at most ${LATENCY_SPREAD_LIMIT} × p50, and no sampled process grown
    ...    past its limit after the warm-up (B15). Both are checked and both failures reported.
    [Tags]    robot:continue-on-failure
    [Arguments]    ${ack}    ${memory}
    Latency Should Be Steady    ${ack}    ${LATENCY_SPREAD_LIMIT}    policy=B15
    ...    jitter_floor_ms=${LATENCY_JITTER_FLOOR_MS}
    Memory Should Not Grow    ${memory}    ${MEMORY_GROWTH_LIMIT_MIB}    policy=B15

Read Trace Repeatedly
    [Documentation]    Reads trace ``trace_id`` ``times`` times; each answer must hold its ``count`` spans (B11).
    ...    Returns the latencies (ms).
    [Arguments]    ${trace_id}    ${times}    ${count}
    VAR    @{latencies} =    @{EMPTY}
    FOR    ${_}    IN RANGE    ${times}
        ${answer} =    Call API    GET    /api/v1/observability/traces/${trace_id}/spans    by=admin
        Response Status Should Be    ${answer}    200    reading a trace of ${count} spans
        Length Should Be    ${answer.json}    ${count}    B11: the trace must come back with all its ${count} spans
        Append To List    ${latencies}    ${answer.elapsed_ms}
    END
    RETURN    ${latencies}

Span With Large Attribute
    [Documentation]    A span of ``service`` whose attribute ``acceptance.large`` is ``value`` (and ``acceptance.size``
    ...    its length).
    [Arguments]    ${service}    ${value}
    ${size} =    Get Length    ${value}
    VAR    &{attributes} =    acceptance.large=${value}    acceptance.size=${size}
    ${span} =    Build Span    name=large-attribute    service=${service}    attributes=${attributes}
    RETURN    ${span}

Large Attribute Should Come Back Intact
    [Documentation]    ``span`` read back from the API has its attribute ``acceptance.large`` equal to ``value``,
    ...    character for character (B11).
    [Arguments]    ${span}    ${value}
    ${stored} =    Read Span Attribute    ${span}    acceptance.large
    ${stored_size} =    Get Length    ${stored}
    Should Be Equal    ${stored}    ${value}
    ...    B11: the ${LARGE_ATTRIBUTE_BYTES}-character attribute came back changed (${stored_size} characters)
    ...    values=${False}

Read Span Attribute
    [Documentation]    Reads ``span`` back from the API, records how long that took and returns its attribute ``name``.
    [Arguments]    ${span}    ${name}
    ${answer} =    Call API    GET    /api/v1/observability/traces/${span}[trace_id]/spans/${span}[span_id]    by=admin
    Response Status Should Be    ${answer}    200    reading a span back
    Record Figure    large_attribute.read_ms    ${answer.elapsed_ms}    unit=ms
    RETURN    ${answer.json}[attributes_json][${name}]

Request Of Size Should Be Refused
    [Documentation]    Sends one request of ``mib`` MiB; it must be refused with RESOURCE_EXHAUSTED (B14).
    [Arguments]    ${mib}    ${key}    ${service}
    ${result} =    Send Raw Export Of Size    ${mib}    api_key=${key}    service=${service}
    Should Be Equal    ${result.code}    RESOURCE_EXHAUSTED
    ...    B14: a ${mib} MiB request must be refused with RESOURCE_EXHAUSTED, got ${result.code}    values=${False}
    Record Figure    over_limit.refusal_ms    ${result.latency_ms}    unit=ms
    RETURN    ${result}

Request Of Size Should Be Accepted
    [Documentation]    Sends one request of ``mib`` MiB; it must be acknowledged (B14).
    [Arguments]    ${mib}    ${key}    ${service}
    ${result} =    Send Raw Export Of Size    ${mib}    api_key=${key}    service=${service}
    Should Be Equal    ${result.code}    OK
    ...    B14: a ${mib} MiB request is within the limit and must be accepted, got ${result.code} (${result.details})
    ...    values=${False}
    Record Figure    under_limit.ack_ms    ${result.latency_ms}    unit=ms
    RETURN    ${result}

Padded Span Should Be Stored
    [Documentation]    The span of a padded request (`Send Raw Export Of Size`) is stored with all its padding (B14).
    [Arguments]    ${sent}
    ${stored} =    Get Span    ${sent.trace_id}    ${sent.span_id}    by=admin
    Should Not Be Equal
    ...    ${stored}
    ...    ${None}
    ...    B14: the accepted request's span is not stored (yet)
    ...    values=${False}
    ${size} =    Get Length    ${stored}[attributes_json][acceptance.padding]
    Should Be Equal As Integers    ${size}    ${sent.padding_chars}
    ...    B14: the accepted span's padding was cut to ${size} characters    values=${False}
