*** Settings ***
Documentation    Plan 1.2 — XSS protection.
...
...              The studio shows key names, user emails and span data in a browser. Markup stored there must
...              come back as data: a JSON string, byte for byte what was sent, in a response served as
...              ``application/json`` (B10). "Sanitising" on input is a failure too: what a user typed must not
...              change. The hardening header ``X-Content-Type-Options: nosniff`` is checked by a test of its own,
...              so a missing header never reads as stored XSS.

Resource         ../../resources/common/target.resource
Resource         ../../resources/security/xss.resource

Suite Setup      Start Target Under Test

Test Tags        priority:low    policy:B10


*** Test Cases ***
Markup In API Key Names Is Stored And Returned Byte For Byte
    [Documentation]    ``<script>alert('xss')</script>`` and other markup as key names: the create answer, the
    ...    key list and the database all hold each name exactly as sent, and the answers are JSON.
    [Tags]    plan:test_api_key_name_xss
    @{markups} =    Hostile Strings    markup
    FOR    ${markup}    IN    @{markups}
        Run Keyword And Continue On Failure    Key Name Should Come Back Byte For Byte    ${markup}
    END

Markup In Span And Event Attributes Is Returned As Escaped JSON
    [Documentation]    Span attributes are rendered by the studio's trace view. A span whose attributes, event
    ...    attributes, name and status message carry ``<img src=x onerror=alert(1)>`` and friends is read
    ...    back through the trace and span endpoints as JSON, every value byte for byte, and is
    ...    stored so in the span store.
    [Tags]    plan:test_span_attributes_xss
    @{markups} =    Hostile Strings    markup
    ${span} =    Span With Markup Everywhere    ${markups}
    ${key} =    Create API Key    xss-spans    by=admin
    Spans Should Be Accepted    ${span}    api_key=${key}[key]
    VAR    @{spans} =    ${span}
    Spans Should Become Queryable    ${spans}
    Span Lookups Should Return The Sent Span    ${span}
    Stored Span Should Match The Sent One    ${span}

Markup Characters In User Emails Come Back Byte For Byte
    [Documentation]    User fields reach the browser too. Addresses may legally hold ``'``, ``&``, ``=``, ``{`` and
    ...    backticks: such users are created, listed as JSON and stored byte for byte. Markup that
    ...    is no address (``<script>…@…``) is refused with 422 and stored nowhere.
    [Tags]    plan:1.2
    @{valid} =    Hostile Strings    email markup
    FOR    ${template}    IN    @{valid}
        Run Keyword And Continue On Failure    User With Markup In Email Should Come Back Byte For Byte    ${template}
    END
    @{invalid} =    Hostile Strings    email script
    FOR    ${email}    IN    @{invalid}
        Run Keyword And Continue On Failure    Markup That Is No Address Should Be Refused    ${email}
    END

Every Kind Of Answer Carries The Nosniff Hardening Header
    [Documentation]    Defence in depth for the studio's browser: ``X-Content-Type-Options: nosniff`` on every
    ...    kind of answer (a listing, a created key, a span read, a refusal, a validation error) stops a browser
    ...    from sniffing a JSON body as HTML. A hardening gap, not stored XSS: it has this test of its own (B10),
    ...    and every answer without the header is named at once.
    [Tags]    plan:1.2
    @{answers} =    Answers Of Every Kind
    Responses Should Carry Nosniff    ${answers}
