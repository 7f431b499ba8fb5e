"""The ingestion process of the reference target: OTLP ``Export`` into a SQLite WAL, ``ReadSpans`` out of it.

Modules, one responsibility each:

- ``settings``: command line and environment settings;
- ``ulid``: strictly increasing 16-byte WAL keys;
- ``wal``: the write-ahead log (append one batch per transaction, read by key);
- ``validation``: pure checks that reject malformed spans (policy B13);
- ``batch``: turns an ``ExportTraceServiceRequest`` into WAL rows and rejection reasons;
- ``backend_auth``: the client of the backend's ``InternalAuthService``;
- ``key_cache``: the cache of valid API keys (re-validation, stale-if-error);
- ``throttle``: invalid-key throttling per client address (policy B5);
- ``gate``: the admission decision for one ``Export`` call;
- ``call_meta``: API key and client address of a gRPC call;
- ``export_service`` / ``read_service``: the gRPC servicers;
- ``servers``: builds and binds the two gRPC servers;
- ``app``: startup, ready file, signal handling, shutdown.
"""
