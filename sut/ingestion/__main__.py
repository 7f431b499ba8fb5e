"""Entry point: ``python -m sut.ingestion``."""

from .app import main

raise SystemExit(main())
