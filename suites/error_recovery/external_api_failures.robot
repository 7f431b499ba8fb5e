*** Settings ***
Documentation     Plan 4.2 — external API failures.
...
...               The LLM playground depends on OpenAI, Anthropic and Gemini. A fake provider on loopback stands
...               in for all three and misbehaves on cue — hangs, rate-limits, drops the connection, sends broken
...               JSON, fails — for model listing and for generation. Every failure must reach the user as a clear
...               error of the right status, never a 500 or a hang, and the playground must work again once the
...               provider does (B17). The target gets a ${LLM_TIMEOUT_S} s upstream timeout and no model cache,
...               so that every request reaches the fake.

Resource          ../../resources/common/target.resource
Resource          ../../resources/common/llm_provider.resource
Resource          ../../resources/error_recovery/external_api_failures.resource

Suite Setup       Start Provider Failure Target
Suite Teardown    Stop Provider Failure Target
Test Teardown     Reset Fake LLM Provider

Test Tags         priority:low    policy:B17


*** Variables ***
${LLM_TARGET}    provider-failures


*** Test Cases ***
An OpenAI Timeout Gives 504 Within The Target's Own Timeout
    [Documentation]    A provider that accepts the request and never answers must not hold the user's request
    ...    (nor a worker of the target) for ever: the target gives up after its own upstream timeout and
    ...    answers 504 in time, for model listing and for generation.
    [Tags]    plan:test_openai_api_timeout
    [Template]    Provider Timeout Should Give 504 In Time
    openai    model list
    openai    generation

An OpenAI Rate Limit Reaches The User As A Rate-Limit Error Not 500
    [Documentation]    A 429 from the provider is the provider's quota, not the target's failure: the user must
    ...    get 429 (or 503) saying the provider is rate-limiting, so they know to retry later.
    [Tags]    plan:test_openai_api_rate_limit
    [Template]    Provider Failure Should Reach The User As
    openai    model list    rate limit    429|503    rate.?limit
    openai    generation    rate limit    429|503    rate.?limit

An Anthropic Network Failure Is Reported As Provider Unavailable
    [Documentation]    A connection the provider drops or resets without an answer must reach the user as
    ...    "provider unavailable" (502/503), not as a 500 of the target.
    [Tags]    plan:test_anthropic_api_network_error
    [Template]    Provider Failure Should Reach The User As
    anthropic    model list    close connection    502|503    unavailable
    anthropic    generation    close connection    502|503    unavailable
    anthropic    model list    reset connection    502|503    unavailable
    anthropic    generation    reset connection    502|503    unavailable

A Malformed Gemini Answer Gives 502 With A Parse Error
    [Documentation]    A provider answer that is not valid JSON must be reported as a bad gateway (502) naming
    ...    the parse error — never a 500, and never an empty model list that hides the failure.
    [Tags]    plan:test_gemini_malformed_response
    [Template]    Provider Failure Should Reach The User As
    gemini    model list    malformed json    502    pars|malformed|json
    gemini    generation    malformed json    502    pars|malformed|json

A Provider Server Error Gives 502 And Never 500
    [Documentation]    A 500 of the provider is the provider's fault: the target must answer 502 (bad gateway)
    ...    saying the provider failed, so that its own 500s keep meaning a bug of the target.
    [Tags]    plan:4.2
    [Template]    Provider Failure Should Reach The User As
    openai    model list    server error    502    fail
    gemini    generation    server error    502    fail


*** Keywords ***
Start Provider Failure Target
    [Documentation]    The suite's target: the fake as every provider, a short upstream timeout, no model cache.
    Start Target Under Test
    Start Target With Fake LLM Provider    ${LLM_TARGET}    llm_timeout_s=${LLM_TIMEOUT_S}    model_cache_ttl_s=0

Stop Provider Failure Target
    [Documentation]    Stops the suite's target and the fake provider.
    Stop Target With Fake LLM Provider    ${LLM_TARGET}
    Stop Fake LLM Provider
