#!/usr/bin/env bash
# Regenerates the Python modules of ingestion.proto (run after editing the .proto).
set -euo pipefail
cd "$(dirname "$0")"
python -m grpc_tools.protoc -I. --python_out=. --grpc_python_out=. ingestion.proto
sed -i 's/^import ingestion_pb2 as/from . import ingestion_pb2 as/' ingestion_pb2_grpc.py
