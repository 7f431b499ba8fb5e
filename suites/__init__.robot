*** Settings ***
Documentation     Acceptance suite for Junjo AI Studio compatible servers.
...
...               Each Robot (or pabot) process brings up its own target under test here: the embedded
...               reference target on free ports by default, or the deployment named by ``--variable TARGET:…``.
...               Every target the run starts is stopped at the end, also when tests fail.

Resource          ../resources/target.resource

Suite Setup       Start Target Under Test
Suite Teardown    Stop Targets Started By The Suite
