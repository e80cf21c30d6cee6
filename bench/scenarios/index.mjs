// Every scenario, in the order the table prints them.
import asyncIo from "./async-io.mjs";
import batch from "./batch.mjs";
import idleSessions from "./idle-sessions.mjs";
import largeArgs from "./large-args.mjs";
import memoryCalls from "./memory-calls.mjs";
import pythonClient from "./python-client.mjs";
import serveReady from "./serve-ready.mjs";
import stream from "./stream.mjs";
import throughput from "./throughput.mjs";
import unaryEcho from "./unary-echo.mjs";

export const SCENARIOS = [
  unaryEcho,
  throughput,
  asyncIo,
  batch,
  stream,
  largeArgs,
  memoryCalls,
  idleSessions,
  serveReady,
  pythonClient,
];
