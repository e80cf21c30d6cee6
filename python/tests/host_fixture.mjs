// A real toolbridge host for the Python suite: the spec's test tools first (so
// the first tool of a session accepts one string), then the demo tools, agents
// with the scripted LLM (a deterministic test double), on 127.0.0.1, port 0.
// Prints "toolbridge listening on 127.0.0.1:PORT" on stdout; SIGTERM stops it.
import { demoTools } from "@toolbridge/cli";
import { createHost } from "@toolbridge/host";
import { specTestTools } from "./fixture_tools.mjs";

const host = await createHost({
  tools: [...specTestTools(), ...demoTools()],
  port: 0,
  host: "127.0.0.1",
  logLevel: "warn",
  llm: { provider: "scripted" },
});
process.stdout.write(`toolbridge listening on ${host.address}\n`);

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.once(signal, () => {
    host.close({ graceMs: 1_000 }).then(
      () => process.exit(0),
      (error) => {
        process.stderr.write(`host_fixture: close failed: ${error}\n`);
        process.exit(1);
      },
    );
  });
}
