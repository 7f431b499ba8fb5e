*** Settings ***
Documentation    Plan 2.2 with a real client — the ``junjo`` library from PyPI, in both telemetry formats.
...
...              The suite's own span builder could share a misunderstanding with the server it checks. Here
...              the spans come from the real client: an application built with the current ``junjo``
...              release runs its workflows concurrently and exports them with ``JunjoOtelExporter``. The
...              workflow span, the node spans and the state patches must all arrive and match the
...              workflow's state changes. Traces in the older telemetry format (``junjo.id``,
...              ``junjo.parent_id``), still sent by older releases, must be understood as well (contract A6).

Resource         ../../resources/common/target.resource
Resource         ../../resources/concurrency/junjo_client.resource

Suite Setup      Start Target Under Test

Test Tags        plan:2.2    priority:medium    policy:B11


*** Test Cases ***
Junjo Client Workflow Runs Arrive With Node Spans And State Patches
    [Documentation]    ${CLIENT_WORKFLOW_RUNS} runs of a junjo workflow (a node, three nodes run concurrently, a
    ...    summarising node) executed at once by the real client and exported with ``JunjoOtelExporter``: every
    ...    span the client finished must be stored once, every field intact, junjo columns filled from the
    ...    telemetry contract the target reads; every state patch stored once; and replaying each run's stored
    ...    patches on its start state must give the final state the client computed.
    [Tags]    slow
    ${label} =    Unique Label    junjo-client
    ${key} =    Create API Key    ${label}    by=admin
    ${target} =    Target
    ${client} =    Run Junjo Workflows    ${target}[otlp_address]    ${key}[key]    service=${label}
    ...    runs=${CLIENT_WORKFLOW_RUNS}
    ${sent} =    Sent Spans As The Target Reads Them    ${client}[spans]
    Spans Of Service Should Be Exactly The Sent Ones    ${label}    ${sent}
    Span Store Should Hold Exactly The Sent Spans    ${sent}    ${label}
    ${workflows} =    Get Service Spans    ${label}    by=admin    kind=workflows
    Length Should Be    ${workflows}    ${CLIENT_WORKFLOW_RUNS}
    ...    A6: /workflows must list each of the ${CLIENT_WORKFLOW_RUNS} workflow runs of the junjo client
    FOR    ${workflow}    IN    @{workflows}
        Stored Patches Should Replay The Run    ${workflow}    ${sent}    ${client}[final_states]
    END

A Trace In The Older Telemetry Format Is Stored With Its Junjo Columns
    [Documentation]    A workflow run built by hand in the older junjo telemetry format — ``junjo.id``,
    ...    ``junjo.parent_id``, ``junjo.workflow.graph_structure`` — must be stored with its junjo columns filled
    ...    from those attributes, listed as a workflow, and its state patches stored once and replayable.
    ${label} =    Unique Label    legacy-format
    ${key} =    Create API Key    ${label}    by=admin
    ${run} =    Build Workflow Trace    nodes=3    service=${label}    telemetry_version=1
    Spans Should Be Accepted    ${run}    api_key=${key}[key]
    Spans Of Service Should Be Exactly The Sent Ones    ${label}    ${run}
    Span Store Should Hold Exactly The Sent Spans    ${run}    ${label}
    ${workflows} =    Get Service Spans    ${label}    by=admin    kind=workflows
    Length Should Be    ${workflows}    1    A6: /workflows must list the workflow span of the older format
    VAR    @{final_states} =    ${run}[0][junjo_wf_state_end]
    Stored Patches Should Replay The Run    ${workflows}[0]    ${run}    ${final_states}
