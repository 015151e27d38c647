// @ts-check
/**
 * Lets plain `node` require the project's TypeScript, for the offline tools
 * that must start fast (the plan). It only strips types, with esbuild, and
 * keeps each compiled file in node_modules/.cache keyed by its content, so a
 * warm run never starts esbuild at all. Type checking is `npm test`'s job
 * (and Pulumi's own ts-node on `pulumi up`), not this hook's.
 *
 * It also loads the libraries the program adds to the Pulumi SDK (PREBUNDLED)
 * as one file each with a V8 code cache, since loading them file by file was
 * a large part of the plan's time above the SDK's own load
 * (docs/performance.md).
 */
"use strict";

const crypto = require("node:crypto");
const fs = require("node:fs");
const Module = require("node:module");
const os = require("node:os");
const path = require("node:path");
const vm = require("node:vm");

const root = path.resolve(__dirname, "..");
const cacheRoot = (() => {
  const preferred = path.join(root, "node_modules", ".cache", "stacklok-identity");
  try {
    fs.mkdirSync(path.join(preferred, "ts"), { recursive: true });
    fs.mkdirSync(path.join(preferred, "deps"), { recursive: true });
    return preferred;
  } catch {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "stacklok-identity-"));
    fs.mkdirSync(path.join(scratch, "ts"));
    fs.mkdirSync(path.join(scratch, "deps"));
    return scratch;
  }
})();
const cacheDir = path.join(cacheRoot, "ts");
const depsDir = path.join(cacheRoot, "deps");

/** Bump when the transform options change, so old cache entries are ignored. */
const TRANSFORM_VERSION = "1";

/** @type {typeof import("esbuild") | undefined} */
let esbuild;

/** @param {string} text */
function sha256(text) {
  return crypto.createHash("sha256").update(text).digest("hex");
}

/**
 * Write then rename: a concurrent run never reads half a file.
 * @param {string} file
 * @param {string | NodeJS.ArrayBufferView} data
 */
function writeAtomically(file, data) {
  const partial = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(partial, data);
  fs.renameSync(partial, file);
}

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
  const key = sha256(`${TRANSFORM_VERSION}\0${filename}\0${source}`);
  const cached = path.join(cacheDir, `${key}.js`);
  let code;
  try {
    code = fs.readFileSync(cached, "utf8");
  } catch {
    code = compile(source, filename);
    writeAtomically(cached, code);
  }
  module._compile(code, filename);
}

require.extensions[".ts"] = /** @type {any} */ (loadTypeScript);

/**
 * The libraries the program adds to the Pulumi SDK, each shipped as many
 * small CommonJS modules (zod about 95, yaml about 70). Node resolves, reads
 * and compiles every one of them on every run; loaded as one file with a V8
 * code cache, each costs a fraction of that. A bundle holds exactly the files
 * Node would load for the package (its own files only; other packages and
 * built-ins stay `require`s), so the code that runs is the same. Only the
 * bare names are redirected: every importer shares the one copy, and a
 * subpath such as `zod/v4/core` would load a second one, so none is used.
 */
const PREBUNDLED = new Set(["zod", "yaml"]);
const BUNDLE_EXTENSION = ".bundle.cjs";
/** Bump when the bundle options change. */
const BUNDLE_VERSION = "1";

/**
 * The bundle standing in for a package's entry, built on first use and kept
 * under node_modules/.cache, keyed by the entry, the package's version and
 * its package.json's mtime (a reinstall rebuilds it). Undefined when it
 * cannot be built: Node then loads the package as usual.
 * @param {string} name
 * @param {string} entry the file Node resolved the package to
 * @returns {string | undefined}
 */
function bundleFor(name, entry) {
  const marker = `${path.sep}node_modules${path.sep}${name}${path.sep}`;
  const at = entry.lastIndexOf(marker);
  if (at < 0) return undefined;
  try {
    const manifest = path.join(entry.slice(0, at + marker.length), "package.json");
    const { version } = /** @type {{ version?: string }} */ (JSON.parse(fs.readFileSync(manifest, "utf8")));
    const key = sha256(`${BUNDLE_VERSION}\0${entry}\0${String(version)}\0${fs.statSync(manifest).mtimeMs}`).slice(0, 16);
    const bundle = path.join(depsDir, `${name}-${key}${BUNDLE_EXTENSION}`);
    if (!fs.existsSync(bundle)) {
      esbuild ??= require("esbuild");
      const built = esbuild.buildSync({
        stdin: { contents: `module.exports = require(${JSON.stringify(entry)});`, resolveDir: path.dirname(entry), loader: "js" },
        bundle: true,
        packages: "external",
        platform: "node",
        format: "cjs",
        target: "node20",
        write: false,
        logLevel: "silent",
      });
      const output = built.outputFiles[0];
      if (output === undefined) return undefined;
      writeAtomically(bundle, output.text);
    }
    return bundle;
  } catch {
    return undefined;
  }
}

