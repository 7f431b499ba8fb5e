*** Settings ***
Documentation    Security (test plan section 1): nobody gets in without a valid, live session or API key,
...              and no input reaches the databases as code.

Library          HostSharing

Suite Setup      Share The Host With Other Runs
Suite Teardown   Release The Host

Test Tags        security
