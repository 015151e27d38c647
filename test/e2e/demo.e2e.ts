/**
 * `npm run demo`, as a newcomer runs it: a fresh process that starts
 * okta-local, applies the dev example stack, signs the demo users in and
 * prints one table, then stops okta-local and exits.
 */
import { join } from "node:path";
import { expect, it } from "vitest";
import { runNode } from "../support/nodeProcess";
import { projectRoot } from "./support/harness";

// `npm run demo` is `tsx tools/demo/main.ts`: the same loader, through node's --import.
const runDemo = () => runNode(["--import", "tsx", join(projectRoot, "tools", "demo", "main.ts")], { cwd: projectRoot });

it("prints each component's verdict on each demo user's token, and exits on its own", async () => {
  const run = await runDemo();
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
  expect(run.stdout).toMatch(/^okta-local: an Okta org on http:\/\/127\.0\.0\.1:\d+/);
  const row = (user: string, app: string) => run.stdout.split("\n").find((line) => line.startsWith(user) && line.includes(`| ${app} `)) ?? "";
  // The access group's member: her CLI token is for the Enterprise Manager, her Cloud UI token for the Cloud UI; the registry takes both.
  expect(row("dana.developer@example.com", "CLI/Desktop")).toMatch(/\| CLI\/Desktop +\| accepted +\| .+ \| accepted/);
  expect(row("dana.developer@example.com", "Cloud UI")).toMatch(/\| Cloud UI +\| REJECTED [^|]*scope_missing[^|]*\| accepted +\| accepted/);
  expect(row("oscar.outsider@example.com", "CLI/Desktop")).toContain("sign-in refused: access_denied (User is not assigned to the client application.)");
  // Neither a token nor the client secret is ever shown.
  expect(run.stdout).not.toMatch(/eyJ[\w-]+\.eyJ/);
  expect(run.stdout).toContain("(secret not shown)");
});
