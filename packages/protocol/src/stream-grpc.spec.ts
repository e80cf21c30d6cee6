import { create } from "@bufbuild/protobuf";
import { AnySchema } from "@bufbuild/protobuf/wkt";
import {
  type ClientReadableStream,
  credentials,
  makeGenericClientConstructor,
  Server,
  ServerCredentials,
  type ServerWritableStream,
} from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeValue } from "./codec/decode.js";
import { encodeValue } from "./codec/encode.js";
import {
  type StreamToolRequest,
  StreamToolRequestSchema,
  type StreamToolResponse,
  StreamToolResponseSchema,
} from "./gen/toolbridge/v1/tools_pb.js";
import { bridgeServiceDefinition } from "./grpc-service.js";
import { scratchAllocator } from "./stream-response-writer.js";

const BYTES_URL = "type.googleapis.com/google.protobuf.BytesValue";
const CHUNKS = 40;

/** Chunk `i` of stream `tag`: a size and a fill that no other chunk of either stream has. */
const payload = (tag: number, i: number) => new Uint8Array(1000 + 997 * i + tag).fill((tag * 50 + i) & 255);

/** One 64 KB value sent by streams 3 and 4 at once, each chunk with its own header. */
const shared = new Uint8Array(65_536).fill(77);
const sharedAny = encodeValue(shared);

/** Chunk `i` of stream `tag`: a plain Any (1), encodeValue's with room in front of large values (2), or the shared one. */
const chunkValue = (tag: number, i: number) =>
  tag === 1
    ? create(AnySchema, { typeUrl: BYTES_URL, value: payload(tag, i) })
    : tag === 2
      ? encodeValue(payload(tag, i))
      : sharedAny;

/** The bytes chunk `i` of stream `tag` carries. */
const expected = (tag: number, i: number) => (tag >= 3 ? shared : payload(tag, i));

/**
 * The data-chunk serializer writes every chunk into one scratch buffer, or writes
 * the header into the room in front of an encoded value (one value may be in
 * several streams): both only safe because grpc-js copies each serialized response
 * into its frame at once; streams interleaving their writes must still deliver
 * every byte.
 */
describe("StreamTool through grpc-js with the hand-written chunk codec", () => {
  let server: Server;
  let client: InstanceType<ReturnType<typeof makeGenericClientConstructor>>;

  beforeAll(async () => {
    server = new Server();
    server.addService(bridgeServiceDefinition, {
      StreamTool: async (call: ServerWritableStream<StreamToolRequest, StreamToolResponse>) => {
        const tag = Number(call.request.streamId);
        for (let i = 0; i < CHUNKS; i++) {
          const value = chunkValue(tag, i);
          const chunk = create(StreamToolResponseSchema, {
            streamId: call.request.streamId,
            sequence: BigInt(i),
            content: { case: "data", value },
          });
          if (!call.write(chunk)) await new Promise((resolve) => call.once("drain", resolve));
        }
        call.write(
          create(StreamToolResponseSchema, {
            streamId: call.request.streamId,
            sequence: BigInt(CHUNKS),
            content: { case: "complete", value: { totalChunks: BigInt(CHUNKS) } },
          }),
        );
        call.end();
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    const Client = makeGenericClientConstructor(bridgeServiceDefinition, "BridgeService");
    client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  });

  afterAll(() => {
    client?.close();
    server?.forceShutdown();
  });

  const read = async (tag: number) => {
    const call = (
      client as unknown as { StreamTool(req: object): ClientReadableStream<StreamToolResponse> }
    ).StreamTool(create(StreamToolRequestSchema, { streamId: String(tag) }));
    const chunks: StreamToolResponse[] = [];
    for await (const chunk of call) chunks.push(chunk as StreamToolResponse);
    return chunks;
  };

  it("delivers every chunk of concurrent streams intact", async () => {
    const streams = await Promise.all([read(1), read(2), read(3), read(4)]);
    for (const [index, chunks] of streams.entries()) {
      const tag = index + 1;
      expect(chunks).toHaveLength(CHUNKS + 1);
      for (let i = 0; i < CHUNKS; i++) {
        const chunk = chunks[i] as StreamToolResponse;
        expect(chunk.streamId).toBe(String(tag));
        expect(chunk.sequence).toBe(BigInt(i));
        expect(chunk.content.case).toBe("data");
        // Buffer.equals: toEqual walks 40 KB element by element.
        const any = chunk.content.value as Parameters<typeof decodeValue>[0];
        const received = Buffer.from(tag === 1 ? any.value : (decodeValue(any) as Uint8Array));
        expect(received.equals(expected(tag, i)), `stream ${tag} chunk ${i}`).toBe(true);
      }
      expect(chunks[CHUNKS]?.content.case).toBe("complete");
    }
  });
});

describe("scratchAllocator", () => {
  it("reuses one buffer up to its cap and allocates fresh ones above it", () => {
    const allocate = scratchAllocator(100);
    const small = allocate(10);
    const grown = allocate(60);
    expect(grown.buffer).not.toBe(small.buffer);
    expect(allocate(40).buffer).toBe(grown.buffer);
    expect(allocate(60).buffer).toBe(grown.buffer);
    const big = allocate(101);
    expect(big.length).toBe(101);
    expect(big.buffer).not.toBe(grown.buffer);
    expect(allocate(100).length).toBe(100);
  });
});
