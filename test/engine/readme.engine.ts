/**
 * The README's "Try it with no Okta org", run as written with the real
 * `pulumi`, in a copy of the project: the commands come from the README
 * itself, so the two cannot drift apart. What a test must add is listed in
 * ADDITIONS and nothing else changes: `--yes` (no terminal to answer the
 * prompt), a free port instead of 8080 (tests run in parallel), the stack's
 * `okta:httpProxy` and CLI redirect URI at free ports to match, and a
 * `file://` backend with a passphrase in the environment. The person at the
 * browser is Chromium, signing in on okta-local's page as a demo user.
 *
 * Then the `local` stack is held to what every stack is: it converges, every
 * demo user's tokens get the verdicts the offline plan predicts, and a
 * destroy leaves what docs/operations.md lists.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { browserUserAgent, launchChromium } from "../../tools/sign-in/browser";
import { expectOnlyRolesAttributeLeft, inventory } from "../e2e/support/harness";
import { freeLoopbackPort } from "../support/ports";
import { ProjectCopies, projectRoot } from "../support/projectCopy";
import { expectSignInsAsPlanned } from "./support/checks";
import { PulumiProject, type CommandRun } from "./support/pulumi";
import { EngineStack, expectPolicyClean, failedRequests, overHttp, writes } from "./support/stack";

/** The shell block under a README heading, one command per line, comments dropped. */
export function readmeCommands(heading: string): string[] {
  const readme = readFileSync(join(projectRoot, "README.md"), "utf8");
  const section = readme.split(/^## /m).find((part) => part.startsWith(`${heading}\n`));
  const block = section === undefined ? undefined : /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error(`README.md has no sh block under "## ${heading}"`);
  return block
    .split("\n")
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line !== "");
}

