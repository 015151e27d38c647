/**
 * tools/ts-hook.cjs, as the plan and local-apply load it: project TypeScript
 * required from plain node, and the program's libraries (zod, yaml) loaded
 * as one pre-bundled file each, with the same exports as the packages Node
 * loads file by file and one copy shared by every importer.
 */
import { expect, it } from "vitest";
import { runNode } from "../support/nodeProcess";
import { projectRoot } from "../support/projectCopy";

/** Runs `script` in a fresh node process (the hook loaded first unless `hook` is false) and parses the JSON it prints. */
async function inNode(script: string, hook = true): Promise<unknown> {
  const run = await runNode(["-e", `${hook ? "require('./tools/ts-hook.cjs');" : ""}${script}`], { cwd: projectRoot });
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as unknown;
}

const exportsOf = (name: string) => `Object.keys(require(${JSON.stringify(name)})).sort()`;

it("loads zod and yaml from one bundle file each, kept in node_modules/.cache", async () => {
  const resolved = (await inNode("console.log(JSON.stringify([require.resolve('zod'), require.resolve('yaml')]))")) as string[];
  expect(resolved).toEqual([
    expect.stringMatching(/\/node_modules\/\.cache\/stacklok-identity\/deps\/zod-[0-9a-f]{16}\.bundle\.cjs$/),
    expect.stringMatching(/\/node_modules\/\.cache\/stacklok-identity\/deps\/yaml-[0-9a-f]{16}\.bundle\.cjs$/),
  ]);
  // Without the hook, Node resolves the packages themselves.
  const plain = (await inNode("console.log(JSON.stringify(require.resolve('zod')))", false)) as string;
  expect(plain).toMatch(/\/node_modules\/zod\/index\.cjs$/);
});

it("a bundle exports what the package does", async () => {
  for (const name of ["zod", "yaml"]) {
    const bundled = await inNode(`console.log(JSON.stringify(${exportsOf(name)}))`);
    const plain = await inNode(`console.log(JSON.stringify(${exportsOf(name)}))`, false);
    expect(bundled).toEqual(plain);
    expect((plain as string[]).length).toBeGreaterThan(10);
  }
});

it("every importer shares the one copy: loading the program loads no file of zod or yaml on its own", async () => {
  const result = await inNode(
    "require('./components/index.ts'); require('./tools/plan/cli.ts');" +
      "const files = Object.keys(require.cache);" +
      "console.log(JSON.stringify({ bundles: files.filter((f) => f.endsWith('.bundle.cjs')).length," +
      " packageFiles: files.filter((f) => /[/]node_modules[/](zod|yaml)[/]/.test(f)) }))",
  );
  expect(result).toEqual({ bundles: 2, packageFiles: [] });
});

it("loads @pulumi/pulumi without the TypeScript compiler, and the compiler at the shim's first use", async () => {
  const compilerLoaded = "Object.keys(require.cache).some((file) => file.includes('/node_modules/typescript/'))";
  const script = `require('@pulumi/pulumi'); require('@pulumi/okta'); const before = ${compilerLoaded}; const ts = require('@pulumi/pulumi/typescript-shim.js'); const kind = ts.SyntaxKind.Identifier; const parsed = ts.createSourceFile('f.ts', 'const a = 1;', ts.ScriptTarget.Latest).statements.length; console.log(JSON.stringify({ before, after: ${compilerLoaded}, kind, parsed, version: ts.version }))`;
  const deferred = (await inNode(script)) as Record<string, unknown>;
  const plain = (await inNode(script, false)) as Record<string, unknown>;
  expect(plain["before"]).toBe(true);
  expect(deferred["before"]).toBe(false);
  expect(deferred).toEqual({ ...plain, before: false });
  expect(deferred["parsed"]).toBe(1);
});
