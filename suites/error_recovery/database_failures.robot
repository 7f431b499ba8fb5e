*** Settings ***
Documentation     Plan 4.1 — database connection failures.
...
...               The span store made unavailable, a malformed span inside a batch, every worker busy on a locked
...               database, SQLite locked past its busy timeout: requests must fail with a clear, retryable error
...               or wait, succeed once the fault is gone, and nothing written before may be lost. The tests run
...               on a fresh, disposable target with a short SQLite busy timeout and span-store lock wait.

Resource          ../../resources/common/target.resource
Resource          ../../resources/error_recovery/database_failures.resource

Suite Setup       Start Database Fault Target
Suite Teardown    Stop Disposable Target    ${DB_TARGET}
Test Teardown     Undo All Faults

Test Tags         priority:high


*** Variables ***
${DB_TARGET}    database-faults


*** Test Cases ***
A Span Store Outage Gives Retryable Query Errors And Loses Nothing
    [Documentation]    A database can be out of reach for a while — held by another process (a backup, an
    ...    inspector), or unreadable. Meanwhile span queries must fail with a clear, retryable 503 naming the
    ...    span store (never an empty result or a hang), ingestion must keep acknowledging, and once the
    ...    store is back every span — sent before and during the outage — must be queryable, stored once.
    [Tags]    plan:test_database_connection_retry    policy:B11    slow
    [Template]    Span Store Outage Should Be Survived
    held by another process    ${DB_TARGET}
    unreadable    ${DB_TARGET}

A Batch With One Malformed Span Keeps Its Valid Spans And Never Blocks
    [Documentation]    One bad span from one misbehaving client must not cost the good spans sent with it (B13).
    ...    For every kind of malformed span, in the middle of ${PARTIAL_BATCH_VALID_SPANS} valid ones: the
    ...    valid spans are stored, the bad one is rejected and counted in ``partial_success``, and the next
    ...    batch flows.
    [Tags]    plan:test_partial_batch_failure    policy:B13    slow
    ${key} =    New Ingestion Key
    ${defects} =    Malformed Span Defects
    FOR    ${defect}    IN    @{defects}
        Run Keyword And Continue On Failure    Batch With One Malformed Span Should Keep The Valid Ones
        ...    ${defect}    ${key}    ${DB_TARGET}
    END

Requests Queue While Every Database Connection Is Busy Then Succeed
    [Documentation]    When all workers and their database connections are busy, further requests must queue
    ...    and succeed once they are released, not fail. The suite holds SQLite's write lock for
    ...    ${POOL_LOCK_HOLD_S} s (shorter than the ${SQLITE_BUSY_TIMEOUT_S} s busy timeout) while
    ...    ${POOL_WRITERS} clients create API keys at once, occupying every worker: each request must succeed
    ...    and each key be stored.
    [Tags]    plan:test_database_pool_exhaustion    policy:B18
    ${prefix} =    Unique Label    pool
    Hold SQLite Write Lock    target=${DB_TARGET}    release_after=${POOL_LOCK_HOLD_S}
    ${outcomes} =    Run Keyword Concurrently    ${POOL_WRITERS}    Create API Key    ${prefix}-{index}    by=admin
    Writes Should Have Queued And Succeeded    ${outcomes}    ${prefix}

Writes Past The Busy Timeout Get A Retryable 503 And Lose Nothing
    [Documentation]    A long transaction of another process (a migration, a backup) must not turn into 500s
    ...    or hung requests (B18): a write that cannot get the lock within the busy timeout gets 503 with
    ...    ``Retry-After``; reading sessions still works; once the lock is released writes work again, what
    ...    was written before is still there, and the refused write left no trace.
    [Tags]    plan:test_sqlite_locked_database    policy:B18
    ${before} =    Create API Key    written-before-the-lock    by=admin
    Hold SQLite Write Lock    target=${DB_TARGET}
    Write During The Lock Should Get A Retryable 503    refused-during-the-lock
    Session Should Be Valid    by=admin    policy=B18: reading sessions must not need the write lock
    Release SQLite Write Lock    target=${DB_TARGET}
    Writes Around The Lock Should Be Kept And The Refused One Absent    ${before}    refused-during-the-lock


*** Keywords ***
Start Database Fault Target
    [Documentation]    The suite's disposable target: a short SQLite busy timeout and span-store lock wait, so a
    ...    held lock gives its error in seconds.
    Start Target Under Test
    Start Disposable Target    ${DB_TARGET}    sqlite_busy_timeout_s=${SQLITE_BUSY_TIMEOUT_S}
    ...    duckdb_lock_wait_s=${SPAN_STORE_LOCK_WAIT_S}
