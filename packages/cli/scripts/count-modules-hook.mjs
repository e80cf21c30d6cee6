// Preloaded by measure-startup.mjs (node --import): prints one "module-load FILE" line on
// stderr per module the process loads. ES modules are seen by a loader hook, CommonJS files
// by wrapping Module.prototype._compile (Node 20 has no synchronous hooks for require).
import Module, { register } from "node:module";

register(
  "data:text/javascript," +
    encodeURIComponent(`
import { writeSync } from "node:fs";
export async function load(url, context, next) {
  const result = await next(url, context);
  if (url.startsWith("file:") && result.format === "module") writeSync(2, "module-load " + url + "\\n");
  return result;
}`),
);

const compile = Module.prototype._compile;
Module.prototype._compile = function (content, filename) {
  process.stderr.write(`module-load file://${filename}\n`);
  return compile.call(this, content, filename);
};
