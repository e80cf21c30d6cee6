import { create, fromBinary, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import { BinaryReader, BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { AnySchema, anyPack, anyUnpack } from "@bufbuild/protobuf/wkt";
import { Metadata, type StatusObject } from "@grpc/grpc-js";
import { type ErrorInfo, ErrorInfoSchema } from "./gen/toolbridge/v1/errors_pb.js";

/** Trailer holding a serialized google.rpc.Status (the gRPC rich error model). */
export const STATUS_DETAILS_KEY = "grpc-status-details-bin";
/** Trailer with the wait before retrying, for RateLimitExceeded. */
export const RETRY_AFTER_KEY = "retry-after-ms";

/**
 * Encodes google.rpc.Status {code, message, details: [Any(ErrorInfo)]} by hand:
 * the message is three fields, not worth a googleapis dependency.
 */
export function encodeStatusDetails(code: number, message: string, info: ErrorInfo): Buffer {
  const writer = new BinaryWriter();
  if (code !== 0) writer.tag(1, WireType.Varint).int32(code);
  if (message !== "") writer.tag(2, WireType.LengthDelimited).string(message);
  writer.tag(3, WireType.LengthDelimited).bytes(toBinary(AnySchema, anyPack(ErrorInfoSchema, info)));
  const bytes = writer.finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Finds the toolbridge ErrorInfo inside a serialized google.rpc.Status, if any. */
export function decodeStatusDetails(bytes: Uint8Array): ErrorInfo | undefined {
  const reader = new BinaryReader(bytes);
  let found: ErrorInfo | undefined;
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 3 && wireType === WireType.LengthDelimited) {
      const any = fromBinary(AnySchema, reader.bytes());
      const info = anyUnpack(any, ErrorInfoSchema);
      if (info) found = info;
    } else {
      reader.skip(wireType, field);
    }
  }
  return found;
}

/**
 * Builds a grpc-js status object whose trailers carry the ErrorInfo, so every
 * client (TS, Python, grpcurl) can read the structured error.
 */
export function statusWithErrorInfo(
  code: number,
  info: MessageInitShape<typeof ErrorInfoSchema> & { type: string; message: string },
): Partial<StatusObject> {
  const full = create(ErrorInfoSchema, info);
  const metadata = new Metadata();
  metadata.set(STATUS_DETAILS_KEY, encodeStatusDetails(code, full.message, full));
  if (full.retryAfterMs > 0n) metadata.set(RETRY_AFTER_KEY, String(full.retryAfterMs));
  return { code, details: full.message, metadata };
}

/** Reads the ErrorInfo from a grpc-js error's trailers, if the host put one there. */
export function errorInfoFromMetadata(metadata: Metadata | undefined): ErrorInfo | undefined {
  const value = metadata?.get(STATUS_DETAILS_KEY)[0];
  if (value === undefined || typeof value === "string") return undefined;
  try {
    return decodeStatusDetails(value);
  } catch {
    return undefined;
  }
}
