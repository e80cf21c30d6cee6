import { randomBytes } from "node:crypto";
import { hostError } from "../errors.js";

/**
 * How settled outcomes are kept: a compact record (a full response object costs
 * about 1 KB of heap, most of it structure), rebuilt on a repeat. The request_id
 * is passed in both ways so a record need not keep its own reference to it.
 */
export interface OutcomeCodec<T, R> {
  pack(outcome: T, requestId: string): R;
  unpack(record: R, requestId: string): T;
  /** Heap bytes the record holds, for the byte bound. */
  sizeOf(record: R): number;
  /** The cache has let go of `record` (expired, evicted, dropped): whatever it holds may be reused. */
  release?(record: R): void;
}

/** Keeps outcomes as they are (for callers whose outcomes are already small). */
export function keepAsIs<T>(sizeOf: (outcome: T) => number): OutcomeCodec<T, T> {
  return { pack: (v) => v, unpack: (v) => v, sizeOf };
}

export interface IdempotencyLimits {
  windowMs: number;
  /** Outcomes kept at most, over all sessions. */
  maxEntries: number;
  /** Bytes of kept outcomes at most, over all sessions (results can be megabytes each). */
  maxBytes: number;
}

/** Slots the ring starts with (fewer when maxEntries is smaller), and never shrinks below. */
const INITIAL_SLOTS = 1024;
/** Distinct tool ids kept as one shared string each; past that the table starts over. */
const MAX_INTERNED_TOOL_IDS = 4096;
const NONE = -1;

/**
 * Remembers the outcome of each (session, request_id) for a window, so a repeat
 * — even one that arrives while the first is still running — gets the first
 * outcome instead of running the tool again. Only outcomes are kept (never the
 * arguments). A failure before the tool ran (a status error such as a rate
 * limit or a cancelled call) is forgotten, so the client's retry can run.
 * Bounded by count and bytes: past either, the oldest outcomes go first.
 *
 * Entries live in a ring of columns (typed arrays and plain arrays of
 * references) in insertion order, which is expiry order, so eviction starts at
 * the head; an entry is a few array slots plus its request_id string. They are
 * found through an open-addressing hash index of slot numbers (an Int32Array),
 * not a Map: a Map that entries keep passing through holds its deleted entries
 * until it rehashes and doubles whenever fewer than half are deleted, so it
 * settles at 2–4x the live count (~100 bytes an entry). Each session's entries
 * are linked through the ring, so a session that ends drops exactly its own.
 */
export class IdempotencyCache<T, R = T> {
  /** The newest slot of each session with entries; the rest are linked from it. */
  private readonly newestOf = new Map<string, number>();
  private readonly minSlots: number;
  private mask: number;
  /** Ring position of the oldest slot, and slots in use from there (dead ones included). */
  private head = 0;
  private used = 0;
  /** A slot is live while it holds its request_id. */
  private requestIds: (string | undefined)[] = [];
  private sessionIds: (string | undefined)[] = [];
  private toolIds: (string | undefined)[] = [];
  /** The running attempt's promise, then (settled) the packed record. */
  private values: (Promise<T> | R | undefined)[] = [];
  private settled = new Uint8Array(0);
  private expiresAt = new Float64Array(0);
  private bytesOf = new Float64Array(0);
  private hashes = new Uint32Array(0);
  /** The session's next older and newer slots (NONE at either end). */
  private older = new Int32Array(0);
  private newer = new Int32Array(0);
  /** The hash index: slot + 1 per position, 0 where empty; at most half full. */
  private index = new Int32Array(0);
  private readonly internedToolIds = new Map<string, string>();
  private count = 0;
  private bytes = 0;

  constructor(
    private readonly limits: IdempotencyLimits,
    private readonly codec: OutcomeCodec<T, R>,
    private readonly now: () => number = Date.now,
  ) {
    let slots = 16;
    while (slots < INITIAL_SLOTS && slots < limits.maxEntries) slots *= 2;
    this.minSlots = slots;
    this.mask = 0;
    this.resize(slots);
  }

