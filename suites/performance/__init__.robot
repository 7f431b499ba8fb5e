*** Settings ***
Documentation    Performance (test plan section 3): large batches, the model-list cache under load, the
...              database under load. Every test measures and logs its figures; thresholds are variables.
...              Run these suites alone (not beside the parallel suites), so their numbers mean something.

Library          HostSharing

Suite Setup      Take The Host For Measurements
Suite Teardown   Release The Host

Test Tags        performance    slow
