"""The bounds of contract Part B that no target profile may relax (Part C: a profile describes, it never relaxes).

A profile's ``limits`` may be stricter (lower) than these, never looser. ``contract.resource`` imports this file,
so the suites read the same numbers; ``tests/test_profiles.py`` checks every profile against them.
"""

# B5: at most this many failed sign-ins per account, and invalid API keys per client within 10 minutes,
# before 429 / RESOURCE_EXHAUSTED.
# B8: a deleted API key stops working on ingestion within this many seconds on any target.
POLICY_CEILINGS = {
    "signin_max_failures": 20,
    "invalid_key_max_failures": 100,
    "key_revocation_s": 30,
}
