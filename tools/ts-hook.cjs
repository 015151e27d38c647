// @ts-check
/**
 * Lets plain `node` require the project's TypeScript, for the offline tools
 * that must start fast (the plan). It only strips types, with esbuild, and
 * keeps each compiled file in node_modules/.cache keyed by its content, so a
 * warm run never starts esbuild at all. Type checking is `npm test`'s job
 * (and Pulumi's own ts-node on `pulumi up`), not this hook's.
 */
"use strict";

const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const cacheDir = (() => {
  const preferred = path.join(root, "node_modules", ".cache", "stacklok-identity", "ts");
  try {
    fs.mkdirSync(preferred, { recursive: true });
    return preferred;
  } catch {
    return fs.mkdtempSync(path.join(os.tmpdir(), "stacklok-identity-ts-"));
  }
})();

/** Bump when the transform options change, so old cache entries are ignored. */
const TRANSFORM_VERSION = "1";

/** @type {typeof import("esbuild") | undefined} */
let esbuild;

/**
 * @param {string} source
 * @param {string} filename
 */
function compile(source, filename) {
  esbuild ??= require("esbuild");
  return esbuild.transformSync(source, {
    loader: "ts",
    format: "cjs",
    target: "node20",
    sourcefile: filename,
    sourcemap: "inline",
  }).code;
}

/**
 * @param {NodeJS.Module & { _compile(code: string, filename: string): void }} module
 * @param {string} filename
 */
function loadTypeScript(module, filename) {
  const source = fs.readFileSync(filename, "utf8");
  const key = crypto.createHash("sha256").update(`${TRANSFORM_VERSION}\0${filename}\0${source}`).digest("hex");
  const cached = path.join(cacheDir, `${key}.js`);
  let code;
  try {
    code = fs.readFileSync(cached, "utf8");
  } catch {
    code = compile(source, filename);
    // Write then rename: a concurrent run never reads half a file.
    const partial = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(partial, code);
    fs.renameSync(partial, cached);
  }
  module._compile(code, filename);
}

require.extensions[".ts"] = /** @type {any} */ (loadTypeScript);
