/**
 * The real Pulumi engine this project's engine tests run: the `pulumi` CLI,
 * the Node.js language host that runs `index.ts` and the policy pack, and
 * the Okta resource plugin.
 *
 * Two ways to have one:
 * - **installed** (a user's normal set-up): `pulumi` on PATH, with its
 *   bundled `pulumi-language-nodejs`, and the okta plugin installed in
 *   PULUMI_HOME (`pulumi plugin install resource okta 7.0.0`, or acquired by
 *   the first `pulumi up`);
 * - **built**: no registry ships those binaries here, so `build.sh` in the
 *   engine sources (`../shared/engine/` beside this repository) builds all
 *   three from Go source into `$ENGINE_HOME/bin`. The CLI runs the language
 *   host and the provider from that directory when it is first on PATH (a
 *   plugin on PATH is used when none is installed: "no resource plugin ...
 *   found in the workspace ... or on your $PATH").
 *
 * Every run reports which binaries it found, their versions as the binaries
 * themselves report them, and how they drift from what package.json pins.
 */
import { execFile, spawn } from "node:child_process";
import { accessSync, constants, existsSync, readFileSync, realpathSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { promisify } from "node:util";
import * as grpc from "@grpc/grpc-js";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import type { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";

const run = promisify(execFile);

export const PROJECT_ROOT = resolve(__dirname, "..", "..");

/** The plugin `@pulumi/okta` asks the engine for (its package.json `pulumi.version`). */
export function expectedOktaPlugin(projectRoot = PROJECT_ROOT): string {
  const manifest = JSON.parse(readFileSync(join(projectRoot, "node_modules", "@pulumi", "okta", "package.json"), "utf8")) as {
    version: string;
    pulumi?: { version?: string };
  };
  return manifest.pulumi?.version ?? manifest.version;
}

/** The `@pulumi/pulumi` SDK the program runs on. */
export function pulumiSdkVersion(projectRoot = PROJECT_ROOT): string {
  return (JSON.parse(readFileSync(join(projectRoot, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")) as { version: string }).version;
}

export interface Engine {
  source: "installed" | "built";
  /** The CLI, absolute. */
  pulumi: string;
  /** Put first on PATH for every command: where the built language host and provider are. Unset for an installed CLI. */
  binDir?: string;
  /** Unset: the user's own PULUMI_HOME, which holds the installed okta plugin. */
  pulumiHome?: string;
  versions: { cli: string; languageHost: string; provider: string };
  /** The provider binary the engine will start. */
  providerPath: string;
  /** What differs from the versions package.json pins, one sentence each. */
  drift: string[];
}

/** Where build.sh puts its binaries and Go caches (its own default), outside the repository. */
export function engineHome(env: NodeJS.ProcessEnv = process.env): string {
  return env["ENGINE_HOME"] ?? join(homedir(), ".cache", "stacklok-engine");
}

/** Where the engine sources are: `$STACKLOK_ENGINE_SOURCES`, else `../shared/engine` beside the repository. */
export function engineSources(env: NodeJS.ProcessEnv = process.env, projectRoot = PROJECT_ROOT): string {
  return env["STACKLOK_ENGINE_SOURCES"] ?? resolve(projectRoot, "..", "shared", "engine");
}

export const BINARIES = ["pulumi", "pulumi-language-nodejs", "pulumi-resource-okta"] as const;

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable `name` on PATH. */
export function onPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env["PATH"] ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** The built binaries, when all three are there. */
function builtBinDir(env: NodeJS.ProcessEnv): string | undefined {
  const bin = join(engineHome(env), "bin");
  return BINARIES.every((name) => isExecutable(join(bin, name))) ? bin : undefined;
}

interface InstalledPlugin {
  name: string;
  kind: string;
  version: string;
  path?: string;
}

/** `pulumi plugin ls --json`: the plugins installed in PULUMI_HOME. */
async function installedPlugins(pulumi: string, env: NodeJS.ProcessEnv): Promise<InstalledPlugin[]> {
  const { stdout } = await run(pulumi, ["plugin", "ls", "--json"], { env: { ...env, PULUMI_SKIP_UPDATE_CHECK: "true" } });
  const parsed = JSON.parse(stdout || "[]") as InstalledPlugin[] | null;
  return parsed ?? [];
}

/** The version a binary prints for `<flag>`, e.g. `pulumi version` or `pulumi-language-nodejs -version`. */
async function printedVersion(binary: string, args: string[]): Promise<string> {
  const { stdout } = await run(binary, args, { env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" } });
  return stdout.trim();
}

/**
 * What the provider binary says of itself over the plugin protocol
 * (`ResourceProvider.GetPluginInfo`), as the engine asks it: the version in
 * its own build, whatever name it was installed under.
 */
export async function providerVersion(binary: string): Promise<string> {
  // A plugin takes the engine's address as its first argument and prints the port it serves on.
  const child = spawn(binary, ["127.0.0.1:1"], { stdio: ["ignore", "pipe", "pipe"] });
  try {
    const port = await new Promise<number>((done, fail) => {
      let out = "";
      let err = "";
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const line = /^(\d+)\s*$/m.exec(out);
        if (line?.[1] !== undefined) done(Number(line[1]));
      });
      child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
      child.on("error", fail);
      child.on("exit", (code) => fail(new Error(`${binary} exited with ${String(code)} before serving: ${err.trim()}`)));
    });
    const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    try {
      const info = await new Promise<PluginInfo>((done, fail) =>
        client.getPluginInfo(new Empty(), (error, response) => (error ? fail(error) : done(response))),
      );
      return info.getVersion();
    } finally {
      client.close();
    }
  } finally {
    child.kill("SIGKILL");
  }
}

/** The engine the tests would use now, or a sentence per thing missing. Builds nothing. */
export async function findEngine(env: NodeJS.ProcessEnv = process.env): Promise<Engine | { missing: string[] }> {
  const built = builtBinDir(env);
  const cliOnPath = onPath("pulumi", env);
  const missing: string[] = [];
  // A user's own CLI comes first, when its okta plugin is there too; a PATH entry that is
  // the built directory itself counts as built.
  if (cliOnPath !== undefined && (built === undefined || realpathSync(join(cliOnPath, "..")) !== realpathSync(built))) {
    const plugins = await installedPlugins(cliOnPath, env);
    const okta = plugins.filter((p) => p.kind === "resource" && p.name === "okta").sort((a, b) => b.version.localeCompare(a.version))[0];
    const host = [join(realpathSync(cliOnPath), "..", "pulumi-language-nodejs"), onPath("pulumi-language-nodejs", env)].find(
      (path): path is string => path !== undefined && isExecutable(path),
    );
    if (okta?.path !== undefined && host !== undefined) {
      const providerPath = join(okta.path, "pulumi-resource-okta");
      return describe({ source: "installed", pulumi: cliOnPath, languageHost: host, providerPath });
    }
    if (okta === undefined) missing.push(`the pulumi on PATH (${cliOnPath}) has no okta resource plugin: pulumi plugin install resource okta ${expectedOktaPlugin()}`);
    if (host === undefined) missing.push(`no pulumi-language-nodejs beside ${cliOnPath} or on PATH`);
  }
  if (built !== undefined) {
    return describe({
      source: "built",
      pulumi: join(built, "pulumi"),
      languageHost: join(built, "pulumi-language-nodejs"),
      providerPath: join(built, "pulumi-resource-okta"),
      binDir: built,
    });
  }
  if (cliOnPath === undefined) missing.push("no pulumi on PATH");
  missing.push(`no built engine in ${join(engineHome(env), "bin")} (npm run engine:build builds one from ${engineSources(env)})`);
  return { missing };
}

async function describe(found: { source: Engine["source"]; pulumi: string; languageHost: string; providerPath: string; binDir?: string }): Promise<Engine> {
  const [cli, languageHost, provider] = await Promise.all([
    printedVersion(found.pulumi, ["version"]),
    printedVersion(found.languageHost, ["-version"]),
    providerVersion(found.providerPath),
  ]);
  const engine: Engine = {
    source: found.source,
    pulumi: found.pulumi,
    providerPath: found.providerPath,
    versions: { cli, languageHost, provider },
    drift: [],
    ...(found.binDir === undefined ? {} : { binDir: found.binDir }),
  };
  engine.drift = driftOf(engine);
  return engine;
}

/** The differences from what package.json pins that a reader of any engine result must know. */
export function driftOf(engine: Pick<Engine, "versions">): string[] {
  const drift: string[] = [];
  const okta = expectedOktaPlugin();
  const provider = engine.versions.provider.replace(/^v/, "");
  if (provider !== okta) {
    drift.push(
      `provider: okta ${provider} stands in for the okta ${okta} plugin that @pulumi/okta ${okta} asks for; the engine warns ` +
        `"resource plugin okta is expected to have version >=${okta}", and behaviour changed upstream between the two is not known`,
    );
  }
  const sdk = pulumiSdkVersion();
  const host = engine.versions.languageHost.replace(/^v/, "");
  if (minor(host) !== minor(sdk)) {
    drift.push(`language host: pulumi-language-nodejs ${host} runs a program on @pulumi/pulumi ${sdk}`);
  }
  const cli = engine.versions.cli.replace(/^v/, "");
  if (minor(cli) !== minor(sdk)) drift.push(`CLI: pulumi ${cli} with @pulumi/pulumi ${sdk}`);
  return drift;
}

function minor(version: string): string {
  return version.split(".").slice(0, 2).join(".");
}

/** The environment every engine command runs with: the built binaries first on PATH, no update check, no downloads. */
export function engineEnv(engine: Engine, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...base,
    ...(engine.binDir === undefined ? {} : { PATH: `${engine.binDir}${delimiter}${base["PATH"] ?? ""}` }),
    ...(engine.pulumiHome === undefined ? {} : { PULUMI_HOME: engine.pulumiHome }),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    // Nothing reachable serves plugins here, and a test must use the provider it reports.
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  };
}

/** One line per binary, then the drift: what every engine run prints first. */
export function describeEngine(engine: Engine): string {
  const lines = [
    `engine (${engine.source}): ${engine.pulumi}`,
    `  CLI            pulumi ${engine.versions.cli}`,
    `  language host  pulumi-language-nodejs ${engine.versions.languageHost}`,
    `  provider       pulumi-resource-okta ${engine.versions.provider} (${engine.providerPath})`,
  ];
  if (engine.drift.length > 0) lines.push("  drift:", ...engine.drift.map((d) => `    - ${d}`));
  return `${lines.join("\n")}\n`;
}

/** Whether the engine sources can build here (`build.sh` is there). */
export function canBuild(env: NodeJS.ProcessEnv = process.env): boolean {
  return existsSync(join(engineSources(env), "build.sh"));
}
