*** Settings ***
Documentation    Plan 1.1 — SQL injection protection.
...
...              Every value a client controls reaches a database: the API key (SQLite, through ingestion's
...              key check), emails (SQLite), trace and span ids and service names (DuckDB), API-key names
...              and ids (SQLite). Injection strings in each of them must be treated as data: refused or
...              stored verbatim, never executed — no rows of other tables, no 5xx, tables and row counts
...              unchanged (B9). Database inspection checks the files themselves, not only the answers.

Resource         ../../resources/common/target.resource
Resource         ../../resources/security/sql_injection.resource

Suite Setup      Start Target Under Test

Test Tags        priority:medium    policy:B9


*** Test Cases ***
Injection Strings As API Key Are Refused And Leave Keys Intact
    [Documentation]    Ingestion looks every API key up in the backend's database. An injection string as key
    ...    must get UNAUTHENTICATED — not OK (the string matched keys) and not UNAVAILABLE (it broke the
    ...    query) — while a real key keeps working, and ``api_keys`` keeps exactly the rows it had.
    [Tags]    plan:test_api_key_lookup_sql_injection
    ${valid} =    Create API Key    injection-control    by=admin
    ${before} =    API Key Ids In Database
    @{strings} =    Hostile Strings    sql injection
    FOR    ${string}    IN    @{strings}
        Run Keyword And Continue On Failure    Injection String As API Key Should Be Refused    ${string}
    END
    ${control} =    Build Trace    2    service=key-injection-control
    Spans Should Be Accepted    ${control}    api_key=${valid}[key]
    API Key Table Should Still Hold    ${before}

Injection-Shaped Emails Never Open A Session And Are Stored Verbatim
    [Documentation]    Sign-in and user creation take the email from the client. ``admin'--``, ``' OR '1'='1``
    ...    and friends (also glued to the admin's real address, with its real password) are no address:
    ...    401/422 and never a session cookie. Addresses that are valid but carry SQL (``o'brien@…``,
    ...    ``x'||'y@…``) must be accepted, listed and stored exactly as typed, and work for signing in; the
    ...    ``users`` table gains exactly those rows.
    [Tags]    plan:test_user_email_sql_injection
    ${before} =    User Count In Database
    Emails That Are No Address Should Open No Session
    Injection Glued To The Admin Address Should Open No Session
    ${created} =    Addresses Carrying SQL Should Be Stored Verbatim
    User Count Should Have Grown By    ${before}    ${created}

Injection Strings As Trace And Span Ids Return Nothing Of Other Rows
    [Documentation]    The trace and span endpoints take ids and service names from the URL path. With a known
    ...    trace stored, every injection string as trace id, span id or service name must give a 4xx or an
    ...    empty answer (``' OR '1'='1`` built into the query would return every span), never a 5xx; the
    ...    stored spans are all still there, once each.
    [Tags]    plan:test_span_query_sql_injection
    ${stored} =    Trace With Known Spans Is Stored
    @{strings} =    Hostile Strings    sql injection
    FOR    ${string}    IN    @{strings}
        Run Keyword And Continue On Failure    Span Lookup With Injected Ids Should Find Nothing    ${string}
        ...    ${stored}[0]
    END
    Spans Should Be Queryable Now    ${stored}
    Spans Should Be Stored Once    ${stored}

Injected Key Names Stay Verbatim And Injected Key Ids Delete Nothing
    [Documentation]    Key names are stored and shown; key ids arrive in the URL of ``DELETE /api_keys/{id}``.
    ...    Injection strings as names must come back and sit in the database exactly as sent; as ids they
    ...    must delete nothing (404) — a delete built by string formatting would remove the caller's keys.
    [Tags]    plan:1.1
    @{strings} =    Hostile Strings    sql injection
    ${ids} =    API Keys With Injected Names Are Created    ${strings}
    ${rows} =    API Key Ids In Database
    FOR    ${string}    IN    @{strings}
        Run Keyword And Continue On Failure    Deleting A Key With Injected Id Should Delete Nothing    ${string}
    END
    API Keys Should Still Be Listed    ${ids}
    API Key Table Should Still Hold    ${rows}
