// Compares two V8 heap snapshots by constructor: which kinds of objects grew in count or size
// between them. Used to tell a per-session or per-stream leftover from heap that only moves with GC.
//   node --import ./test/reliability/child/register.mjs test/soak/heap-diff.ts A.heapsnapshot B.heapsnapshot
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";

export interface Group {
  count: number;
  bytes: number;
}

/** Object count and shallow size per "type:constructor" (e.g. "object:Session", "closure:onData"). */
export async function heapSummary(path: string): Promise<Map<string, Group>> {
  const snapshot = JSON.parse(await readFile(path, "utf8")) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf("type");
  const nameAt = fields.indexOf("name");
  const sizeAt = fields.indexOf("self_size");
  const groups = new Map<string, Group>();
  const { nodes, strings } = snapshot;
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + typeAt] as number] ?? "?";
    // Strings and numbers are named by their content: group them by type alone.
    const name =
      type === "string" || type === "concatenated string" || type === "sliced string" || type === "number"
        ? ""
        : (strings[nodes[i + nameAt] as number] ?? "?").slice(0, 80);
    const key = `${type}:${name}`;
    const group = groups.get(key) ?? { count: 0, bytes: 0 };
    group.count++;
    group.bytes += nodes[i + sizeAt] as number;
    groups.set(key, group);
  }
  return groups;
}

export interface Growth {
  readonly key: string;
  readonly countDelta: number;
  readonly bytesDelta: number;
  readonly before: Group;
  readonly after: Group;
}

/** Groups that grew from `before` to `after`, largest byte growth first. */
export function growth(before: Map<string, Group>, after: Map<string, Group>): Growth[] {
  const out: Growth[] = [];
  for (const [key, now] of after) {
    const then = before.get(key) ?? { count: 0, bytes: 0 };
    if (now.count > then.count || now.bytes > then.bytes) {
      out.push({
        key,
        countDelta: now.count - then.count,
        bytesDelta: now.bytes - then.bytes,
        before: then,
        after: now,
      });
    }
  }
  return out.sort((a, b) => b.bytesDelta - a.bytesDelta);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [a, b, top = "30"] = process.argv.slice(2);
  if (a === undefined || b === undefined)
    throw new Error("usage: heap-diff.ts BEFORE.heapsnapshot AFTER.heapsnapshot [TOP]");
  const [before, after] = await Promise.all([heapSummary(a), heapSummary(b)]);
  const total = (m: Map<string, Group>) => [...m.values()].reduce((s, g) => s + g.bytes, 0);
  console.log(`total ${(total(before) / 1e6).toFixed(1)} MB -> ${(total(after) / 1e6).toFixed(1)} MB`);
  for (const g of growth(before, after).slice(0, Number(top))) {
    console.log(
      `${g.bytesDelta.toString().padStart(10)} B ${g.countDelta.toString().padStart(8)} objs  ${g.key}  (${g.before.count} -> ${g.after.count})`,
    );
  }
}
