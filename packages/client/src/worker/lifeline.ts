/**
 * Parent-death detection for workers a host started: stdin is a pipe the host
 * never writes, so EOF means the host is gone (even after SIGKILL); a changed
 * parent pid (re-parenting) is the second signal. Calls `onGone` once.
 */
export function watchParent(onGone: (reason: string) => void): () => void {
  let fired = false;
  const fire = (reason: string) => {
    if (fired) return;
    fired = true;
    stop();
    onGone(reason);
  };
  const onEnd = () => fire("stdin closed: the host process is gone");
  process.stdin.on("end", onEnd);
  process.stdin.on("error", onEnd);
  process.stdin.on("data", () => {}); // flowing mode: nothing is written, but EOF must be read
  const parent = process.ppid;
  const poll = setInterval(() => {
    if (process.ppid !== parent) fire(`parent process ${parent} is gone`);
  }, 500);
  poll.unref();
  const stop = () => {
    clearInterval(poll);
    process.stdin.off("end", onEnd);
    process.stdin.off("error", onEnd);
    process.stdin.pause();
    // A paused stdin must not keep the process alive once the worker is done.
    (process.stdin as { unref?: () => void }).unref?.();
  };
  return stop;
}
