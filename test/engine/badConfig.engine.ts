/**
 * Bad config on the real engine: `pulumi preview` and `pulumi up` exit
 * non-zero with the program's message naming the key, without a stack trace
 * or any warning from Node itself, and the org sees no write at all.
 */
import { afterAll, describe, expect, it } from "vitest";
import { seedFor, startOrg } from "../e2e/support/harness";
import { ProjectCopies } from "../support/projectCopy";
import { PulumiProject } from "./support/pulumi";
import { EngineStack, unexpectedWarnings, writes } from "./support/stack";

const copies = new ProjectCopies();
afterAll(() => copies.dispose());

describe("a config the program refuses, on the real engine", () => {
  it.each([
    ["cloudUiUrl", "http://stacklok.dev.example.com", 'stacklok-identity:cloudUiUrl: got "http://stacklok.dev.example.com"; uses http, not https'],
    ["accessTokenLifetimeMinutes", "2", "stacklok-identity:accessTokenLifetimeMinutes: got 2"],
  ])("%s = %s fails preview and up with the key named, no Node warning, and no write", async (key, value, message) => {
    const project = new PulumiProject(copies, `bad-${key}`);
    const org = await startOrg(seedFor("dev"));
    try {
      const stack = await EngineStack.init(project, "dev", org);
      await stack.configSet(`stacklok-identity:${key}`, value);
      for (const step of [await stack.preview([], { check: false }), await stack.up([], { check: false })]) {
        const output = `${step.run.stdout}\n${step.run.stderr}`;
        expect(step.run.code, step.run.command).not.toBe(0);
        expect(output).toContain("Invalid stack config (1 problem); nothing was created:");
        expect(output).toContain(message);
        expect(output).not.toMatch(/\(node:\d+\)|PromiseRejectionHandledWarning|\n\s+at /);
        expect(unexpectedWarnings(step.run)).toEqual([]);
        expect(writes(step.requests)).toEqual([]);
      }
    } finally {
      await org.close();
      project.dispose();
    }
  });
});
