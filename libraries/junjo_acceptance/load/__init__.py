"""Load from Locust: user classes (``locustfile``, run only inside Locust's own processes, which patch the
standard library with gevent) and the runner that starts a headless master and its workers as
subprocesses and reads their statistics (``runner``, imported by the ``LocustLoad`` keyword library)."""
