/**
 * `npm run engine:build [-- --check] [-- --json]`: makes the real Pulumi
 * engine available to `npm run test:engine` and says which one it is.
 *
 * An installed Pulumi CLI with the okta plugin is used as it is. Otherwise
 * the engine sources' `build.sh` builds the three binaries into
 * `$ENGINE_HOME/bin` (default `~/.cache/stacklok-engine`, outside the
 * repository); it is idempotent, and seconds when nothing changed. Exit
 * codes: 0 an engine is ready, 1 none can be had (what is missing is
 * printed), 2 a usage error.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { parseCommandLine, processIO } from "../commandLine";
import { canBuild, describeEngine, engineHome, engineSources, findEngine } from "./engine";

const USAGE = `usage: npm run engine:build [-- --check] [-- --json]

  --check   only find an engine and report it; build nothing
  --json    print the engine found as JSON on standard output
`;

export async function runEngineBuild(argv: string[], io = processIO, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = parseCommandLine(argv, { check: { type: "boolean", default: false }, json: { type: "boolean", default: false } }, USAGE, io);
  if (parsed.values === undefined) return parsed.exitCode;
  const args = parsed.values;

  let found = await findEngine(env);
  if ("missing" in found && !args.check && canBuild(env)) {
    const started = Date.now();
    io.stderr(`engine: building into ${engineHome(env)} with ${join(engineSources(env), "build.sh")}\n`);
    const code = await new Promise<number | null>((done, fail) => {
      const child = spawn("bash", [join(engineSources(env), "build.sh")], { env: { ...env, ENGINE_HOME: engineHome(env) }, stdio: ["ignore", "inherit", "inherit"] });
      child.on("error", fail);
      child.on("close", done);
    });
    if (code !== 0) {
      io.stderr(`engine: build.sh failed with exit code ${String(code)}\n`);
      return 1;
    }
    io.stderr(`engine: build.sh finished in ${Math.round((Date.now() - started) / 1000)} s\n`);
    found = await findEngine(env);
  }
  if ("missing" in found) {
    io.stderr(`engine: none available:\n${found.missing.map((m) => `  - ${m}`).join("\n")}\n`);
    return 1;
  }
  io.stderr(describeEngine(found));
  if (args.json) io.stdout(`${JSON.stringify(found, null, 2)}\n`);
  return 0;
}
