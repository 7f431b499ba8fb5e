*** Settings ***
Documentation    Plan 4.3 — partial system failures.
...
...              One part of the target down, frozen or damaged must not take the rest with it: the HTTP API
...              keeps working without ingestion, ingestion keeps acknowledging without the backend and
...              nothing is lost when it returns (B19, B11), a corrupted span store is reported, not served
...              (B20), and incomplete spans never stop the flow (B13). Each test breaks a fresh, disposable
...              target of its own.

Resource         ../../resources/common/target.resource
Resource         ../../resources/error_recovery/partial_failures.resource

Suite Setup      Start Target Under Test

Test Tags        priority:medium


*** Test Cases ***
The HTTP API Keeps Working While Ingestion Is Down Or Frozen
    [Documentation]    The HTTP API must not depend on the ingestion process (B19): with ingestion killed, and
    ...    then frozen (alive but answering nothing, the harder case for a caller without timeouts), health,
    ...    sign-in, users, API keys and the span queries must all answer in time, the stored spans included.
    [Tags]    plan:test_grpc_server_down_http_still_works    policy:B19    slow
    [Setup]    Start Disposable Target    ingestion-outage
    ${key} =    New Ingestion Key
    ${spans} =    Spans Stored Before The Fault    ${key}    ingestion-outage
    Kill Target Process    ingestion    ingestion-outage
    HTTP API Should Keep Working    ${spans}    B19: with ingestion killed, the HTTP API must keep working
    Restart Target Process    ingestion    ingestion-outage
    Suspend Target Process    ingestion    ingestion-outage
    HTTP API Should Keep Working    ${spans}    B19: with ingestion frozen, the HTTP API must keep working
    Resume Target Process    ingestion    ingestion-outage
    [Teardown]    Stop Disposable Target    ingestion-outage

With The Backend Down Ingestion Accepts Cached Keys And Loses Nothing
    [Documentation]    Clients must be able to keep sending while the backend restarts (B19): ingestion
    ...    accepts spans with a key it has already validated even though it cannot ask the backend (the
    ...    target re-checks keys on every Export here, so the outage is felt at once), and after the
    ...    backend is back every acknowledged span is stored, once (B11).
    [Tags]    plan:4.3    policy:B19    slow
    [Setup]    Start Disposable Target    backend-outage    key_revalidate_s=0
    ${key} =    New Ingestion Key
    ${before} =    Spans Stored Before The Fault    ${key}    backend-outage
    Kill Target Process    backend    backend-outage
    ${during} =    Build Trace    5    service=backend-outage
    Export Should Be Acknowledged    ${during}    ${key}
    ...    B19: with the backend down, ingestion must keep acknowledging spans with a key it has validated
    Restart Target Process    backend    backend-outage
    ${all} =    Combine Lists    ${before}    ${during}
    Spans Should Become Queryable    ${all}
    Spans Should Be Stored Once    ${all}    target=backend-outage
    [Teardown]    Stop Disposable Target    backend-outage

A Corrupted Span Store Gives 503 Naming The File And How To Rebuild It
    [Documentation]    A damaged database file must be detected, never read as "no data" (B20): with the DuckDB
    ...    file's header overwritten, and truncated, every span endpoint answers 503 naming the file and how
    ...    to rebuild it, while sign-in and API keys keep working; with the original file back, the spans
    ...    are served again.
    [Tags]    plan:test_duckdb_corruption_detection    policy:B20    slow
    [Setup]    Start Disposable Target    corrupted-store
    [Template]    Corrupted Span Store Should Be Reported
    header overwritten    corrupted-store
    truncated    corrupted-store
    [Teardown]    Stop Disposable Target    corrupted-store

Junjo JSON That A Strict Reader Rejects Never Stops Ingestion
    [Documentation]    ``junjo.*`` attributes are opaque strings to ingestion (B13): JSON text with NaN, Infinity,
    ...    5000 levels of nesting, a stray brace or an escaped lone surrogate passes a lenient reader and
    ...    breaks a strict one (the span store's JSON type, a re-encoder, the HTTP answer). Each such span
    ...    must be rejected with a reason or stored and served with its raw value, its valid companion
    ...    stored, and later batches must still become queryable.
    [Tags]    plan:test_span_ingestion_with_missing_fields    policy:B13
    ${key} =    New Ingestion Key
    ${hazards} =    Strict JSON Hazards
    FOR    ${hazard}    IN    @{hazards}
        Run Keyword And Continue On Failure
        ...    Junjo JSON A Strict Reader Rejects Should Be Rejected Or Stored Raw    ${hazard}    ${key}
    END
    Later Batch Should Flow    ${key}    strict-json

Spans Missing Fields Are Rejected Or Get Sane Defaults And Never Block
    [Documentation]    Instrumentation in the wild sends incomplete spans (B13): a span without end time,
    ...    without a name, or without a service name must be rejected with a reason (and not stored) or
    ...    stored with sane defaults — never stored with garbage such as an end before its start — and it
    ...    must not cost the valid span sent with it, nor stop later batches.
    [Tags]    plan:test_span_ingestion_with_missing_fields    policy:B13
    ${key} =    New Ingestion Key
    FOR    ${defect}    IN    missing_end_time    empty_name    missing_service_name
        Run Keyword And Continue On Failure    Span Missing A Field Should Be Rejected Or Stored With Defaults
        ...    ${defect}    ${key}
    END