  /** The first outcome of this request, or undefined when it is new. */
  lookup(sessionId: string, requestId: string, toolId: string): Promise<T> | undefined {
    const slot = this.find(keyHash(sessionId, requestId), sessionId, requestId);
    if (slot === NONE) return undefined;
    if ((this.expiresAt[slot] as number) < this.now()) {
      this.forget(slot);
      return undefined;
    }
    const firstToolId = this.toolIds[slot] as string;
    if (firstToolId !== toolId) {
      throw hostError("InvalidArgument", `request_id ${requestId} was already used for tool ${firstToolId}`, {
        session_id: sessionId,
        request_id: requestId,
        tool_name: toolId,
      });
    }
    const value = this.values[slot];
    return this.settled[slot] === 1 ? Promise.resolve(this.codec.unpack(value as R, requestId)) : (value as Promise<T>);
  }

  /**
   * Runs `run` unless this request has an outcome or is running: then it shares
   * that. When the attempt it shares fails (its caller cancelled, or it hit a
   * limit: a failure is not an outcome and is forgotten), a waiter that is not
   * cancelled itself takes over and runs, instead of failing with the first
   * caller's error; the other waiters then share its attempt.
   */
  once(
    sessionId: string,
    requestId: string,
    toolId: string,
    cancelled: () => boolean,
    run: () => Promise<T>,
  ): Promise<T> {
    const prior = this.lookup(sessionId, requestId, toolId);
    if (!prior) {
      const outcome = run();
      this.remember(sessionId, requestId, toolId, outcome);
      return outcome;
    }
    // The entry's own rejection handler (registered first) has forgotten the failed attempt by the time this runs.
    return prior.catch((error: unknown) => {
      if (cancelled()) throw error;
      return this.once(sessionId, requestId, toolId, cancelled, run);
    });
  }

  remember(sessionId: string, requestId: string, toolId: string, outcome: Promise<T>): void {
    const hash = keyHash(sessionId, requestId);
    const previous = this.find(hash, sessionId, requestId);
    if (previous !== NONE) this.forget(previous);
    if (this.used > this.mask) this.resize((this.mask + 1) * 2);
    const slot = (this.head + this.used) & this.mask;
    this.used++;
    this.requestIds[slot] = requestId;
    this.sessionIds[slot] = sessionId;
    this.toolIds[slot] = this.intern(toolId);
    this.values[slot] = outcome;
    this.settled[slot] = 0;
    this.expiresAt[slot] = this.now() + this.limits.windowMs;
    this.bytesOf[slot] = 0;
    this.hashes[slot] = hash;
    this.count++;
    this.link(slot, sessionId);
    if (this.count * 2 > this.index.length) this.reindex(this.index.length * 2);
    else this.insert(slot);
    outcome.then(
      (value) => {
        // The slot moves when the ring is resized: find it by key, and check it still holds this attempt.
        const at = this.attemptSlot(hash, sessionId, requestId, outcome);
        if (at === NONE) return;
        const record = this.codec.pack(value, requestId);
        const size = this.codec.sizeOf(record);
        this.values[at] = record;
        this.settled[at] = 1;
        this.bytesOf[at] = size;
        this.bytes += size;
        this.evict();
      },
      () => {
        const at = this.attemptSlot(hash, sessionId, requestId, outcome);
        if (at !== NONE) this.forget(at);
      },
    );
    this.evict();
  }

  dropSession(sessionId: string): void {
    let slot = this.newestOf.get(sessionId) ?? NONE;
    this.newestOf.delete(sessionId);
    while (slot !== NONE) {
      const next = this.older[slot] as number;
      this.unindex(slot);
      this.release(slot);
      slot = next;
    }
  }

  get size(): number {
    return this.count;
  }

