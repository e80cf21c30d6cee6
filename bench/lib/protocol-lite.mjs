// The parts of @toolbridge/protocol that the baseline (and the raw session opener)
// use: the generated messages and the shared limits, imported file by file so those
// processes never load the value codec (and Apache Arrow with it): that is toolbridge
// code, and its load time would blur the serve-ready scenario.
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { BridgeService } from "@toolbridge/protocol/gen";

export * from "@toolbridge/protocol/gen";
export { DEFAULT_LIMITS } from "../../packages/protocol/dist/limits.js";

/**
 * grpc-js service definition of BridgeService with protobuf-es' own toBinary and
 * fromBinary for every method: the baseline the issue defines. toolbridge's
 * bridgeServiceDefinition has hand-written codecs for its hot messages, which must
 * not speed up the side it is measured against.
 */
export const baselineServiceDefinition = Object.fromEntries(
  BridgeService.methods.map((method) => [
    method.name,
    {
      path: `/${BridgeService.typeName}/${method.name}`,
      requestStream: method.methodKind === "client_streaming" || method.methodKind === "bidi_streaming",
      responseStream: method.methodKind === "server_streaming" || method.methodKind === "bidi_streaming",
      requestSerialize: serializer(method.input),
      requestDeserialize: (bytes) => fromBinary(method.input, bytes),
      responseSerialize: serializer(method.output),
      responseDeserialize: (bytes) => fromBinary(method.output, bytes),
      originalName: method.localName,
    },
  ]),
);

function serializer(schema) {
  return (message) => {
    const bytes = toBinary(schema, message);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
}
