import { readdir, readFile } from "node:fs/promises";

/** Open file descriptors of a process (Linux /proc), for soak tests that check for leaks. */
export async function countOpenFds(pid: number = process.pid): Promise<number> {
  return (await readdir(`/proc/${pid}/fd`)).length;
}

/** Resident set size in bytes (VmRSS from Linux /proc/PID/status). */
export async function rssBytes(pid: number = process.pid): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status (process exiting?)`);
  return Number(match[1]) * 1024;
}

/** True while the process exists and is not a zombie (a dead child nobody has reaped yet). */
export async function isProcessAlive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // Field 3, after the parenthesised command name (which may itself contain spaces or parens).
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}