  /** The slot of (session, request_id), or NONE. */
  private find(hash: number, sessionId: string, requestId: string): number {
    const index = this.index;
    const mask = index.length - 1;
    for (let at = hash & mask; ; at = (at + 1) & mask) {
      const held = index[at] as number;
      if (held === 0) return NONE;
      const slot = held - 1;
      if (this.hashes[slot] === hash && this.requestIds[slot] === requestId && this.sessionIds[slot] === sessionId) {
        return slot;
      }
    }
  }

  /** The slot of (session, request_id) while it still holds `outcome`, unsettled; else NONE. */
  private attemptSlot(hash: number, sessionId: string, requestId: string, outcome: Promise<T>): number {
    const slot = this.find(hash, sessionId, requestId);
    if (slot === NONE || this.settled[slot] === 1 || this.values[slot] !== outcome) return NONE;
    return slot;
  }

  private insert(slot: number): void {
    const index = this.index;
    const mask = index.length - 1;
    let at = (this.hashes[slot] as number) & mask;
    while (index[at] !== 0) at = (at + 1) & mask;
    index[at] = slot + 1;
  }

  /** Takes a slot out of the index, moving back later entries of its probe run (no tombstones to pile up). */
  private unindex(slot: number): void {
    const index = this.index;
    const mask = index.length - 1;
    let hole = (this.hashes[slot] as number) & mask;
    while (index[hole] !== slot + 1) hole = (hole + 1) & mask;
    for (let at = (hole + 1) & mask; index[at] !== 0; at = (at + 1) & mask) {
      const home = (this.hashes[(index[at] as number) - 1] as number) & mask;
      // Stays if its home lies cyclically in (hole, at]: moving it would put it before its home.
      const stays = hole <= at ? hole < home && home <= at : hole < home || home <= at;
      if (stays) continue;
      index[hole] = index[at] as number;
      hole = at;
    }
    index[hole] = 0;
  }

  /** A fresh index of `positions` (a power of two) over the live slots. */
  private reindex(positions: number): void {
    this.index = new Int32Array(positions);
    for (let i = 0; i < this.used; i++) {
      const slot = (this.head + i) & this.mask;
      if (this.requestIds[slot] !== undefined) this.insert(slot);
    }
  }

  /** Makes `slot` its session's newest. */
  private link(slot: number, sessionId: string): void {
    const newest = this.newestOf.get(sessionId) ?? NONE;
    this.older[slot] = newest;
    this.newer[slot] = NONE;
    if (newest !== NONE) this.newer[newest] = slot;
    this.newestOf.set(sessionId, slot);
  }

  private unlink(slot: number): void {
    const older = this.older[slot] as number;
    const newer = this.newer[slot] as number;
    if (older !== NONE) this.newer[older] = newer;
    if (newer !== NONE) this.older[newer] = older;
    else {
      const sessionId = this.sessionIds[slot] as string;
      if (older !== NONE) this.newestOf.set(sessionId, older);
      else this.newestOf.delete(sessionId);
    }
  }

  /** The one kept copy of `toolId`: each request decodes its own, and an entry would keep it. */
  private intern(toolId: string): string {
    const known = this.internedToolIds.get(toolId);
    if (known !== undefined) return known;
    if (this.internedToolIds.size >= MAX_INTERNED_TOOL_IDS) this.internedToolIds.clear();
    this.internedToolIds.set(toolId, toolId);
    return toolId;
  }

  private evict(): void {
    const now = this.now();
    while (this.used > 0) {
      const slot = this.head;
      if (this.requestIds[slot] !== undefined) {
        const over = this.count > this.limits.maxEntries || this.bytes > this.limits.maxBytes;
        if (!over && (this.expiresAt[slot] as number) >= now) break;
        this.forget(slot);
      }
      this.head = (slot + 1) & this.mask;
      this.used--;
    }
    // After a burst, give the columns back (a quarter full, so adding and removing at the edge does not flap).
    const slots = this.mask + 1;
    if (slots > this.minSlots && this.used * 4 < slots) this.resize(slots / 2);
  }

