"""Database inspection steps that cannot run skip only themselves, and the test says so."""

from robot.api import logger
from robot.api.deco import keyword, library


@library(scope="GLOBAL", auto_keywords=False, listener="SELF")
class InspectionGate:
    """Lets a test whose target profile gives no database file run every other check.

    A database inspection step asks `Database Inspection Is Possible` first; without the file it is left out,
    with a warning, and the test goes on with its API checks. When the test ends, a test that passed everything
    else is marked *skipped* with a message naming the missing file (it did not verify the stored data, so the
    sign-off must not count it as verified); a test that failed keeps its failure, with a note added.
    """

    ROBOT_LISTENER_API_VERSION = 3

    def __init__(self):
        self._left_out: dict[str, int] = {}

    @keyword("Database Inspection Is Possible")
    def database_inspection_is_possible(self, target: dict, kind: str) -> bool:
        """True when ``target`` (a target description) names its ``kind`` file (``sqlite_path`` or
        ``duckdb_path``). Otherwise the calling inspection step is left out and recorded for this test."""
        if target.get(kind):
            return True
        reason = f"the target profile gives no {kind}"
        self._left_out[reason] = self._left_out.get(reason, 0) + 1
        logger.warn(f"Database inspection step left out: {reason}. The test's other checks still run.")
        return False

    def start_test(self, data, result):
        self._left_out = {}

    def end_test(self, data, result):
        if not self._left_out:
            return
        reasons = ", ".join(f"{reason} ({count} step(s))" for reason, count in self._left_out.items())
        note = f"database inspection not possible: {reasons}"
        if result.passed:
            result.status = "SKIP"
            result.message = f"Every other check passed; not verified: {note}."
        elif result.failed:
            result.message = f"{result.message}\n(Also not verified: {note}.)"
        self._left_out = {}
