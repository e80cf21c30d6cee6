#!/usr/bin/env node
// The `toolbridge` command as tsc builds it. `npm run build` replaces dist/bin.js with the
// bundle of main.ts (scripts/bundle.mjs), which starts faster.
import "./main.js";
