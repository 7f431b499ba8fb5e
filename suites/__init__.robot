*** Settings ***
Documentation     Acceptance suite for Junjo AI Studio compatible servers.
...
...               Each Robot (or pabot) process brings up its own target under test here: the embedded
...               reference target on free ports by default, or the deployment named by ``--variable TARGET:…``.
...               Every target the run starts is stopped at the end, also when tests fail. Once per run, the
...               span pipeline's throughput is measured: waits for spans derive from it.

Resource          ../resources/common/target.resource
Resource          ../resources/common/spans.resource

Suite Setup       Start Target And Measure Its Span Pipeline
Suite Teardown    Stop Targets Started By The Suite


*** Keywords ***
Start Target And Measure Its Span Pipeline
    [Documentation]    Starts (or attaches to) the target, then measures its Export→queryable throughput once
    ...    for the whole run (PabotLib ``Run Setup Only Once``): waits for eventual results derive from it.
    Start Target Under Test
    Run Setup Only Once    Measure Span Pipeline Throughput
