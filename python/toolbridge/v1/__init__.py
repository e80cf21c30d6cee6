"""Generated protobuf / gRPC code for toolbridge.v1 (do not edit; see scripts/generate.mjs)."""
