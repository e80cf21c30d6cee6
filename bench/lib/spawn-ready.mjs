// Time from spawning a server process to the line it prints once it listens.
import { spawn } from "node:child_process";

export function timeToReady(command, args, readyPattern, { timeoutMs = 10_000, cwd } = {}) {
  const started = process.hrtime.bigint();
  const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", resolve);
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 2000).unref();
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`no "${readyPattern}" within ${timeoutMs} ms; output: ${output.slice(-300)}`)),
      timeoutMs,
    );
    let finished = false;
    const finish = (error, ms) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      stop().then(() => (error ? reject(error) : resolve(ms)));
    };
    const onData = (data) => {
      output += data;
      if (output.includes(readyPattern)) finish(undefined, Number(process.hrtime.bigint() - started) / 1e6);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", (error) => finish(error));
    child.on("exit", (code) =>
      finish(new Error(`${command} ${args.join(" ")} exited with ${code} before ready: ${output.slice(-300)}`)),
    );
  });
}
