import { create } from "@bufbuild/protobuf";
import { AnySchema } from "@bufbuild/protobuf/wkt";
import { type ExecuteToolResponse, ExecuteToolResponseSchema, ExecutionMetricsSchema } from "@toolbridge/protocol";
import type { OutcomeCodec } from "./idempotency.js";

/** Results up to this size are copied into a shared slab instead of keeping their own Uint8Array. */
const SLAB_ITEM_MAX = 1024;
const SLAB_BYTES = 16 * 1024;
/**
 * Heap held per remembered success besides its result bytes: the cache entry, its key
 * and map slots, this record, the request_id string (about 320 bytes measured on Node 20,
 * 11,000 remembered echoes holding 3.5 MB; rounded up so the byte bound is a bound on heap).
 */
const SUCCESS_OVERHEAD = 352;
/** A failure keeps the whole response (about 1 KB plus its strings); failures are rare. */
const FAILURE_OVERHEAD = 1536;

/** A successful outcome without the message objects around it. */
class PackedSuccess {
  constructor(
    readonly typeUrl: string,
    readonly bytes: Uint8Array,
    readonly offset: number,
    readonly length: number,
    readonly requestId: string,
    readonly durationMs: number,
    readonly queuedMs: number,
    readonly resultBytes: number,
    readonly attempts: number,
  ) {}
}

export type PackedResponse = PackedSuccess | ExecuteToolResponse;

/**
 * Keeps remembered ExecuteToolResponses compact: a success becomes its result's type
 * URL and bytes (small ones copied into a shared slab, so 10,000 remembered echoes
 * hold a few hundred kilobytes instead of 10 MB) plus its metrics; a repeat gets an
 * equal response rebuilt from them.
 */
export class PackedResponses implements OutcomeCodec<ExecuteToolResponse, PackedResponse> {
  private slab = new Uint8Array(SLAB_BYTES);
  private slabPos = 0;

  pack(response: ExecuteToolResponse): PackedResponse {
    const result = response.result;
    if (!response.success || !result || response.error) return response;
    const value = result.value;
    const metrics = response.metrics;
    let bytes = value;
    let offset = 0;
    if (value.length <= SLAB_ITEM_MAX) {
      if (this.slabPos + value.length > SLAB_BYTES) {
        this.slab = new Uint8Array(SLAB_BYTES);
        this.slabPos = 0;
      }
      bytes = this.slab;
      offset = this.slabPos;
      bytes.set(value, offset);
      this.slabPos += value.length;
    }
    return new PackedSuccess(
      result.typeUrl,
      bytes,
      offset,
      value.length,
      response.requestId,
      metrics?.durationMs ?? 0,
      metrics?.queuedMs ?? 0,
      Number(metrics?.resultBytes ?? 0n),
      metrics?.attempts ?? 0,
    );
  }

  unpack(packed: PackedResponse): ExecuteToolResponse {
    if (!(packed instanceof PackedSuccess)) return packed;
    return create(ExecuteToolResponseSchema, {
      success: true,
      // A copy: the slab is shared, and whoever gets the response may keep or change it.
      result: create(AnySchema, {
        typeUrl: packed.typeUrl,
        value: packed.bytes.slice(packed.offset, packed.offset + packed.length),
      }),
      requestId: packed.requestId,
      metrics: create(ExecutionMetricsSchema, {
        durationMs: packed.durationMs,
        queuedMs: packed.queuedMs,
        resultBytes: BigInt(packed.resultBytes),
        attempts: packed.attempts,
      }),
    });
  }

  sizeOf(packed: PackedResponse): number {
    if (packed instanceof PackedSuccess) return SUCCESS_OVERHEAD + packed.length;
    const error = packed.error;
    const text = (error?.message.length ?? 0) + (error?.stacktrace.length ?? 0);
    return FAILURE_OVERHEAD + 2 * text + Number(packed.metrics?.resultBytes ?? 0n);
  }
}
