// The toolbridge side's server process: a real host (createHost) serving the bench
// tools on a free loopback port, driven over IPC like the baseline server.
import { createHost } from "@toolbridge/host";
import { cpuMicros, memoryAfterGc, serveCommands } from "../lib/proc.mjs";
import { benchTools } from "./bench-tools.mjs";

let host;
serveCommands(
  {
    start: async () => {
      host = await createHost({ tools: benchTools(), port: 0, host: "127.0.0.1" });
      return { address: host.address };
    },
    // ArrayBuffers too: what a server keeps in buffers is retained as much as its heap.
    memory: () => ({ ...memoryAfterGc(), arrayBuffersBytes: process.memoryUsage().arrayBuffers }),
    cpu: () => cpuMicros(),
  },
  () => host?.close(),
);
