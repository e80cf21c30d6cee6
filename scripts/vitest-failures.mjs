#!/usr/bin/env node
// Prints one line per failed vitest test from a `--reporter=json` report, so the
// names of failures reach the last lines of a long run (CI keeps only its tail).
// Usage: node scripts/vitest-failures.mjs REPORT.json
import { readFileSync } from "node:fs";
import { relative } from "node:path";

const reportPath = process.argv[2];
if (!reportPath) {
  console.error("usage: vitest-failures.mjs REPORT.json");
  process.exit(2);
}

let report;
try {
  report = JSON.parse(readFileSync(reportPath, "utf8"));
} catch (error) {
  console.log(`vitest: no readable JSON report (${error.message}); see the output above`);
  process.exit(0);
}

const firstLine = (text) =>
  String(text ?? "")
    .split("\n")
    .find((line) => line.trim() !== "") ?? "";
const clip = (text, max = 240) => (text.length > max ? `${text.slice(0, max)}…` : text);

let listed = 0;
for (const file of report.testResults ?? []) {
  const name = relative(process.cwd(), file.name ?? "?");
  const failedTests = (file.assertionResults ?? []).filter((test) => test.status === "failed");
  for (const test of failedTests) {
    listed++;
    console.log(`FAILED ${name} > ${test.fullName ?? test.title}`);
    const message = firstLine(test.failureMessages?.[0]);
    // vitest's JSON report says only "STACK_TRACE_ERROR" for a test that ran out of time.
    const said = message.includes("STACK_TRACE_ERROR")
      ? `timed out after ${Math.round(test.duration ?? 0)} ms`
      : message;
    console.log(`       ${clip(said)}`);
  }
  // A file can fail without a failed test: an import error or a failing hook.
  if (failedTests.length === 0 && file.status === "failed") {
    listed++;
    console.log(`FAILED ${name} (file)`);
    console.log(`       ${clip(firstLine(file.message))}`);
  }
}
if (listed === 0 && report.success === false) {
  console.log("vitest: no test failed, but the run did (an unhandled error?); see the output above");
}
