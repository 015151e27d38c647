/**
 * `npm run demo`, as a newcomer runs it: a fresh process that starts
 * okta-local, applies the dev example stack, signs the demo users in and
 * prints the verdicts and the roles their tokens grant, then stops okta-local
 * and exits.
 */
import { join } from "node:path";
import { expect, it } from "vitest";
import { runNode } from "../support/nodeProcess";
import { projectRoot } from "./support/harness";

// `npm run demo` is `tsx tools/demo/main.ts`: the same loader, through node's --import.
const runDemo = () => runNode(["--import", "tsx", join(projectRoot, "tools", "demo", "main.ts")], { cwd: projectRoot });

it("prints each component's verdict on each demo user's token and what each user's token grants, and exits on its own", async () => {
  const run = await runDemo();
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
  expect(run.stdout).toMatch(/^okta-local: an Okta org on http:\/\/127\.0\.0\.1:\d+/);
  const row = (user: string, app: string) => run.stdout.split("\n").find((line) => line.startsWith(user) && line.includes(`| ${app} `)) ?? "";
  // The access group's member: her CLI token is for the Enterprise Manager, her Cloud UI token for the Cloud UI; the registry takes both.
  expect(row("dana.developer@example.com", "CLI/Desktop")).toMatch(/\| CLI\/Desktop +\| accepted +\| .+ \| accepted/);
  expect(row("dana.developer@example.com", "Cloud UI")).toMatch(/\| Cloud UI +\| REJECTED [^|]*scope_missing[^|]*\| accepted +\| accepted/);
  expect(row("oscar.outsider@example.com", "CLI/Desktop")).toContain("sign-in refused: access_denied (User is not assigned to the client application.)");
  // What each user's token grants, by the dev stack's default rules: the admin group holds every registry
  // role and writer, the users group reader only (Dana's roles claim matches no registry matcher), Oscar no token.
  const lines = run.stdout.split("\n");
  const rolesHeader = lines.findIndex((line) => /^User +\| Registry Server roles +\| Platform role$/.test(line));
  expect(rolesHeader).toBeGreaterThan(0);
  const rolesTable = lines.slice(rolesHeader + 2, lines.indexOf("", rolesHeader));
  expect(rolesTable).toHaveLength(3);
  const grants = (user: string) => (rolesTable.find((line) => line.startsWith(`${user} `)) ?? "").split("|").map((cell) => cell.trim());
  expect(grants("dana.developer@example.com")).toEqual(["dana.developer@example.com", "none", "reader"]);
  expect(grants("alex.admin@example.com")).toEqual(["alex.admin@example.com", "superAdmin, manageSources, manageRegistries, manageEntries", "writer"]);
  expect(grants("oscar.outsider@example.com")).toEqual(["oscar.outsider@example.com", "none (no token)", "none (no token)"]);
  // Neither a token nor the client secret is ever shown.
  expect(run.stdout).not.toMatch(/eyJ[\w-]+\.eyJ/);
  expect(run.stdout).toContain("(secret not shown)");
});