/** @type {Map<string, string | undefined>} */
const bundles = new Map();
const moduleInternals = /** @type {{ _resolveFilename(request: string, ...rest: unknown[]): string }} */ (
  /** @type {unknown} */ (Module)
);
const resolveFilename = moduleInternals._resolveFilename;
/**
 * @this {unknown}
 * @param {string} request
 * @param {unknown[]} rest
 */
moduleInternals._resolveFilename = function (request, ...rest) {
  const resolved = resolveFilename.call(this, request, ...rest);
  if (!PREBUNDLED.has(request)) return resolved;
  if (!bundles.has(resolved)) bundles.set(resolved, bundleFor(request, resolved));
  return bundles.get(resolved) ?? resolved;
};

/**
 * Runs a bundle as Node runs a CommonJS file, compiled with the V8 code cache
 * kept beside it. A missing or rejected cache (another Node) is written at
 * exit, so it also holds the functions the run compiled lazily.
 * @param {NodeJS.Module} module
 * @param {string} filename
 */
function loadBundle(module, filename) {
  const source = fs.readFileSync(filename, "utf8");
  const codeCache = `${filename}.${process.arch}-v8-${process.versions.v8}.cache`;
  /** @type {Buffer | undefined} */
  let cachedData;
  try {
    cachedData = fs.readFileSync(codeCache);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename,
    ...(cachedData === undefined ? {} : { cachedData }),
  });
  if (cachedData === undefined || script.cachedDataRejected === true) {
    process.once("exit", () => {
      try {
        writeAtomically(codeCache, script.createCachedData());
      } catch {
        // A run that cannot write the cache only stays slower.
      }
    });
  }
  /** @param {string} id */
  const localRequire = (id) => module.require(id);
  const wrapper = /** @type {(...args: unknown[]) => void} */ (script.runInThisContext());
  wrapper.call(module.exports, module.exports, localRequire, module, filename, path.dirname(filename));
}

require.extensions[BUNDLE_EXTENSION] = /** @type {any} */ (loadBundle);

/**
 * The TypeScript compiler, loaded when first used rather than with the SDK.
 * Requiring @pulumi/pulumi loads all of `typescript` (9 MB of JavaScript,
 * about 200 ms of CPU on this project's machines, docs/performance.md):
 * `runtime/closure/parseFunction.js` requires `typescript-shim.js` at its top,
 * to parse functions when it serializes their closures, which only a dynamic
 * provider or a callback resource needs. The program has neither, so the
 * tools that load this hook get a stand-in for the shim's module that loads
 * the real one (and with it the compiler) at its first use.
 */
function deferTypeScript() {
  let shim;
  try {
    shim = require.resolve("@pulumi/pulumi/typescript-shim.js", { paths: [root] });
  } catch {
    return;
  }
  if (require.cache[shim] !== undefined) return;
  /** @type {object | undefined} */
  let real;
  const load = () => {
    if (real === undefined) {
      const loaded = new Module(shim, module);
      loaded.filename = shim;
      loaded.paths = /** @type {{ _nodeModulePaths(dir: string): string[] }} */ (/** @type {unknown} */ (Module))._nodeModulePaths(path.dirname(shim));
      /** @type {{ load(file: string): void }} */ (/** @type {unknown} */ (loaded)).load(shim);
      real = /** @type {object} */ (loaded.exports);
    }
    return real;
  };
  const standIn = new Module(shim, module);
  standIn.filename = shim;
  standIn.loaded = true;
  standIn.exports = new Proxy(
    {},
    {
      get: (_target, key) => Reflect.get(load(), key),
      has: (_target, key) => Reflect.has(load(), key),
      ownKeys: () => Reflect.ownKeys(load()),
      getOwnPropertyDescriptor: (_target, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
        return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
      },
    },
  );
  require.cache[shim] = standIn;
}

deferTypeScript();
