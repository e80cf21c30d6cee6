/** The package a file belongs to, by its absolute path: "zod", "@grpc/grpc-js", "@toolbridge/host"... */
export function packageOf(file: string): string | undefined;
/** What bundle.mjs wrote: the packages in dist/bin.js and each chunk, and those left in node_modules. */
export function bundleManifest(): { external: string[]; files: Record<string, string[]> };
/** The packages in each loaded module file (file: URLs), bundle files included. */
export function loadedPackages(urls: readonly string[]): { file: string; bundled: boolean; packages: string[] }[];
