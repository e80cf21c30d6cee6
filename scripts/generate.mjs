#!/usr/bin/env node
// Regenerates the committed protobuf code from proto/:
//   TypeScript (protoc-gen-es via buf) -> packages/protocol/src/gen
//   Python (Debian protoc + grpc_python_plugin) -> python/toolbridge/v1
//   Descriptor set for server reflection -> packages/protocol/descriptor/toolbridge.binpb
// With --check, generates into a temporary directory and exits 1 if anything
// differs from what is committed (used by the test suite).
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const check = process.argv.includes("--check");
const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);
const bin = (name) => join(root, "node_modules", ".bin", name);

const targets = {
  ts: { dir: "packages/protocol/src/gen", generate: generateTs },
  python: { dir: "python/toolbridge/v1", generate: generatePython },
  descriptor: { dir: "packages/protocol/descriptor", generate: generateDescriptor },
};

function protoFiles() {
  return readdirSync(join(root, "proto/toolbridge/v1"))
    .filter((f) => f.endsWith(".proto"))
    .sort()
    .map((f) => `toolbridge/v1/${f}`);
}

function generateTs(out) {
  const template = readFileSync(join(root, "buf.gen.yaml"), "utf8").replace(
    "out: packages/protocol/src/gen",
    `out: ${out}`,
  );
  execFileSync(bin("buf"), ["generate", "--template", template], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, PATH: `${join(root, "node_modules/.bin")}:${process.env.PATH}` },
  });
}

function generatePython(out) {
  const work = mkdtempSync(join(tmpdir(), "tb-py-"));
  execFileSync(
    "protoc",
    [
      "-Iproto",
      `--python_out=${work}`,
      `--pyi_out=${work}`,
      `--grpc_python_out=${work}`,
      "--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin",
      ...protoFiles().map((f) => `proto/${f}`),
    ],
    { cwd: root, stdio: "inherit" },
  );
  mkdirSync(out, { recursive: true });
  cpSync(join(work, "toolbridge/v1"), out, { recursive: true });
  rmSync(work, { recursive: true, force: true });
}

function generateDescriptor(out) {
  mkdirSync(out, { recursive: true });
  execFileSync(bin("buf"), ["build", "-o", join(out, "toolbridge.binpb")], { cwd: root, stdio: "inherit" });
}

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  const result = [];
  for (const entry of readdirSync(dir)) {
    if (entry === "__pycache__" || entry === "__init__.py") continue;
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) result.push(...listFiles(full).map((f) => join(entry, f)));
    else result.push(entry);
  }
  return result.sort();
}

let drift = 0;
for (const [name, target] of Object.entries(targets)) {
  if (only && only !== name) continue;
  const committed = join(root, target.dir);
  if (!check) {
    for (const f of listFiles(committed)) rmSync(join(committed, f));
    target.generate(target.dir === committed ? committed : join(root, target.dir));
    continue;
  }
  const fresh = mkdtempSync(join(tmpdir(), `tb-gen-${name}-`));
  target.generate(fresh);
  const a = listFiles(committed);
  const b = listFiles(fresh);
  for (const f of new Set([...a, ...b])) {
    const left = a.includes(f) ? readFileSync(join(committed, f)) : null;
    const right = b.includes(f) ? readFileSync(join(fresh, f)) : null;
    if (!left || !right || !left.equals(right)) {
      drift++;
      console.error(`generated code out of date: ${relative(root, join(committed, f))} (run npm run generate)`);
    }
  }
  rmSync(fresh, { recursive: true, force: true });
}
if (check && drift > 0) process.exit(1);
if (check) console.log("generated code matches proto/");
