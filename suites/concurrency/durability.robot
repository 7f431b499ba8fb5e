*** Settings ***
Documentation    Plan 2.2 under failure — nothing acknowledged is lost when a process dies (B11, B19).
...
...              An ``Export`` answered OK is a promise: the client drops its copy of those spans. A process
...              killed by the OOM killer or a node failure (``kill -9``: no shutdown code runs) at any moment
...              of a sustained send must not break it. Each test runs on its own disposable target, kills one
...              process after a random number of acknowledged Exports, restarts it, lets the send go on,
...              and then demands every acknowledged span stored exactly once with every field intact.

Resource         ../../resources/common/target.resource
Resource         ../../resources/concurrency/durability.resource

Suite Setup      Start Target Under Test

Test Tags        plan:2.2    priority:medium    policy:B11    slow


*** Test Cases ***
Acknowledged Spans Survive A Kill Of Ingestion During A Sustained Send
    [Documentation]    Ingestion is killed with SIGKILL while a sender keeps exporting, then restarted on the same
    ...    files. Exports during the outage fail (the client keeps those spans); every Export acknowledged
    ...    before or after the kill must be stored exactly once, intact — in particular those acknowledged
    ...    just before the kill, which only a WAL made durable before the answer keeps (B11).
    ${service} =    Start Sustained Send On A Fresh Target    durable-ingestion
    Kill And Restart Ingestion During The Send    durable-ingestion
    ${outcomes} =    Stop Background Keyword    sender
    Every Acknowledged Span Should Be Stored Exactly Once    ${outcomes}    ${service}    durable-ingestion
    [Teardown]    Stop Sustained Send And Its Target    durable-ingestion

Acknowledged Spans Survive A Backend Kill During A Sustained Send
    [Documentation]    The backend is killed with SIGKILL while a sender keeps exporting. Ingestion must keep
    ...    acknowledging with the key it has cached (B19); after the backend's restart it must catch up, and
    ...    every acknowledged span — before, during and after the outage — must be stored exactly once,
    ...    intact (B11): spans the backend had read but not yet committed must be read again.
    [Tags]    policy:B19
    ${service} =    Start Sustained Send On A Fresh Target    durable-backend
    Kill And Restart The Backend During The Send    durable-backend
    ${outcomes} =    Stop Background Keyword    sender
    All Calls Should Have Succeeded    ${outcomes}    policy=B19: no Export may fail while only the backend is down
    Every Acknowledged Span Should Be Stored Exactly Once    ${outcomes}    ${service}    durable-backend
    [Teardown]    Stop Sustained Send And Its Target    durable-backend

Spans Behind A Saved Cursor Survive A Backend Kill At That Point
    [Documentation]    Crash ordering at a controlled point, not by chance: the backend stops itself (its fault
    ...    hook ``pause_at``) right after it stored its read cursor, and is killed there with SIGKILL, then
    ...    restarted. Every span the cursor has passed must be stored once (B11): a target that moves its
    ...    cursor before the spans are durable in the span store loses them on every such crash. Needs a
    ...    target with fault hooks (capability ``fault_hooks``).
    [Setup]    Start Target That Pauses At    crash-point    poller.cursor_saved
    ${spans} =    Send A Trace Until The Backend Pauses    crash-point
    Kill The Paused Backend And Restart It    crash-point
    Spans Behind The Cursor Should Be Stored    ${spans}    crash-point
    [Teardown]    Stop Fresh Target    crash-point
