*** Settings ***
Documentation    Plan 1.4 — authorization.
...
...              A signed-in user reaches only their own API keys (B7); ingestion takes spans only with a
...              live, exact API key, on every OTLP service it serves (A4, B6, B8); the session cookie is an
...              opaque token a script cannot read or send cross-site (B3); and no response ever carries a
...              password hash (A2); an API key's value is shown only when it is created (B21).

Resource         ../../resources/common/target.resource
Resource         ../../resources/security/authorization.resource

Suite Setup      Start Target Under Test

Test Tags        priority:high


*** Test Cases ***
A User Can Neither See Nor Delete Another User's API Keys
    [Documentation]    API keys let their owner push data into the studio. User A must not see user B's key in
    ...    the key list nor delete it (403/404), and B's key must keep working on ingestion afterwards; B
    ...    can delete it. Skipped for targets whose profile declares no per-user key ownership (B7).
    [Tags]    plan:test_user_cannot_delete_other_users_keys    policy:B7
    Target Should Have Capability    key_ownership
    ${key} =    Key Of Another User
    Intruder Should Neither See Nor Delete The Key    ${key}
    Owner Should Still Have A Working Key    ${key}

Ingestion Refuses Every Kind Of Invalid API Key
    [Documentation]    Every OTLP service ingestion serves (``@{OTLP_SERVICES}``; one answering UNIMPLEMENTED is
    ...    not served) accepts a valid key and answers UNAUTHENTICATED to no key, an empty key, a random key,
    ...    the valid key with one character changed, added or removed or in other letter case, a 4096
    ...    character key and injection strings — a service left without the key check takes anyone's data.
    [Tags]    plan:test_grpc_requires_valid_api_key    policy:B6    policy:A4
    ${valid} =    Create API Key    key-check    by=admin
    ${services} =    Served OTLP Services    ${valid}[key]
    FOR    ${service}    IN    @{services}
        Every Kind Of Bad Key Should Be Refused By    ${service}    ${valid}[key]
    END

An API Key's Value Is Shown Only In The Answer That Creates It
    [Documentation]    An API key is a password for pushing data into the studio (B21): only the answer that
    ...    creates it may show its value. The key listing (which must list it), every other read operation of
    ...    ``/openapi.json`` and the target's own logs — after the key was used on ingestion — show at most a
    ...    short prefix of it.
    [Tags]    plan:1.4    policy:B21
    ${key} =    Create API Key    shown-once    by=admin
    ${spans} =    Build Trace    1    service=shown-once-service
    Spans Should Be Accepted    ${spans}    api_key=${key}[key]
    API Key Should Be Listed Without Its Value    ${key}
    ${answers} =    Responses Of Every Read Operation    admin
    FOR    ${answer}    IN    @{answers}
        Run Keyword And Continue On Failure
        ...    Text Should Not Reveal API Key    ${answer.text}    ${key}[key]    ${answer}
    END
    Target Logs Should Not Reveal API Key    ${key}[key]

A Deleted API Key Stops Working On Ingestion
    [Documentation]    A key deleted in the studio (leaked, or its owner left) must stop working on ingestion
    ...    within the profile's ``key_revocation_s`` — also when ingestion has it cached from recent use
    ...    (B8). The key is used, deleted, and must then be refused by every OTLP service the target serves.
    [Tags]    plan:test_grpc_requires_valid_api_key    policy:B8
    ${limit} =    Revocation Wait Should Be Bounded
    ${key} =    Create API Key    soon-revoked    by=admin
    ${services} =    Served OTLP Services    ${key}[key]
    ${answer} =    Delete API Key    ${key}[id]    by=admin
    Response Status Should Be    ${answer}    204    deleting the key
    ${deleted_at} =    Get Time    epoch
    Deleted Key Should Be Refused Within    ${services}    ${key}[key]    ${limit}    ${deleted_at}

The Session Cookie Is Opaque And Locked Down
    [Documentation]    The session cookie is the user's identity (B3): HttpOnly (no script reads it),
    ...    SameSite=Strict (no cross-site request sends it), Path=/, a bounded Max-Age, Secure in production
    ...    mode; and it is an opaque token — decoding it reveals neither the email, nor the user id, nor
    ...    any session field.
    [Tags]    plan:1.4    policy:B3
    ${user} =    Create Test User    cookie-owner
    ${answer} =    Sign In    ${user}[email]    ${user}[password]    by=cookie-browser
    Response Status Should Be    ${answer}    200    signing in
    Session Cookie Should Be Locked Down    ${answer}    max_age=${SESSION_COOKIE_MAX_AGE_S}
    ${user_id} =    Signed-In User Id    ${user}[email]
    Session Cookie Should Reveal Nothing    ${answer}    ${user}[email]    ${user_id}
    Session Cookie Should Be Secure In Production Mode

Password Hashes Never Appear In Any Response
    [Documentation]    A leaked bcrypt hash can be cracked offline. No answer — sign-in, the signed-in user's
    ...    profile, the user list, an error about an existing user, every read operation of
    ...    ``/openapi.json`` as an ordinary user and as the admin — may carry a password hash or a field
    ...    named like ``password`` (A2).
    [Tags]    plan:1.4    policy:A2
    ${user} =    Create Test User    hash-hunter
    ${signed_in} =    Sign In    ${user}[email]    ${user}[password]    by=hash-hunter
    ${duplicate} =    Create User    ${user}[email]    ${user}[password]    by=admin
    ${first} =    Create First User    ${user}[email]    ${user}[password]
    ${as_user} =    Responses Of Every Read Operation    hash-hunter
    ${as_admin} =    Responses Of Every Read Operation    admin
    VAR    @{direct} =    ${signed_in}    ${duplicate}    ${first}
    ${answers} =    Combine Lists    ${direct}    ${as_user}    ${as_admin}
    No Response Should Reveal A Password Hash    ${answers}
