// A host in its own process, for tests that kill or restart it.
// Port from TOOLBRIDGE_PORT (0 = any free port); prints "host listening on ADDRESS".
import { startCountingHost } from "./counting-host.js";

const host = await startCountingHost();
console.log(`host listening on ${host.address}`);
