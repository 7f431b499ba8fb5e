*** Settings ***
Documentation     Plan 3.2 — the model-list cache under load (B16).
...
...               The playground's model list is fetched from the provider and kept in memory. A crowd of readers
...               must cost the provider one call: when the list is missing, when it expires under load (no
...               stampede), and a refresh while readers read must give each of them the old or the new list —
...               never an error, never an empty list. A fake provider on loopback answers slowly on purpose (so
...               the readers overlap its answer) and counts every upstream call. Each test gets a fresh target.

Resource          ../../resources/common/target.resource
Resource          ../../resources/common/llm_provider.resource
Resource          ../../resources/performance/cache_load.resource

Suite Setup       Start Target Under Test
Suite Teardown    Stop Fake LLM Provider
Test Teardown     Stop Target With Fake LLM Provider    model-cache

Test Tags         priority:low    policy:B16


*** Test Cases ***
100 Concurrent Model-List Readers Cause One Upstream Call
    [Documentation]    Provider APIs are slow, rate-limited and billed: ${CACHE_READERS} users opening the
    ...    playground at once must cost one model-list call, not one each. The list is not cached yet and the
    ...    provider takes ${UPSTREAM_DELAY_S} s to answer; a second crowd then reads the cached list.
    [Tags]    plan:test_models_cache_concurrent_access    slow
    [Setup]    Start Target With Fake LLM Provider    model-cache
    Set Fake Provider Models    openai    @{OLD_MODELS}
    Set Fake Provider Behaviour    openai    answer    delay=${UPSTREAM_DELAY_S}
    ${cold} =    Read Model Lists Concurrently    cold_cache_readers    ${CACHE_READERS}
    Every Reader Should Have Got One Of The Lists    ${cold}    B16    ${OLD_MODELS}
    Fake Provider Should Have Received    openai    1
    ...    policy=B16: ${CACHE_READERS} concurrent readers of an uncached model list must cause one upstream call
    ${warm} =    Read Model Lists Concurrently    warm_cache_readers    ${CACHE_READERS}
    Every Reader Should Have Got One Of The Lists    ${warm}    B16    ${OLD_MODELS}
    Fake Provider Should Have Received    openai    1
    ...    policy=B16: readers of a cached model list must not call the provider

An Expired Model List Under Load Is Refreshed By One Upstream Call
    [Documentation]    When the cached list expires while ${CACHE_READERS} readers want it, exactly one of
    ...    them may go to the provider (no thundering herd); the others wait for that answer. The target's
    ...    list lives ${SHORT_MODEL_CACHE_TTL_S} s here; every reader must get a list (old or new), none an error.
    [Tags]    plan:test_cache_thundering_herd    slow
    [Setup]    Start Target With Fake LLM Provider    model-cache    model_cache_ttl_s=${SHORT_MODEL_CACHE_TTL_S}
    ${ttl} =    Target Setting    model_cache_ttl_s    model-cache
    The Model Cache Holds The Old List And The Provider Has A New One
    Set Fake Provider Behaviour    openai    answer    delay=${UPSTREAM_DELAY_S}
    Wait Until The Model List Has Expired    ${ttl}
    ${herd} =    Read Model Lists Concurrently    expired_cache_readers    ${CACHE_READERS}
    Every Reader Should Have Got One Of The Lists    ${herd}    B16    ${OLD_MODELS}    ${NEW_MODELS}
    Fake Provider Should Have Received    openai    2
    ...    policy=B16: when the cached list expires under load, exactly one upstream refresh may happen
    Model List Should Be    openai    ${NEW_MODELS}    B16: after the refresh the new list is served

Readers During A Model-List Refresh Get The Old Or New List
    [Documentation]    A refresh (``POST .../models/refresh``) must replace the cached list in one step: while
    ...    the provider is still answering it, ${CACHE_READERS} readers keep getting the old list — never an
    ...    error, never an empty list — and do not call the provider themselves; afterwards the new list is
    ...    served.
    [Tags]    plan:test_cache_invalidation_under_load
    [Setup]    Start Target With Fake LLM Provider    model-cache
    The Model Cache Holds The Old List And The Provider Has A New One
    Set Fake Provider Behaviour    openai    hold
    Start Model-List Refresh In Background    openai
    Wait Until Keyword Succeeds    10s    0.05s    Fake Provider Should Have Received    openai    2
    ${readers} =    Read Model Lists Concurrently    readers_during_refresh    ${CACHE_READERS}
    Release Held Fake Provider Requests
    Model-List Refresh Should Have Succeeded
    Every Reader Should Have Got One Of The Lists    ${readers}    B16    ${OLD_MODELS}    ${NEW_MODELS}
    Fake Provider Should Have Received    openai    2
    ...    policy=B16: readers during a refresh must be served from the cache, not call the provider
    Model List Should Be    openai    ${NEW_MODELS}    B16: after the refresh the new list is served
