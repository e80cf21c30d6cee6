import { create } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import {
  DEFAULT_LIMITS,
  ErrorInfoSchema,
  encodeValue,
  ToolLimitsSchema,
  ToolLocation,
  type ToolSpec,
  ToolSpecSchema,
  ToolType,
} from "@toolbridge/protocol";
import type { z } from "zod";
import { ToolFailure } from "../errors.js";
import type { ToolCall, ToolContext, ToolExecutor } from "../registry/types.js";
import { bindArguments } from "./bind-args.js";
import { deriveArguments, jsonSchemaOf, typeName } from "./schema.js";

/** The ToolSpec fields that come from the JSON Schema of the tool's zod schemas. */
type SchemaFields = Pick<ToolSpec, "arguments" | "inputJsonSchema" | "outputJsonSchema" | "returnType">;
const SCHEMA_FIELDS = ["arguments", "inputJsonSchema", "outputJsonSchema", "returnType"] as const;

/** Limits the host enforces for one tool. */
export interface ToolLimitOptions {
  /** Calls running at once; more wait in a queue (0 or absent = unlimited). */
  maxConcurrentCalls?: number;
  /** Calls allowed to wait for a slot before ResourceExhausted (default 100). */
  maxQueuedCalls?: number;
  /** Token bucket over all sessions: calls per minute (absent = unlimited). */
  rateLimitPerMinute?: number;
  /** Advisory memory budget, published in the ToolSpec. */
  maxMemoryBytes?: number;
}

type UnaryHandler<I, O> = (args: I, ctx: ToolContext) => Promise<O> | O;
type StreamHandler<I, O> = (args: I, ctx: ToolContext) => AsyncIterable<O>;

export interface ToolOptions<I extends z.ZodObject, O> {
  name: string;
  description?: string;
  /** Keyword arguments; positional arguments bind to its fields in declaration order. */
  input: I;
  /** Result schema: checked after the handler, published as output JSON Schema. */
  output?: z.ZodType<O>;
  /** `async function` for a unary tool, `async function*` for a streaming tool. */
  handler: UnaryHandler<z.output<I>, O> | StreamHandler<z.output<I>, O>;
  /** Marks a handler that returns an AsyncIterable without being an async generator function. */
  streaming?: boolean;
  /** Per-call timeout (default 30 s unary, 5 min streaming); a shorter client deadline wins. */
  timeoutMs?: number;
  limits?: ToolLimitOptions;
  metadata?: Record<string, string>;
}

/** A tool declared with defineTool: its spec plus the executor that runs it in-process. */
export interface ToolDefinition extends ToolExecutor {
  readonly name: string;
  readonly streaming: boolean;
  readonly limits: Readonly<ToolLimitOptions>;
}

const AsyncGeneratorFunction = Object.getPrototypeOf(async function* () {}).constructor;

/**
 * Declares a tool once: the ToolSpec (arguments with type, required, default,
 * description and constraints) and its JSON Schema come from the zod schema,
 * derived when first read; arguments are decoded and validated before the
 * handler runs.
 */
export function defineTool<I extends z.ZodObject, O>(options: ToolOptions<I, O>): ToolDefinition {
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(options.name)) {
    throw new TypeError(`invalid tool name ${JSON.stringify(options.name)}: use letters, digits, _ . -`);
  }
  const streaming = options.streaming ?? options.handler instanceof AsyncGeneratorFunction;
  const limits = options.limits ?? {};
  const spec: ToolSpec = create(ToolSpecSchema, {
    toolId: options.name,
    name: options.name,
    description: options.description ?? "",
    type: streaming ? ToolType.STREAMING : ToolType.STANDARD,
    metadata: options.metadata ?? {},
    limits: create(ToolLimitsSchema, {
      timeoutMs: options.timeoutMs ?? (streaming ? DEFAULT_LIMITS.streamTimeoutMs : DEFAULT_LIMITS.unaryTimeoutMs),
      maxConcurrentCalls: limits.maxConcurrentCalls ?? 0,
      maxQueuedCalls: limits.maxQueuedCalls ?? 0,
      rateLimitPerMinute: limits.rateLimitPerMinute ?? 0,
      maxMemoryBytes: BigInt(limits.maxMemoryBytes ?? 0),
    }),
    location: ToolLocation.HOST,
  });
  deriveOnFirstRead(spec, () => {
    const derived = deriveArguments(options.input);
    const outputJson = options.output ? jsonSchemaOf(options.output) : undefined;
    return {
      arguments: derived.arguments,
      inputJsonSchema: derived.inputJsonSchema,
      outputJsonSchema: outputJson ? JSON.stringify(outputJson) : "",
      returnType: outputJson ? typeName(options.output, outputJson) : "any",
    };
  });

  const name = options.name;
  const input = options.input;
  // Declaration order, for positional arguments (keys only: no JSON Schema needed).
  const names = Object.keys(input.shape);
  const output = options.output;
  const handler = options.handler as (args: unknown, ctx: ToolContext) => unknown;

  const encodeResult = (value: unknown): Any => {
    if (output) {
      const checked = output.safeParse(value);
      if (!checked.success) {
        throw new ToolFailure(
          create(ErrorInfoSchema, {
            type: "ToolError",
            message: `${name} returned a result that does not match its output schema: ${checked.error.issues
              .map((i) => `${i.path.join(".") || "$"}: ${i.message}`)
              .join("; ")}`,
            toolName: name,
          }),
        );
      }
    }
    return encodeValue(value);
  };

  return {
    name,
    streaming,
    limits,
    spec,
    async execute(call: ToolCall, ctx: ToolContext): Promise<Any> {
      const args = bindArguments(name, names, input, call);
      if (streaming) {
        throw new ToolFailure(
          create(ErrorInfoSchema, {
            type: "ValidationError",
            message: `${name} is a streaming tool: call it with StreamTool`,
            toolName: name,
          }),
        );
      }
      return encodeResult(await handler(args, ctx));
    },
    async *stream(call: ToolCall, ctx: ToolContext): AsyncIterable<Any> {
      const args = bindArguments(name, names, input, call);
      if (!streaming) {
        yield encodeResult(await handler(args, ctx));
        return;
      }
      for await (const chunk of handler(args, ctx) as AsyncIterable<unknown>) yield encodeResult(chunk);
    },
  };
}

/**
 * Makes the JSON-Schema-derived fields of `spec` computed on first read. zod's
 * toJSONSchema costs about a millisecond a tool (several for the first): a host
 * registers its tools before it listens, but their schemas are first read by a
 * ListTools, GetSession or the gateway. Reading any of the fields derives them
 * all; each then becomes a plain writable property, so the message behaves like
 * any other ToolSpec (create, clone, toBinary, equals, spread).
 */
function deriveOnFirstRead(spec: ToolSpec, derive: () => SchemaFields): void {
  let derived: SchemaFields | undefined;
  const settle = (field: keyof SchemaFields, value: unknown) =>
    Object.defineProperty(spec, field, { value, writable: true, enumerable: true, configurable: true });
  for (const field of SCHEMA_FIELDS) {
    Object.defineProperty(spec, field, {
      enumerable: true,
      configurable: true,
      get() {
        derived ??= derive();
        settle(field, derived[field]);
        return derived[field];
      },
      set(value: unknown) {
        settle(field, value);
      },
    });
  }
}
