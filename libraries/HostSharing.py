"""Keywords that keep acceptance runs on one host from disturbing each other's measurements."""

from robot.api import logger
from robot.api.deco import keyword, library
from robot.utils import timestr_to_secs

from junjo_acceptance.host_lock import HostLock, lock_path, supported


@library(scope="GLOBAL", auto_keywords=False)
class HostSharing:
    """A host-wide lock between acceptance runs (see ``junjo_acceptance.host_lock``).

    Behaviour suites `Share The Host With Other Runs`; the performance suites `Take The Host For Measurements`,
    which waits until no other run on this host is running any suite, and keeps new ones waiting until
    `Release The Host`. Within one run the performance suites already run alone (``#WAIT`` in
    ``suites.order``); this extends "alone" to every run on the host. A wait is logged with its length; a wait
    past ``timeout`` fails as a *suite error* (another run held the host), never as a product defect.
    """

    def __init__(self):
        self._lock = HostLock()

    @keyword("Share The Host With Other Runs")
    def share_the_host_with_other_runs(self, timeout: str = "30 minutes"):
        """Hold the host lock shared: other behaviour suites may run, measurements of other runs wait."""
        self._take(exclusive=False, timeout=timeout)

    @keyword("Take The Host For Measurements")
    def take_the_host_for_measurements(self, timeout: str = "30 minutes"):
        """Hold the host lock exclusively: wait until no other acceptance run on this host runs a suite."""
        self._take(exclusive=True, timeout=timeout)

    @keyword("Release The Host")
    def release_the_host(self):
        """Give the host lock back (a process that ends gives it back anyway)."""
        self._lock.release()

    def _take(self, exclusive: bool, timeout: str):
        if not supported():
            logger.warn("No host lock on this platform (no flock): another acceptance run on this host may "
                        "disturb the performance figures.")
            return
        how = "exclusively, for measurements" if exclusive else "shared"
        try:
            waited = self._lock.acquire(exclusive, timestr_to_secs(timeout))
        except TimeoutError as error:
            raise AssertionError(f"Suite error, not a product defect: another acceptance run on this host kept "
                                 f"it busy; {error}") from None
        message = f"Host lock {lock_path()} held {how}"
        if waited >= 1:
            logger.info(f"{message} after waiting {waited:.0f} s for other acceptance runs on this host.",
                        also_console=True)
        else:
            logger.info(f"{message}.")
