*** Settings ***
Documentation    Plan 2.1 — API-key race conditions.
...
...              API keys are created from scripts and CI pipelines, often many at once. Under concurrent
...              creation every key must be unique (a duplicate key would let one service's spans pass as
...              another's), and deleting keys while they are read or used must never crash the server.

Resource         ../../resources/common/target.resource
Resource         ../../resources/concurrency/api_key_races.resource

Suite Setup      Start Target Under Test

Test Tags        priority:high


*** Test Cases ***
Concurrent API Key Creations All Get Distinct Ids And Keys
    [Documentation]    ${KEY_RACE_SIZE} simultaneous key creations must all succeed with ${KEY_RACE_SIZE} distinct ids
    ...    and keys — in the answers, in ``GET /api_keys`` and in the ``api_keys`` table — validating nanoid
    ...    uniqueness under load and the isolation of the inserts.
    [Tags]    plan:test_concurrent_api_key_creation    policy:A6
    ${label} =    Unique Label    key-race
    ${created} =    API Keys Created At Once Should All Be Distinct    ${KEY_RACE_SIZE}    ${label}
    API Key Listing Should Show Each Created Key Once    ${created}    ${label}
    Stored API Keys Should Be Distinct    ${label}    ${KEY_RACE_SIZE}

Deleting API Keys While They Are Read And Used Never Fails
    [Documentation]    While keys are deleted (each twice at once), other clients list keys and send spans with
    ...    them. Readers may see a key or not see it — but nobody may get a 5xx: each key is removed exactly
    ...    once (one 204, one 404), listings answer 200, and ingestion answers OK or UNAUTHENTICATED.
    [Tags]    plan:test_concurrent_key_delete_and_read    policy:A2
    ${label} =    Unique Label    delete-race
    ${created} =    API Keys Created At Once Should All Be Distinct    ${KEYS_DELETED_WHILE_READ}    ${label}
    ${outcomes} =    Delete And Use API Keys At Once    ${created}    service=${label}
    Each API Key Should Have Been Deleted Exactly Once    ${outcomes}    ${KEYS_DELETED_WHILE_READ}
    Readers Should Never Have Failed    ${outcomes}
    API Keys Should Be Gone    ${label}

The Store Itself Refuses Duplicate API Keys
    [Documentation]    The last line of defence against a duplicate key is the database: on a disposable target,
    ...    keys created at once are distinct, and a second row carrying an existing key — what a colliding
    ...    generator would produce — must be refused by the unique constraint of ``api_keys``; the API then
    ...    still lists every key once.
    [Tags]    plan:test_concurrent_duplicate_key_prevention    policy:A6
    [Setup]    Start Fresh Target    duplicate-keys
    ${label} =    Unique Label    duplicate
    Admin Should Be Signed In
    ${created} =    API Keys Created At Once Should All Be Distinct    ${2}    ${label}
    VAR    ${first} =    ${created}[0][result]
    Duplicate API Key Insert Should Be Refused By The Store    ${first}[id]    target=duplicate-keys
    API Key Listing Should Show Each Created Key Once    ${created}    ${label}
    Stored API Keys Should Be Distinct    ${label}    ${2}    target=duplicate-keys
    [Teardown]    Stop Fresh Target    duplicate-keys
