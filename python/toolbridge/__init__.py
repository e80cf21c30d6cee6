"""toolbridge: call tools that live in another process or language over gRPC."""
