"""The model-list cache reads its TTL setting as milliseconds: a list lives a thousandth of its TTL.

Models a unit slip between the setting (seconds) and the cache (``ttl_ms``): in practice nothing is
cached, and under load every wave of readers goes to the provider again — the rate-limit bill and the
stampede the cache exists to prevent. Breaks policy B16 (concurrent readers cause one upstream call, and
an expired list exactly one refresh).
"""

PROCESS = "backend"
POLICY = "B16"
CAUGHT_BY = ["An Expired Model List Under Load Is Refreshed By One Upstream Call"]
FAILS_WITH = r"got \d+ models request\(s\), expected 2"


def apply():
    from sut.backend import model_cache

    init = model_cache.ModelCache.__init__

    def mistuned_init(self, fetch, ttl_s, *args, **kwargs):
        init(self, fetch, ttl_s / 1000, *args, **kwargs)

    model_cache.ModelCache.__init__ = mistuned_init
