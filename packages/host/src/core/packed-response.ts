import { create } from "@bufbuild/protobuf";
import { AnySchema } from "@bufbuild/protobuf/wkt";
import { type ExecuteToolResponse, ExecuteToolResponseSchema, ExecutionMetricsSchema } from "@toolbridge/protocol";
import type { OutcomeCodec } from "./idempotency.js";

/** Records are written into pages of this size; a record larger than a quarter of one gets a page of its own. */
const PAGE_BYTES = 16 * 1024;
const OWN_PAGE_FROM = PAGE_BYTES / 4;
/**
 * A record: value length (u32), type URL number (u16), attempts (u16), duration ms,
 * queued ms and result bytes (f64 each), then the value's bytes.
 */
const HEADER_BYTES = 32;
/** Distinct result type URLs numbered at most; a success with yet another one is kept whole. */
const MAX_TYPE_URLS = 1024;
/**
 * Memory held per remembered success besides its record (header and value): the
 * cache's columns and index positions with their slack (~100 bytes) and the
 * request_id string (~56 bytes for a 40-character id). Measured on Node 20 at
 * ~225 bytes of heap and buffers per remembered echo in all, record included;
 * rounded up so the byte bound is a bound on memory.
 */
const SUCCESS_OVERHEAD = 192;
/** A failure keeps the whole response (about 1 KB plus its strings); failures are rare. */
const FAILURE_OVERHEAD = 1536;

/**
 * A remembered response: a success is a number (its record's place in the pages:
 * page * PAGE_BYTES + offset, a small integer that costs no heap of its own); a
 * failure, or a success the pages cannot describe, is the response itself.
 */
export type PackedResponse = number | ExecuteToolResponse;

/**
 * Keeps remembered ExecuteToolResponses compact: a success becomes its result's
 * type URL (as a number), value bytes and metrics written into shared byte pages,
 * so 10,000 remembered echoes hold a few hundred kilobytes of pages and no
 * object each; a repeat gets an equal response rebuilt from them. A page is let
 * go of once every record in it is released (records are released roughly in
 * the order they were written, so pages empty from the oldest on).
 */
export class PackedResponses implements OutcomeCodec<ExecuteToolResponse, PackedResponse> {
  private readonly pages: (DataView | undefined)[] = [];
  /** Records not yet released, per page. */
  private readonly liveRecords: number[] = [];
  private readonly freePages: number[] = [];
  private current = -1;
  private position = PAGE_BYTES;
  private readonly typeUrls: string[] = [];
  private readonly typeUrlNumbers = new Map<string, number>();

  pack(response: ExecuteToolResponse, requestId: string): PackedResponse {
    const result = response.result;
    const metrics = response.metrics;
    if (!response.success || !result || response.error || response.requestId !== requestId) return response;
    // What the header has no room for stays in a whole response (never the case for this host's own calls).
    if (metrics && (metrics.workerId !== "" || metrics.attempts > 0xffff)) return response;
    const typeUrl = this.typeUrlNumber(result.typeUrl);
    if (typeUrl === undefined) return response;
    const value = result.value;
    const length = HEADER_BYTES + value.length;
    const page = length >= OWN_PAGE_FROM ? this.newPage(length) : this.room(length);
    const offset = page === this.current ? this.position - length : 0;
    const view = this.pages[page] as DataView;
    view.setUint32(offset, value.length);
    view.setUint16(offset + 4, typeUrl);
    view.setUint16(offset + 6, metrics?.attempts ?? 0);
    view.setFloat64(offset + 8, metrics?.durationMs ?? 0);
    view.setFloat64(offset + 16, metrics?.queuedMs ?? 0);
    view.setFloat64(offset + 24, Number(metrics?.resultBytes ?? 0n));
    new Uint8Array(view.buffer, offset + HEADER_BYTES, value.length).set(value);
    this.liveRecords[page] = (this.liveRecords[page] as number) + 1;
    return page * PAGE_BYTES + offset;
  }

  unpack(packed: PackedResponse, requestId: string): ExecuteToolResponse {
    if (typeof packed !== "number") return packed;
    const view = this.pageOf(packed);
    const offset = packed % PAGE_BYTES;
    return create(ExecuteToolResponseSchema, {
      success: true,
      // A copy: pages are shared and reused, and whoever gets the response may keep or change it.
      result: create(AnySchema, {
        typeUrl: this.typeUrls[view.getUint16(offset + 4)] as string,
        value: new Uint8Array(view.buffer, offset + HEADER_BYTES, view.getUint32(offset)).slice(),
      }),
      requestId,
      metrics: create(ExecutionMetricsSchema, {
        durationMs: view.getFloat64(offset + 8),
        queuedMs: view.getFloat64(offset + 16),
        resultBytes: BigInt(view.getFloat64(offset + 24)),
        attempts: view.getUint16(offset + 6),
      }),
    });
  }

  sizeOf(packed: PackedResponse): number {
    if (typeof packed === "number") {
      return SUCCESS_OVERHEAD + HEADER_BYTES + this.pageOf(packed).getUint32(packed % PAGE_BYTES);
    }
    const error = packed.error;
    const text = (error?.message.length ?? 0) + (error?.stacktrace.length ?? 0);
    return FAILURE_OVERHEAD + 2 * text + Number(packed.metrics?.resultBytes ?? 0n);
  }

  release(packed: PackedResponse): void {
    if (typeof packed !== "number") return;
    const page = Math.floor(packed / PAGE_BYTES);
    const live = (this.liveRecords[page] as number) - 1;
    this.liveRecords[page] = live;
    if (live === 0 && page !== this.current) this.freePage(page);
  }

  /** Pages held (released pages are let go of: their count goes back down). */
  get pageCount(): number {
    return this.pages.length - this.freePages.length;
  }

  private pageOf(packed: number): DataView {
    const view = this.pages[Math.floor(packed / PAGE_BYTES)];
    if (view === undefined) throw new Error(`packed response ${packed} is in a page already let go of`);
    return view;
  }

  /** The number of a result type URL (one per result type the tools use), or undefined past MAX_TYPE_URLS. */
  private typeUrlNumber(typeUrl: string): number | undefined {
    const known = this.typeUrlNumbers.get(typeUrl);
    if (known !== undefined || this.typeUrls.length >= MAX_TYPE_URLS) return known;
    this.typeUrlNumbers.set(typeUrl, this.typeUrls.length);
    this.typeUrls.push(typeUrl);
    return this.typeUrls.length - 1;
  }

  /** The current page with `length` bytes taken at its end (a fresh page when it has no room left). */
  private room(length: number): number {
    if (this.position + length > PAGE_BYTES) {
      const full = this.current;
      this.current = this.newPage(PAGE_BYTES);
      this.position = 0;
      if (full >= 0 && this.liveRecords[full] === 0) this.freePage(full);
    }
    this.position += length;
    return this.current;
  }

  /** A page of `bytes`, numbered with a released number first (so record numbers stay small integers). */
  private newPage(bytes: number): number {
    const view = new DataView(new ArrayBuffer(bytes));
    const page = this.freePages.pop() ?? this.pages.length;
    this.pages[page] = view;
    this.liveRecords[page] = 0;
    return page;
  }

  private freePage(page: number): void {
    this.pages[page] = undefined;
    this.freePages.push(page);
  }
}
