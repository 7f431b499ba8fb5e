"""API-key names are HTML-escaped before they are stored ("sanitised on input").

Models the well-meant XSS fix ``name = html.escape(name)`` in the create endpoint: ``<script>`` is stored
as ``&lt;script&gt;``, a quote as ``&#x27;``, so every client gets back something other than what it sent
(and a client that escapes on output, as it must, shows ``&amp;lt;``). Breaks policy B10 (stored markup
comes back as an escaped JSON string, byte-for-byte equal to what was sent).
"""

PROCESS = "backend"
POLICY = "B10"
CAUGHT_BY = ["Markup In API Key Names Is Stored And Returned Byte For Byte"]
FAILS_WITH = r"the key name .* came back as .*&lt;"


def apply():
    import html

    from sut.backend import api_keys

    correct = api_keys.create_key

    def create_key(db, user_id, name):
        return correct(db, user_id, html.escape(name))

    api_keys.create_key = create_key
