*** Settings ***
Documentation    Plan 2.3 — session races.
...
...              Real users have several devices and tabs: they sign in from all of them at once and click
...              "sign out" twice. Every sign-in must get its own session, and a doubled sign-out must neither
...              fail nor leave the session alive.

Resource         ../../resources/common/target.resource
Resource         ../../resources/concurrency/session_races.resource

Suite Setup      Start Target Under Test

Test Tags        priority:medium    policy:B1


*** Test Cases ***
Concurrent Sign-Ins Of One User Get Distinct Valid Sessions
    [Documentation]    ${SIGN_IN_RACE_SIZE} simultaneous sign-ins of the same user must all succeed, each with its
    ...    own session: distinct cookies, each accepted, and signing out one of them leaves the others
    ...    valid (B1) — a server that keyed sessions by user would let the sessions overwrite each other.
    [Tags]    plan:test_concurrent_sign_in_same_user
    ${user} =    Create Test User    many-tabs
    ${tabs} =    Unique Label    tab
    ${answers} =    Run Keyword Concurrently    ${SIGN_IN_RACE_SIZE}    Sign In    ${user}[email]    ${user}[password]
    ...    by=${tabs}-{index}
    Response Statuses Should Be
    ...    ${answers}
    ...    200
    ...    policy=A2: concurrent sign-ins with the right password must succeed
    Sessions Of Clients Should Be Distinct And Valid    ${tabs}    ${SIGN_IN_RACE_SIZE}
    Signing Out One Client Should Leave The Others Signed In    ${tabs}    ${SIGN_IN_RACE_SIZE}

Two Concurrent Sign-Outs Of One Session Both Succeed And Revoke It
    [Documentation]    Two tabs sign out the same session at the same instant: both must answer 200 (sign-out is
    ...    idempotent; one 401 would also be acceptable), never a 5xx, and afterwards the session must be
    ...    revoked on the server (B1): a replayed copy of the cookie gets 401.
    [Tags]    plan:test_concurrent_sign_out_same_session
    ${user} =    Create Test User    double-sign-out
    ${tabs} =    Unique Label    sign-out-tab
    Sign In On Device    ${user}    ${tabs}-browser
    ${cookie} =    Session Cookie Of    ${tabs}-browser
    Clients Should Present The Same Session    ${tabs}    2    ${cookie}
    ${answers} =    Run Keyword Concurrently    2    Sign Out    by=${tabs}-{index}
    No Call Should Have Answered A Server Error    ${answers}    policy=A2: a doubled sign-out must never fail
    Response Statuses Should Be    ${answers}    200|401    policy=A2: concurrent sign-outs must answer 200 (or 401)
    Present Session Cookie    ${tabs}-replay    ${cookie}
    Session Should Be Refused    by=${tabs}-replay    policy=B1: a session signed out twice at once must be revoked
