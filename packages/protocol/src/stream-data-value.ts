import type { Any } from "@bufbuild/protobuf/wkt";
import { type DecodeOptions, decodeValue } from "./codec/decode.js";
import { TYPE, typeName } from "./codec/type-urls.js";

/**
 * Decodes the value of a stream's data chunk. Byte chunks are the bulk case (64 KB
 * each, a whole stream's payload), so a canonical BytesValue (field 1 once, nothing
 * else) is returned as a view of the received message instead of a copy: the
 * message buffer belongs to this chunk alone, and copying it would double the
 * client's allocation per byte. Every other value, and any other BytesValue
 * encoding, is decodeValue's.
 */
export function decodeStreamData(any: Any, options?: DecodeOptions): unknown {
  const b = any.value;
  if (b.length > 1 && b[0] === 0x0a && typeName(any.typeUrl) === TYPE.bytes) {
    let len = 0;
    let scale = 1;
    for (let pos = 1; pos < 6 && pos < b.length; pos++) {
      const byte = b[pos] as number;
      len += (byte & 127) * scale;
      if (byte < 128) {
        if (pos + 1 + len !== b.length) break;
        return new Uint8Array(b.buffer, b.byteOffset + pos + 1, len);
      }
      scale *= 128;
    }
  }
  return decodeValue(any, options);
}
