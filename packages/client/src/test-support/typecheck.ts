import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const packageSource = (name: string) => join(root, "packages", name, "src", "index.ts");

/**
 * Type-checks standalone ES modules (name -> source) the way a user's strict
 * project would, with `@toolbridge/*` resolved to the workspace sources.
 * Returns the diagnostics as "file(line): message" strings; empty means it compiles.
 */
export function typecheck(files: Record<string, string>): string[] {
  const dir = mkdtempSync(join(tmpdir(), "toolbridge-typecheck-"));
  try {
    const names = Object.entries(files).map(([name, source]) => {
      const path = join(dir, name);
      writeFileSync(path, source);
      return path;
    });
    const program = ts.createProgram(names, {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ["lib.es2023.d.ts"],
      strict: true,
      noUncheckedIndexedAccess: true,
      verbatimModuleSyntax: true,
      skipLibCheck: true,
      noEmit: true,
      allowImportingTsExtensions: true,
      types: ["node"],
      typeRoots: [join(root, "node_modules", "@types")],
      paths: {
        "@toolbridge/client": [packageSource("client")],
        "@toolbridge/protocol": [packageSource("protocol")],
      },
    });
    return ts
      .getPreEmitDiagnostics(program)
      .filter((diagnostic) => diagnostic.file === undefined || diagnostic.file.fileName.startsWith(dir))
      .map((diagnostic) => {
        const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
        if (diagnostic.file === undefined || diagnostic.start === undefined) return message;
        const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
        return `${diagnostic.file.fileName.slice(dir.length + 1)}(${line + 1}): ${message}`;
      });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