/** A README command as words; a `<placeholder>` stays one word. Quotes are not expected there, and refused. */
function words(command: string): string[] {
  if (/["'`$\\|&;]/.test(command)) throw new Error(`this test runs simple commands only; the README has: ${command}`);
  return command.match(/<[^>]*>|\S+/g) ?? [];
}


/** The demo seed's users, as the README's no-org path seeds okta-local. */
interface DemoUser {
  login: string;
  password: string;
  groups: string[];
}

const STACK = "local";

describe("the README's Try it with no Okta org, with the real Pulumi CLI", () => {
  const copies = new ProjectCopies();
  const project = new PulumiProject(copies, "readme");
  let oktaLocalProcess: ChildProcess | undefined;
  let org: { url: string; apiToken: string } | undefined;
  let browser: Browser | undefined;
  /** okta-local's state, read from its state file (it runs as the README's own process). */
  let statePath = "";
  const ran: string[] = [];
  const outputs: Record<string, CommandRun> = {};

  afterAll(async () => {
    // npm does not pass the signal on to the server it started: end the whole group.
    try {
      if (oktaLocalProcess?.pid !== undefined) process.kill(-oktaLocalProcess.pid, "SIGTERM");
    } catch {
      // The group is gone already.
    }
    await browser?.close();
    project.dispose();
    copies.dispose();
  });

  /** What a test adds to the README's commands, and why; everything else runs as written. */
  const ADDITIONS = {
    port: "a free port instead of 8080: test files run in parallel",
    yes: "pulumi up --yes: no terminal answers the confirmation prompt",
    httpProxy: "pulumi config set okta:httpProxy at okta-local's free port: Pulumi.local.yaml names 8080",
    redirect: "the CLI redirect URI at a free loopback port: 8666 may be taken (thv), and npm run sign-in listens there",
    stateFile: "okta-local's --state in a temporary file, so the test can read the org's objects",
  } as const;

  let redirectUri = "";
  /** The org before the README's pulumi up: what a destroy must bring it back to. */
  let untouched: ReturnType<typeof inventory>;
  let demoUsers: DemoUser[] = [];

  beforeAll(async () => {
    const [oktaPort, callbackPort] = await Promise.all([freeLoopbackPort(), freeLoopbackPort()]);
    redirectUri = `http://localhost:${callbackPort}/callback`;
    statePath = join(project.backendDir, "okta-local.json");
    for (const command of readmeCommands("Try it with no Okta org")) {
      const [tool, ...args] = words(command);
      ran.push(command);
      if (tool === "npm" && args[0] === "run" && args[1] === "okta:local") {
        const given = args.slice(3);
        const seed = given[given.indexOf("--seed") + 1] ?? "";
        demoUsers = (parse(readFileSync(join(project.dir, seed), "utf8")) as { users: DemoUser[] }).users;
        const withPort = given.map((word, index) => (given[index - 1] === "--port" ? String(oktaPort) : word));
        ({ child: oktaLocalProcess, org } = await startOktaLocal(project, [...withPort, "--state", statePath]));
        untouched = inventory(await overHttp(org.url, org.apiToken, statePath).state());
      } else if (tool === "pulumi") {
        if (org === undefined) throw new Error("the README runs pulumi before okta-local");
        const token = org.apiToken;
        const filled = args.map((word) => (/^<.*token.*>$/.test(word) ? token : word));
        const final = filled[0] === "up" ? [...filled, "--yes"] : filled;
        outputs[filled[0] ?? ""] = await project.pulumi(final);
        if (filled[0] === "stack" && filled[1] === "init") {
          await project.pulumi(["config", "set", "okta:httpProxy", org.url]);
          await project.pulumi(["config", "set", "--path", "stacklok-identity:cliRedirectUris[0]", redirectUri]);
        }
      } else if (tool === "npm" && args[0] === "run" && args[1] === "sign-in") {
        browser ??= await launchChromium();
        const dana = demoUsers.find((user) => user.login.startsWith("dana."));
        if (dana === undefined) throw new Error("the demo seed has no dana");
        outputs["sign-in"] = await signInThroughBrowser(project, args.slice(3), browser, { username: dana.login, password: dana.password }, redirectUri);
      } else {
        throw new Error(`the README's no-org path has a command this test does not know how to run: ${command}`);
      }
    }
  });

  it("runs every command of the README's block, and only those, with the listed additions", () => {
    expect(ran).toEqual(readmeCommands("Try it with no Okta org"));
    expect(ran.some((command) => command.startsWith("pulumi up"))).toBe(true);
    expect(Object.keys(ADDITIONS)).toHaveLength(5);
  });

  it("pulumi up ends with the policy pack passed and every Okta call answered", () => {
    const up = outputs["up"];
    if (up === undefined) throw new Error("the README ran no pulumi up");
    expect(up.command).toContain("--policy-pack ./policy");
    expectPolicyClean(up);
    expect(up.stdout).toMatch(/\+ \d+ created/);
  });

  it("npm run sign-in signs the demo developer in through Chromium and the components accept the token", () => {
    const signIn = outputs["sign-in"];
    if (signIn === undefined) throw new Error("the README ran no sign-in");
    expect(signIn.stderr).toContain("stack outputs from pulumi");
    expect({ code: signIn.code, stdout: signIn.stdout }).toMatchObject({ code: 0 });
    // The CLI app's tokens are for the Enterprise Manager and the Registry Server (INTENDED_COMPONENTS).
    expect(signIn.stdout).toContain("Enterprise Manager: accepted");
    expect(signIn.stdout).toContain("Registry Server: accepted");
    expect(signIn.stdout).toContain("Result: accepted by every component checked.");
  });

  describe("the local stack it made", () => {
    let stack: EngineStack;
    beforeAll(() => {
      if (org === undefined) throw new Error("the README started no okta-local");
      stack = EngineStack.attach(project, STACK, overHttp(org.url, org.apiToken, statePath));
    });

    it("converges: a refreshed preview expects no changes and writes nothing", async () => {
      const preview = await stack.preview(["--refresh", "--expect-no-changes"]);
      expectPolicyClean(preview.run);
      expect(writes(preview.requests)).toEqual([]);
    });

    it("gives every demo user the verdicts the offline plan predicts", async () => {
      await expectSignInsAsPlanned(project.dir, STACK, await stack.outputs({ showSecrets: true }), {
        environment: STACK,
        everyone: false,
        redirectUri,
        users: demoUsers.map((user) => ({
          credentials: { username: user.login, password: user.password },
          admitted: user.groups.some((group) => group.startsWith(`stacklok-${STACK}-`)),
        })),
      });
    });

    it("destroys, leaving only what the docs list", async () => {
      const destroyed = await stack.destroy();
      expect(failedRequests(destroyed.requests)).toEqual([]);
      expectOnlyRolesAttributeLeft(untouched, inventory(await stack.org.state()));
    });
  });
});

/** `npm run okta:local -- <args>` as the README's own process, until it prints its URL and token. */
function startOktaLocal(project: PulumiProject, args: string[]): Promise<{ child: ChildProcess; org: { url: string; apiToken: string } }> {
  // A process group of its own, which the suite's clean-up ends.
  const child = spawn("npm", ["run", "--silent", "okta:local", "--", ...args], { cwd: project.dir, env: project.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /okta-local listening on (\S+) api-token (\S+)/.exec(out);
      if (match?.[1] !== undefined && match[2] !== undefined) resolve({ child, org: { url: match[1], apiToken: match[2] } });
    });
    child.stderr?.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("exit", (code) => reject(new Error(`npm run okta:local exited with ${String(code)}: ${err}${out}`)));
  });
}

/** `npm run sign-in -- <args>`, with Chromium as the person who opens the URL it prints. */
async function signInThroughBrowser(project: PulumiProject, args: string[], browser: Browser, credentials: { username: string; password: string }, redirectUri: string): Promise<CommandRun> {
  const command = `npm run sign-in -- ${args.join(" ")}`;
  const child = spawn("npm", ["run", "--silent", "sign-in", "--", ...args], { cwd: project.dir, env: project.env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  const url = await new Promise<URL>((resolve, reject) => {
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /Open this URL in a browser to sign in[^\n]*\n\s*\n\s*(\S+)/.exec(stderr);
      if (match?.[1] !== undefined) resolve(new URL(match[1]));
    });
    child.on("exit", (code) => reject(new Error(`${command} exited with ${String(code)} before printing a URL:\n${stderr}`)));
  });
  const page = await browser.newPage();
  try {
    await browserUserAgent(page, credentials)(url, redirectUri);
  } finally {
    await page.close();
  }
  const code = await new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on("exit", resolve)));
  return { command, code, signal: null, stdout, stderr };
}
