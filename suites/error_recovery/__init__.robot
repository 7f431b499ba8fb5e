*** Settings ***
Documentation    Error recovery (test plan section 4): databases locked, held and corrupted, providers that
...              hang or fail, processes killed or frozen — faults injected for real into disposable targets.
...              The target must fail clearly (a retryable 503, a 504 within its own timeout, never a 500 or a
...              hang), keep serving what does not depend on the fault, and lose nothing once it is gone.

Library          HostSharing

Suite Setup      Share The Host With Other Runs
Suite Teardown   Release The Host

Test Tags        error_recovery