  /** Moves the live slots, in order, into columns of `slots` (a power of two) from 0; links and index anew. */
  private resize(slots: number): void {
    const requestIds = new Array<string | undefined>(slots).fill(undefined);
    const sessionIds = new Array<string | undefined>(slots).fill(undefined);
    const toolIds = new Array<string | undefined>(slots).fill(undefined);
    const values = new Array<Promise<T> | R | undefined>(slots).fill(undefined);
    const settled = new Uint8Array(slots);
    const expiresAt = new Float64Array(slots);
    const bytesOf = new Float64Array(slots);
    const hashes = new Uint32Array(slots);
    let to = 0;
    for (let i = 0; i < this.used; i++) {
      const from = (this.head + i) & this.mask;
      const requestId = this.requestIds[from];
      if (requestId === undefined) continue;
      requestIds[to] = requestId;
      sessionIds[to] = this.sessionIds[from];
      toolIds[to] = this.toolIds[from];
      values[to] = this.values[from];
      settled[to] = this.settled[from] as number;
      expiresAt[to] = this.expiresAt[from] as number;
      bytesOf[to] = this.bytesOf[from] as number;
      hashes[to] = this.hashes[from] as number;
      to++;
    }
    this.requestIds = requestIds;
    this.sessionIds = sessionIds;
    this.toolIds = toolIds;
    this.values = values;
    this.settled = settled;
    this.expiresAt = expiresAt;
    this.bytesOf = bytesOf;
    this.hashes = hashes;
    this.older = new Int32Array(slots);
    this.newer = new Int32Array(slots);
    this.mask = slots - 1;
    this.head = 0;
    this.used = to;
    this.newestOf.clear();
    for (let slot = 0; slot < to; slot++) this.link(slot, sessionIds[slot] as string);
    let positions = 2 * this.minSlots;
    while (positions < 2 * to) positions *= 2;
    this.reindex(positions);
  }

  /** Removes a live slot's entry from the index and its session's list, and releases it. */
  private forget(slot: number): void {
    if (this.requestIds[slot] === undefined) return;
    this.unindex(slot);
    this.unlink(slot);
    this.release(slot);
  }

  /** Marks a slot dead and lets go of what it holds (the ring keeps the empty slot until the head passes it). */
  private release(slot: number): void {
    if (this.requestIds[slot] === undefined) return;
    if (this.settled[slot] === 1) this.codec.release?.(this.values[slot] as R);
    this.requestIds[slot] = undefined;
    this.sessionIds[slot] = undefined;
    this.toolIds[slot] = undefined;
    this.values[slot] = undefined;
    this.settled[slot] = 0;
    this.count--;
    this.bytes -= this.bytesOf[slot] as number;
    this.bytesOf[slot] = 0;
  }
}

/**
 * Random per process: request_ids are the client's choice, and ids picked to collide under a known
 * hash would turn every lookup into a walk of the whole index (V8 seeds its own string hashes too).
 */
const HASH_SEED = randomBytes(4).readUInt32LE(0);

/** FNV-1a from a seeded start over the session id, a separator and the request_id (UTF-16 code units), then mixed. */
function keyHash(sessionId: string, requestId: string): number {
  let hash = 0x811c9dc5 ^ HASH_SEED;
  for (let i = 0; i < sessionId.length; i++) hash = Math.imul(hash ^ sessionId.charCodeAt(i), 0x01000193);
  hash = Math.imul(hash ^ 0xffff, 0x01000193);
  for (let i = 0; i < requestId.length; i++) hash = Math.imul(hash ^ requestId.charCodeAt(i), 0x01000193);
  // murmur3's finalizer: the index uses the low bits, which FNV alone leaves poorly mixed.
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}
