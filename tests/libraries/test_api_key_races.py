"""ApiKeyRaces: picking a race's keys out of a listing and out of creation answers."""

from ApiKeyRaces import ApiKeyRaces
from robot.api.types import Secret


def test_keys_named_after_a_label_compare_between_listing_and_creations():
    created = [{"id": "b", "name": "race-1", "key": Secret("k1")}, {"id": "a", "name": "race-0", "key": Secret("k0")}]
    listed = [{"id": "a", "name": "race-0"}, {"id": "x", "name": "other-0"}, {"id": "b", "name": "race-1"},
              {"id": "c", "name": "racer-0"}]
    library = ApiKeyRaces()
    assert library.api_keys_named_after_label(listed, "race") == [["a", "race-0"], ["b", "race-1"]]
    assert library.api_keys_named_after_label(created, "race") == library.api_keys_named_after_label(listed, "race")
    assert library.api_keys_named_after_label(listed, "gone") == []
