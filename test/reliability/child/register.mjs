// `node --import ./register.mjs script.ts`: installs ts-hooks.mjs for the child.
import { register } from "node:module";

register(new URL("./ts-hooks.mjs", import.meta.url));
