"""Generated gRPC modules of the internal interfaces (contract A5)."""
