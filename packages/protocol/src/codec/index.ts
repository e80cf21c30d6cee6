// The lossless value codec: see docs/values.md.
export { type DecodeOptions, decodeValue } from "./decode.js";
export { type EncodeOptions, encodeValue } from "./encode.js";
export { CodecRegistry, defaultCodecs, RawExtension, registerCodec, type ValueCodec } from "./extensions.js";
export { Float64, isWireInt } from "./float64.js";
export { INDEX_METADATA_KEY } from "./table-encode.js";
export { TYPE as VALUE_TYPE_NAMES, TYPE_URL_PREFIX } from "./type-urls.js";
