*** Settings ***
Documentation    Concurrency (test plan section 2): many clients and services at once, and processes killed
...              in the middle of a send. Every assertion compares what was sent with what the target
...              stored — through the HTTP API and by inspecting its databases — because this is where a
...              server silently loses, duplicates or corrupts data (policies B4, B11, B12, B19).

Library          HostSharing

Suite Setup      Share The Host With Other Runs
Suite Teardown   Release The Host

Test Tags        concurrency
