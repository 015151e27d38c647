/**
 * package.json's `allowScripts` (npm 11, `npm install-scripts`) decides which
 * dependencies may run install scripts. Every package the lockfile marks
 * `hasInstallScript` must have a decision there, so `npm ci` never warns that
 * one is "not yet covered by allowScripts", and the decisions name only
 * packages that are still installed.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";

const root = join(__dirname, "..");
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { allowScripts?: Record<string, boolean> };
const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
  packages: Record<string, { hasInstallScript?: boolean }>;
};

/** A lockfile key's package name: what follows its last `node_modules/`. */
function packageName(lockKey: string): string {
  return lockKey.slice(lockKey.lastIndexOf("node_modules/") + "node_modules/".length);
}

/** An allowScripts key's package name: the key without a version (`pkg@1.2.3`, `@scope/pkg@1`). */
function decidedName(key: string): string {
  const at = key.indexOf("@", 1);
  return at < 0 ? key : key.slice(0, at);
}

const withScripts = [
  ...new Set(
    Object.entries(lock.packages)
      .filter(([key, entry]) => key !== "" && entry.hasInstallScript === true)
      .map(([key]) => packageName(key)),
  ),
].sort();
const decided = Object.keys(manifest.allowScripts ?? {}).map(decidedName).sort();

it("every dependency with an install script has an allowScripts decision, and no decision is stale", () => {
  expect(withScripts.length).toBeGreaterThan(0);
  expect(decided).toEqual(withScripts);
});

it("only esbuild may run its install script: it puts the platform's esbuild binary in place", () => {
  // protobufjs's postinstall only warns about a dependent's version scheme; nothing here needs it.
  expect(manifest.allowScripts).toEqual({ esbuild: true, protobufjs: false });
});
