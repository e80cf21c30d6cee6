/**
 * The offline corpus `search_web` ranks: short summaries of real projects and
 * ideas, written for this demo so that searches work with no network. URLs point
 * at each topic's public home.
 */
export interface CorpusDocument {
  readonly title: string;
  readonly url: string;
  readonly body: string;
}

export const CORPUS: readonly CorpusDocument[] = [
  {
    title: "DSPy: Programming, not prompting, language models",
    url: "https://dspy.ai/",
    body: "DSPy is a framework from Stanford NLP for programming language models instead of hand-writing prompts. You declare modules with signatures such as 'question -> answer', compose them into pipelines, and let optimizers tune prompts and few-shot examples against a metric. The DSPy framework ships modules like Predict, ChainOfThought and ReAct.",
  },
  {
    title: "DSPy signatures explained",
    url: "https://dspy.ai/learn/programming/signatures/",
    body: "A DSPy signature is a declarative specification of the input and output behaviour of a module. Inline signatures are strings like 'context: list[str], question -> answer: str'. Fields can carry types and descriptions, and the framework turns them into prompts or tool calls for the language model.",
  },
  {
    title: "ReAct: Synergizing Reasoning and Acting in Language Models",
    url: "https://arxiv.org/abs/2210.03629",
    body: "ReAct interleaves reasoning traces and task-specific actions: the model writes a thought, chooses an action such as a search or a calculation, reads the observation, and repeats until it can give a final answer. Grounding reasoning in tool observations reduces hallucination on question answering and decision making benchmarks.",
  },
  {
    title: "Introduction to gRPC",
    url: "https://grpc.io/docs/what-is-grpc/introduction/",
    body: "gRPC is a high-performance, open source remote procedure call framework. A client application calls a method on a server application on a different machine as if it were a local object. Services are defined with Protocol Buffers, and gRPC supports unary calls, server streaming, client streaming and bidirectional streaming over HTTP/2.",
  },
  {
    title: "gRPC core concepts, architecture and lifecycle",
    url: "https://grpc.io/docs/what-is-grpc/core-concepts/",
    body: "Every gRPC call carries metadata, an optional deadline and a final status code. Deadlines propagate so that servers stop work the client no longer waits for, and cancellation is visible on both sides. Channels multiplex many concurrent calls over one HTTP/2 connection.",
  },
  {
    title: "gRPC status codes",
    url: "https://grpc.io/docs/guides/status-codes/",
    body: "gRPC defines status codes such as OK, CANCELLED, INVALID_ARGUMENT, DEADLINE_EXCEEDED, NOT_FOUND, RESOURCE_EXHAUSTED, UNAVAILABLE and INTERNAL. UNAVAILABLE usually means a transient condition and is the code a client may retry with backoff. Richer error details travel in google.rpc.Status inside the grpc-status-details-bin trailer.",
  },
  {
    title: "gRPC health checking protocol",
    url: "https://grpc.io/docs/guides/health-checking/",
    body: "The grpc.health.v1.Health service lets load balancers and orchestrators ask whether a server is SERVING or NOT_SERVING, either once with Check or continuously with Watch. Kubernetes supports gRPC health probes natively.",
  },
  {
    title: "gRPC server reflection",
    url: "https://grpc.io/docs/guides/reflection/",
    body: "Server reflection lets clients discover a server's services and message types at run time. Tools such as grpcurl and grpcui use reflection to list services, describe methods and build requests without a copy of the proto files.",
  },
  {
    title: "Protocol Buffers overview",
    url: "https://protobuf.dev/overview/",
    body: "Protocol Buffers are a language-neutral, platform-neutral mechanism for serializing structured data. You define messages in .proto files and generate code for many languages. The binary wire format is compact and fields can be added without breaking old readers, as long as field numbers are never reused.",
  },
  {
    title: "Protobuf well-known types: Any, Struct, Timestamp",
    url: "https://protobuf.dev/reference/protobuf/google.protobuf/",
    body: "google.protobuf.Any carries an arbitrary serialized message together with a type URL. Struct and Value model JSON-like data, Timestamp stores seconds and nanos since the Unix epoch, and wrappers add presence to scalar fields.",
  },
  {
    title: "Buf: a better way to work with Protocol Buffers",
    url: "https://buf.build/docs/",
    body: "The buf CLI lints and formats proto files, detects breaking changes against a previous version, and runs code generation plugins such as protoc-gen-es from a buf.gen.yaml file. Its lint rules enforce consistent package names, versioned packages and request/response naming.",
  },
  {
    title: "Protobuf-ES: Protocol Buffers for JavaScript and TypeScript",
    url: "https://github.com/bufbuild/protobuf-es",
    body: "Protobuf-ES generates idiomatic TypeScript from proto files and passes the conformance test suite. Messages are plain objects created with create(), serialized with toBinary and parsed with fromBinary, and int64 fields map to JavaScript bigint.",
  },
  {
    title: "@grpc/grpc-js: pure JavaScript gRPC for Node.js",
    url: "https://github.com/grpc/grpc-node/tree/master/packages/grpc-js",
    body: "grpc-js is the pure JavaScript implementation of gRPC for Node.js, built on the http2 module. It supports unary and streaming calls, deadlines, cancellation, keepalive, channel options like the HTTP/2 flow control window, and TLS credentials.",
  },
  {
    title: "HTTP/2 explained: streams, multiplexing and flow control",
    url: "https://http2-explained.haxx.se/",
    body: "HTTP/2 sends many concurrent streams over one TCP connection as interleaved binary frames, compresses headers with HPACK, and applies flow control per stream and per connection. A small flow control window limits throughput on high bandwidth links, so bulk transfers benefit from a larger window.",
  },
  {
    title: "Model Context Protocol specification",
    url: "https://modelcontextprotocol.io/specification",
    body: "The Model Context Protocol connects language model applications to tools, resources and prompts. Servers describe tools with a name, a description and a JSON Schema for input; clients call them and receive structured results. Tool errors are reported inside the result rather than as protocol errors, so the model can see and react to them.",
  },
  {
    title: "OpenAI function calling guide",
    url: "https://platform.openai.com/docs/guides/function-calling",
    body: "Function calling lets a chat completions model decide to call tools you describe with JSON Schema. The model returns tool calls with arguments; your code runs them and sends the results back as tool messages so the model can continue the conversation.",
  },
  {
    title: "HashiCorp go-plugin: plugins over RPC",
    url: "https://github.com/hashicorp/go-plugin",
    body: "go-plugin runs plugins as subprocesses that talk to the host over gRPC or net/rpc. It handles the handshake, health checking, logging and clean shutdown, so a crashing plugin cannot take the host down, and plugins can be written in any language that speaks gRPC.",
  },
  {
    title: "Python asyncio: asynchronous I/O",
    url: "https://docs.python.org/3/library/asyncio.html",
    body: "asyncio is Python's library for writing concurrent code with async and await. It provides an event loop, tasks, streams, subprocesses and synchronization primitives, and is the foundation of many network frameworks including grpc.aio.",
  },
  {
    title: "grpcio AsyncIO API",
    url: "https://grpc.github.io/grpc/python/grpc_asyncio.html",
    body: "grpc.aio is the asyncio API of the Python gRPC library. Channels and stubs return awaitables for unary calls and async iterators for streaming responses, and servers run handlers as coroutines on the event loop.",
  },
  {
    title: "Node.js event loop, timers and process.nextTick",
    url: "https://nodejs.org/en/learn/asynchronous-work/event-loop-timers-and-nexttick",
    body: "The Node.js event loop processes timers, pending callbacks, polling for I/O, setImmediate callbacks and close callbacks in phases. Long synchronous work blocks every request, so CPU heavy tasks belong in worker threads or separate processes.",
  },
  {
    title: "AbortController and AbortSignal in Node.js",
    url: "https://nodejs.org/api/globals.html#class-abortcontroller",
    body: "An AbortController creates an AbortSignal that can cancel asynchronous operations such as fetch, timers from node:timers/promises and stream pipelines. Passing one signal through a call chain makes cancellation reach every step of the work.",
  },
  {
    title: "TypeScript handbook: generics",
    url: "https://www.typescriptlang.org/docs/handbook/2/generics.html",
    body: "Generics let functions and types work over many types while keeping type information. Together with mapped and conditional types they can derive the argument and result types of an API from a single declaration.",
  },
  {
    title: "Zod: TypeScript-first schema validation",
    url: "https://zod.dev/",
    body: "Zod declares schemas once and infers static TypeScript types from them. Parsing unknown input returns typed data or an error listing every issue with its path, and Zod 4 can convert schemas to JSON Schema.",
  },
  {
    title: "JSON Schema: a vocabulary for validating JSON",
    url: "https://json-schema.org/understanding-json-schema",
    body: "JSON Schema describes the structure of JSON documents: types, required properties, enums, numeric ranges and string formats. It is the common language tool descriptions use for their input parameters.",
  },
  {
    title: "Redis data types and expiry",
    url: "https://redis.io/docs/latest/develop/data-types/",
    body: "Redis is an in-memory data store with strings, hashes, lists, sets, sorted sets and streams. Keys can expire after a time to live, pub/sub and keyspace notifications announce changes, and transactions with WATCH give optimistic concurrency control.",
  },
  {
    title: "BM25 ranking function",
    url: "https://en.wikipedia.org/wiki/Okapi_BM25",
    body: "Okapi BM25 ranks documents by the query terms they contain. Each term contributes its inverse document frequency times a saturating function of the term frequency, normalized by document length with the parameters k1 and b. It remains a strong baseline for keyword search.",
  },
  {
    title: "tf-idf: term frequency and inverse document frequency",
    url: "https://en.wikipedia.org/wiki/Tf%E2%80%93idf",
    body: "tf-idf weighs a word by how often it appears in a document and how rare it is across the collection. Common words such as 'the' get little weight, while distinctive terms dominate the score. It underlies many search engines and text classifiers.",
  },
  {
    title: "Retrieval-augmented generation",
    url: "https://arxiv.org/abs/2005.11401",
    body: "Retrieval-augmented generation combines a retriever that finds relevant passages with a language model that conditions its answer on them. Grounding generation in retrieved documents improves factual accuracy on knowledge intensive tasks.",
  },
  {
    title: "Apache Arrow columnar format",
    url: "https://arrow.apache.org/docs/format/Columnar.html",
    body: "Apache Arrow defines a language independent columnar memory format for flat and nested data. The Arrow IPC format moves tables between processes and languages without per-row serialization, which makes it a good fit for data frames.",
  },
  {
    title: "pandas DataFrame",
    url: "https://pandas.pydata.org/docs/reference/frame.html",
    body: "A pandas DataFrame is a two-dimensional labeled table with columns of possibly different types. It supports selection, grouping, joins, reshaping and time series operations, and converts to and from Arrow tables.",
  },
  {
    title: "Prometheus metric types",
    url: "https://prometheus.io/docs/concepts/metric_types/",
    body: "Prometheus collects counters, gauges, histograms and summaries over HTTP in a text exposition format. Histograms bucket observations such as request latencies so that percentiles can be computed at query time.",
  },
  {
    title: "OpenTelemetry traces and context propagation",
    url: "https://opentelemetry.io/docs/concepts/signals/traces/",
    body: "A trace is a tree of spans that follow one request across services. Context propagation passes trace identifiers in request metadata, such as gRPC metadata or HTTP headers, so each service adds its spans to the same trace.",
  },
  {
    title: "Exponential backoff and jitter",
    url: "https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/",
    body: "Clients that retry failed calls should wait exponentially longer between attempts and add random jitter, so that many clients do not retry in lockstep and overload a recovering service. Full jitter spreads retries most evenly.",
  },
  {
    title: "Idempotency keys for safe retries",
    url: "https://stripe.com/blog/idempotency",
    body: "An idempotency key sent with a request lets the server recognise a retry and return the original outcome instead of performing the operation twice. It makes retries after network failures safe for operations with side effects.",
  },
  {
    title: "RFC 9457: Problem Details for HTTP APIs",
    url: "https://www.rfc-editor.org/rfc/rfc9457",
    body: "Problem details define a JSON format, media type application/problem+json, for machine readable error responses in HTTP APIs. A problem has a type URI, a title, the HTTP status, a detail message and extension members.",
  },
  {
    title: "Server-Sent Events",
    url: "https://html.spec.whatwg.org/multipage/server-sent-events.html",
    body: "Server-Sent Events stream text events from a server to a browser over one long-lived HTTP response with the text/event-stream media type. Each event has optional id and event fields and one or more data lines, and the browser reconnects automatically.",
  },
  {
    title: "Fastify: fast and low overhead web framework for Node.js",
    url: "https://fastify.dev/docs/latest/",
    body: "Fastify is a Node.js web framework focused on performance, with schema based validation and serialization, an encapsulated plugin system, hooks and structured logging through pino.",
  },
  {
    title: "Locust: scalable load testing in Python",
    url: "https://docs.locust.io/en/stable/",
    body: "Locust describes user behaviour in Python code: each simulated user runs weighted tasks with wait times between them. It can run headless from the command line and reports requests per second, response time percentiles and failures.",
  },
  {
    title: "Elixir and OTP supervision trees",
    url: "https://hexdocs.pm/elixir/supervisor-and-application.html",
    body: "Elixir processes run on the BEAM virtual machine and are organised in supervision trees: a supervisor restarts crashed children according to a strategy, which makes let-it-crash error handling practical for long running services.",
  },
  {
    title: "Chain-of-thought prompting",
    url: "https://arxiv.org/abs/2201.11903",
    body: "Chain-of-thought prompting asks a language model to write intermediate reasoning steps before the final answer. It improves performance on arithmetic, commonsense and symbolic reasoning tasks for sufficiently large models.",
  },
  {
    title: "Property-based testing with fast-check",
    url: "https://fast-check.dev/",
    body: "fast-check generates random inputs from arbitraries, checks that a property holds for each, and shrinks failing cases to a minimal counterexample. It finds edge cases in parsers, codecs and state machines that hand-written examples miss.",
  },
  {
    title: "Hypothesis: property-based testing for Python",
    url: "https://hypothesis.readthedocs.io/",
    body: "Hypothesis writes test cases for you from strategies that describe the data, runs the test on many examples and reports the simplest failing one. It integrates with pytest and supports stateful testing.",
  },
];
