const t0 = performance.now();
const lap = (l) => console.log(l, Math.round(performance.now() - t0));
await import("@grpc/grpc-js"); lap("grpc-js");
await import("zod"); lap("zod");
await import("@toolbridge/protocol"); lap("protocol");
await import("pino"); lap("pino");
await import("@toolbridge/host"); lap("host");
await import("/work/main/packages/cli/dist/demo/index.js"); lap("demo");
