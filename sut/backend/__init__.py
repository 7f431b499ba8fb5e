"""Backend process of the reference target (``python -m sut.backend``): HTTP API, gRPC InternalAuthService,
span poller."""
