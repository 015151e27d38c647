/**
 * `npm run okta:local`: one line with the org URL (and the token unless given),
 * argument errors, and a clean stop on SIGTERM/SIGINT.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(__dirname, "../..");
const TSX = join(ROOT, "node_modules/.bin/tsx");
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "okta-local-cli-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function run(args: string[]): { child: ChildProcess; firstLine: Promise<string>; exit: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(TSX, ["tools/okta-local/cli.ts", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes("\n")) resolve(stdout.split("\n")[0] ?? "");
    });
    child.on("exit", () => reject(new Error(`exited before printing a line; stderr: ${stderr}`)));
  });
  // Awaited only by the tests that expect a line; the others must not see an unhandled rejection.
  firstLine.catch(() => undefined);
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on("exit", (code) => resolve({ code, stdout, stderr })));
  return { child, firstLine, exit };
}

describe("okta:local command", () => {
  it("prints the URL and the generated token, serves the org with it, and stops on SIGTERM", async () => {
    const seed = join(dir, "seed.yaml");
    writeFileSync(seed, "users:\n  - login: cli@example.com\n    password: pw-Cli-1\n    email: cli@example.com\n    firstName: Cli\n    lastName: User\n    groups: []\n");
    const { child, firstLine, exit } = run(["--port", "0", "--seed", seed, "--state", join(dir, "state.json")]);
    const line = await firstLine;
    const match = /(http:\/\/127\.0\.0\.1:\d+)\S* api-token (\S+)$/.exec(line);
    expect(match).not.toBeNull();
    const [, url, token] = match ?? [];
    const me = await fetch(`${url}/api/v1/users?q=cli`, { headers: { authorization: `SSWS ${token}` } });
    expect(((await me.json()) as { profile: { login: string } }[]).map((u) => u.profile.login)).toEqual(["cli@example.com"]);
    child.kill("SIGTERM");
    expect((await exit).code).toBe(0);
  });

  it("does not print a token it was given, and stops on SIGINT", async () => {
    const { child, firstLine, exit } = run(["--api-token", "00given-token"]);
    const line = await firstLine;
    expect(line).toMatch(/^okta-local listening on http:\/\/127\.0\.0\.1:\d+$/);
    expect(line).not.toContain("00given-token");
    const url = /(http:\/\/\S+)/.exec(line)?.[1];
    expect((await fetch(`${url}/api/v1/users/me`, { headers: { authorization: "SSWS 00given-token" } })).status).toBe(200);
    child.kill("SIGINT");
    expect((await exit).code).toBe(0);
  });

  it("starts with --faults and refuses a faults file naming the key", async () => {
    const good = join(dir, "faults.yaml");
    writeFileSync(good, "faults:\n  - kind: server-error\n    status: 503\n    route: GET /api/v1/users/me\n    count: 1\n");
    const { child, firstLine, exit } = run(["--faults", good, "--api-token", "00faults-token"]);
    const url = /(http:\/\/\S+)/.exec(await firstLine)?.[1];
    const me = () => fetch(`${url}/api/v1/users/me`, { headers: { authorization: "SSWS 00faults-token" } });
    expect((await me()).status).toBe(503);
    expect((await me()).status).toBe(200);
    child.kill("SIGTERM");
    expect((await exit).code).toBe(0);

    const bad = join(dir, "bad-faults.yaml");
    writeFileSync(bad, "faults:\n  - kind: latency\n    ms: fast\n");
    const refused = await run(["--faults", bad]).exit;
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/faults file .*bad-faults\.yaml is not a valid okta-local faults file:\n {2}faults\[0\]\.ms: .*\(got "fast"\)/);
    expect(refused.stdout).toBe("");
  });

  it.each([
    [["--port", "http"], /--port must be an integer from 0 to 65535 \(got "http"\)/, 2],
    [["--colour"], /Unknown option '--colour'/, 2],
    [["--seed", "/nonexistent/seed.yaml"], /cannot read seed file \/nonexistent\/seed\.yaml/, 1],
    [["--faults", "/nonexistent/faults.yaml"], /cannot read faults file \/nonexistent\/faults\.yaml/, 1],
  ])("refuses %j with a clear message", async (args, message, code) => {
    const { exit } = run(args);
    const result = await exit;
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe("");
  });
});
