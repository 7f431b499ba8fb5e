"""Keywords that read API-key listings after races of concurrent creations and deletions."""

from robot.api.deco import keyword, library


@library(scope="GLOBAL", auto_keywords=False)
class ApiKeyRaces:
    """API keys a race created or deleted are told apart from every other key by their names: a race
    names its keys ``<label>-<n>`` after a `Unique Label`. These keywords pick those keys out of a
    listing (``List API Keys``) or out of creation answers (``Create API Key``) so the two can be compared.
    """

    @keyword("API Keys Named After Label")
    def api_keys_named_after_label(self, keys: list, label: str) -> list:
        """The ``[id, name]`` of every key of ``keys`` whose name is ``<label>-…``, sorted — the same for a
        listing and for creation answers, so they compare with ``Lists Should Be Equal``.

        | ${listed} =    List API Keys    by=admin
        | ${mine} =    API Keys Named After Label    ${listed}    ${label}
        """
        return sorted([key["id"], key["name"]] for key in keys if str(key["name"]).startswith(f"{label}-"))
