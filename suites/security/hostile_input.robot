*** Settings ***
Documentation     Beyond the plan's three strings: no input of any kind breaks any endpoint (B9).
...
...               Driven by the target's ``/openapi.json``: every operation, every path and query parameter,
...               every body field and the body as a whole gets a fixed corpus of hostile values — injection
...               strings, markup, very long strings, unicode edge cases, wrong JSON types, malformed JSON,
...               wrong content types, a 16 MiB body, over-long passwords — and then requests schemathesis
...               generates from the schema with a fixed seed. No request may get a 5xx or no answer; each
...               one that does is reported with method, path, body and status for replay (log and JSON file
...               beside ``output.xml``). The sweep runs on a fresh target of its own and is bounded in
...               requests and time; both are measured and logged.

Resource          ../../resources/common/target.resource
Resource          ../../resources/security/hostile_input.resource
Resource          ../../resources/security/shared.resource

Suite Setup       Run Keywords    Start Target Under Test    AND    Start Sweep Target
Suite Teardown    Stop Sweep Target

Test Tags         plan:1.1    priority:medium    policy:B9


*** Test Cases ***
No Hostile Input Makes Any Endpoint Answer 5xx
    [Documentation]    A release reviewer needs to know that no input breaks the server, not only the plan's
    ...    three strings. The fixed corpus goes to every slot of every operation, the rest of each request
    ...    kept valid so the value reaches the code behind validation; protected operations are sent signed
    ...    in. Every answer must be below 500 (upstream errors of the LLM playground aside, B17), and the
    ...    target must be healthy afterwards.
    [Tags]    slow
    ${summary} =    Sweep Every Operation With Hostile Input    ${SWEEP_TARGET}[http_url]    ${SWEEPER}
    ...    ${GUARDIAN}    ${PUBLIC_PATHS}    upstream_prefixes=${UPSTREAM_OPERATION_PREFIXES}
    ...    max_requests=${SWEEP_MAX_REQUESTS}    max_seconds=${SWEEP_MAX_SECONDS}
    Sweep Summary Should Be Logged    ${summary}    Hostile-input corpus
    Sweep Should Have Found No Offending Request    ${summary}
    Target Should Have Survived The Sweep
    [Teardown]    Sign Admin In Again After A Sweep

Property-Based Requests From The OpenAPI Document Never Get A 5xx
    [Documentation]    The corpus only holds what someone thought of. schemathesis draws further requests from
    ...    the schema — ${GENERATED_EXAMPLES} that fit it and ${GENERATED_EXAMPLES} that break it per operation,
    ...    from seed ${GENERATED_SEED}, so every run sends the same ones — and none may get a 5xx.
    [Tags]    slow
    ${summary} =    Sweep Every Operation With Generated Input    ${SWEEP_TARGET}[http_url]    ${SWEEPER}
    ...    ${GUARDIAN}    ${PUBLIC_PATHS}    examples=${GENERATED_EXAMPLES}    seed=${GENERATED_SEED}
    ...    upstream_prefixes=${UPSTREAM_OPERATION_PREFIXES}    max_requests=${SWEEP_MAX_REQUESTS}
    ...    max_seconds=${SWEEP_MAX_SECONDS}
    Sweep Summary Should Be Logged    ${summary}    Generated requests
    Sweep Should Have Found No Offending Request    ${summary}
    Target Should Have Survived The Sweep
    [Teardown]    Sign Admin In Again After A Sweep

An Over-Long Password Is Refused With A Client Error
    [Documentation]    bcrypt takes at most 72 bytes; bcrypt 5 raises past that. Passwords over the limit —
    ...    also 25 euro signs, which are 25 characters but 75 bytes — must be refused with 4xx wherever a
    ...    password goes in (first user, new user, sign-in), never with a 500, and no user is created.
    ${passwords} =    Over-Long Passwords
    ${victim} =    Create Test User    long-password
    FOR    ${label}    ${password}    IN    &{passwords}
        Run Keyword And Continue On Failure    Over-Long Password Should Be Refused    ${label}    ${password}
        ...    ${victim}[email]
    END


*** Keywords ***
Over-Long Password Should Be Refused
    [Documentation]    ``password`` (described by ``label``) on create-first-user, user creation and sign-in:
    ...    each answer is a 4xx, and the would-be user does not exist.
    [Arguments]    ${label}    ${password}    ${existing}
    ${email} =    New Email    long-password
    ${first} =    Create First User    ${email}    ${password}
    Response Status Should Be    ${first}    400|422    B9: create-first-user with a password of ${label}
    ${created} =    Create User    ${email}    ${password}    by=admin
    Response Status Should Be    ${created}    422    B9: creating a user with a password of ${label}
    ${signed_in} =    Sign In    ${existing}    ${password}    by=long-password-guesser
    Response Status Should Be    ${signed_in}    401|422|429    B9: signing in with a password of ${label}
    ${emails} =    Emails Of Users
    List Should Not Contain Value    ${emails}    ${email}    B9: a user with a password of ${label} was created
