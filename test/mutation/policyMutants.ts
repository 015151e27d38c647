/**
 * Shows that the policy pack's tests can fail: breaks the pack's logic one
 * edit at a time and reports whether the policy tests caught each edit.
 *
 *   npm run test:mutants                      # every mutant
 *   npm run test:mutants -- --list            # print the mutants, run nothing
 *   npm run test:mutants -- apps.ts:1         # mutants whose label contains a filter
 *
 * The mutants are derived from the syntax tree (TypeScript's compiler API) of
 * policy/rules/*.ts and policy/policies.ts each time the tool runs, so they
 * follow any refactor of the pack instead of going stale. Operators, chosen
 * to break a guardrail's decision rather than its wording:
 *   - `===` and `!==` swapped; `<`, `<=`, `>`, `>=` moved by one (the boundary);
 *     `&&` and `||` swapped in conditions;
 *   - an `if` condition negated; a `!` dropped;
 *   - one element dropped from an array literal of Okta values (string
 *     literals or `Okta.*` / `OktaEnum.*` / `OktaType.*` references);
 *   - a `return [...]` of findings replaced by `return []`, a
 *     `violations.push(...)` removed, a returned problem string replaced by
 *     `undefined`;
 *   - in policies.ts, an enforcement level swapped (mandatory/advisory).
 * Nothing inside a message (template literal) is mutated.
 *
 * Each mutant is applied to a temporary copy of the files the policy tests
 * need (node_modules shared through a symlink), never to the working tree,
 * and the in-process policy tests run against it (test/policy/*.test.ts
 * except analyzer.test.ts, which starts the pack over gRPC and drives the
 * same code). A mutant is KILLED when the tests fail, SURVIVED when they
 * pass. Survivors the tests cannot tell apart from the original (equivalent
 * mutants) are listed with the reason in docs/guardrails.md; the exit code is
 * 1 when any other survives.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import * as path from "node:path";
import ts from "typescript";

const root = path.resolve(__dirname, "../..");

/** The source files mutated: the pack's checks and its wiring. */
function mutatedFiles(): string[] {
  const rules = readdirSync(path.join(root, "policy/rules"))
    .filter((name) => name.endsWith(".ts"))
    .sort()
    .map((name) => `policy/rules/${name}`);
  return [...rules, "policy/policies.ts"];
}

/** What the policy tests read: the pack, the facts it imports, the tests and their support, and the configs. */
const COPIED = ["policy", "components", "test", "tools/mock-engine", "package.json", "tsconfig.json", "vitest.config.mts"];

/** The in-process policy tests, run in one worker without isolation: about two seconds per mutant. */
const POLICY_TESTS = [
  "test/policy/rules.test.ts",
  "test/policy/crossResource.test.ts",
  "test/policy/policies.test.ts",
  "test/policy/index.test.ts",
];

/** A mutant the tests cannot fail on, by design; each has its reason in docs/guardrails.md. */
const EQUIVALENT: readonly string[] = [];

const MUTANT_TIMEOUT_MS = 60_000;

export interface Mutant {
  /** `file:line: what changed`, to read and filter on. */
  label: string;
  /** `file: what changed`, without the line, so docs/guardrails.md can name an equivalent mutant across edits. */
  id: string;
  file: string;
  start: number;
  end: number;
  replacement: string;
}

const SWAPPED: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.EqualsEqualsEqualsToken]: "!==",
  [ts.SyntaxKind.ExclamationEqualsEqualsToken]: "===",
  [ts.SyntaxKind.LessThanToken]: "<=",
  [ts.SyntaxKind.LessThanEqualsToken]: "<",
  [ts.SyntaxKind.GreaterThanToken]: ">=",
  [ts.SyntaxKind.GreaterThanEqualsToken]: ">",
};
const LOGICAL: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.AmpersandAmpersandToken]: "||",
  [ts.SyntaxKind.BarBarToken]: "&&",
};
const OKTA_VALUE_ROOTS = new Set(["Okta", "OktaEnum", "OktaType"]);

function insideMessage(node: ts.Node): boolean {
  for (let at: ts.Node | undefined = node.parent; at !== undefined; at = at.parent) {
    if (ts.isTemplateExpression(at)) return true;
  }
  return false;
}

/** True when `node` is part of a condition: an if, a ternary's test, a return, or an arrow function's body. */
function inCondition(node: ts.Node): boolean {
  let child: ts.Node = node;
  for (let at = node.parent; at !== undefined; child = at, at = at.parent) {
    if (ts.isIfStatement(at)) return at.expression === child;
    if (ts.isConditionalExpression(at)) return at.condition === child;
    if (ts.isReturnStatement(at) || ts.isArrowFunction(at)) return true;
    if (!(ts.isBinaryExpression(at) || ts.isParenthesizedExpression(at) || ts.isPrefixUnaryExpression(at))) return false;
  }
  return false;
}

function isOktaValue(node: ts.Expression): boolean {
  if (ts.isStringLiteral(node)) return true;
  let at: ts.Expression = node;
  while (ts.isPropertyAccessExpression(at)) at = at.expression;
  return ts.isIdentifier(at) && OKTA_VALUE_ROOTS.has(at.text) && at !== node;
}

function isFindingPush(node: ts.Node): boolean {
  if (!ts.isExpressionStatement(node) || !ts.isCallExpression(node.expression)) return false;
  const callee = node.expression.expression;
  return ts.isPropertyAccessExpression(callee) && callee.name.text === "push" && ts.isIdentifier(callee.expression) &&
    callee.expression.text === "violations";
}

/** Every mutant of one file's source text. */
export function mutantsOf(file: string, text: string): Mutant[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const mutants: Mutant[] = [];
  const add = (node: ts.Node, start: number, end: number, replacement: string, change: string) => {
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    const what = change.replace(/\s+/g, " ");
    mutants.push({ label: `${file}:${line}: ${what}`, id: `${file}: ${what}`, file, start, end, replacement });
  };
  const visit = (node: ts.Node): void => {
    if (insideMessage(node)) return;
    if (ts.isBinaryExpression(node)) {
      const token = node.operatorToken;
      const swapped = SWAPPED[token.kind] ?? (inCondition(node) ? LOGICAL[token.kind] : undefined);
      if (swapped !== undefined) {
        add(node, token.getStart(source), token.getEnd(), swapped, `${token.getText(source)} -> ${swapped} in ${node.getText(source)}`);
      }
    }
    if (ts.isIfStatement(node)) {
      const condition = node.expression;
      add(node, condition.getStart(source), condition.getEnd(), `!(${condition.getText(source)})`, `negate if (${condition.getText(source)})`);
    }
    if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken) {
      add(node, node.getStart(source), node.getEnd(), node.operand.getText(source), `drop ! in ${node.getText(source)}`);
    }
    if (ts.isArrayLiteralExpression(node) && node.elements.length > 0 && node.elements.every(isOktaValue)) {
      node.elements.forEach((element, index) => {
        const rest = node.elements.filter((_, i) => i !== index).map((e) => e.getText(source));
        add(node, node.getStart(source), node.getEnd(), `[${rest.join(", ")}]`, `drop ${element.getText(source)} from [${node.elements.map((e) => e.getText(source)).join(", ")}]`);
      });
    }
    if (ts.isReturnStatement(node) && node.expression !== undefined) {
      const returned = node.expression;
      if (ts.isArrayLiteralExpression(returned) && returned.elements.length > 0) {
        add(node, returned.getStart(source), returned.getEnd(), "[]", "return [] instead of the findings");
      } else if (ts.isStringLiteral(returned) || ts.isTemplateExpression(returned) || ts.isNoSubstitutionTemplateLiteral(returned) ||
          (ts.isParenthesizedExpression(returned) && !ts.isObjectLiteralExpression(returned.expression))) {
        add(node, returned.getStart(source), returned.getEnd(), "undefined", "return undefined instead of the problem");
      }
    }
    if (isFindingPush(node)) add(node, node.getStart(source), node.getEnd(), "", "drop violations.push(...)");
    if (ts.isStringLiteral(node) && (node.text === "mandatory" || node.text === "advisory") &&
        ts.isPropertyAssignment(node.parent) && node.parent.name.getText(source) === "enforcementLevel") {
      const other = node.text === "mandatory" ? "advisory" : "mandatory";
      add(node, node.getStart(source), node.getEnd(), `"${other}"`, `enforcementLevel ${node.text} -> ${other}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return mutants;
}

function apply(text: string, mutant: Mutant): string {
  return text.slice(0, mutant.start) + mutant.replacement + text.slice(mutant.end);
}

function makeCopy(): string {
  const copy = mkdtempSync(path.join(tmpdir(), "policy-mutants-"));
  for (const entry of COPIED) {
    cpSync(path.join(root, entry), path.join(copy, entry), {
      recursive: true,
      filter: (from) => !from.split(path.sep).includes("node_modules"),
    });
  }
  symlinkSync(path.join(root, "node_modules"), path.join(copy, "node_modules"), "dir");
  return copy;
}

const running = new Set<ChildProcess>();
let interrupted = false;

/** Runs the policy tests in `copy`; resolves with true when they pass. */
function testsPass(copy: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      path.join(copy, "node_modules", ".bin", "vitest"),
      ["run", "--pool=threads", "--no-isolate", "--bail=1", ...POLICY_TESTS],
      { cwd: copy, stdio: "ignore" },
    );
    running.add(child);
    // A mutant that hangs the tests counts as caught.
    const timer = setTimeout(() => child.kill("SIGKILL"), MUTANT_TIMEOUT_MS);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      running.delete(child);
      resolve(code === 0);
    });
  });
}

interface Outcome {
  mutant: Mutant;
  killed: boolean;
}

/** One worker: its own copy, the mutants it takes from the shared queue applied one at a time. */
async function worker(queue: Mutant[], outcomes: Outcome[]): Promise<void> {
  const copy = makeCopy();
  try {
    for (let mutant = queue.shift(); mutant !== undefined && !interrupted; mutant = queue.shift()) {
      const file = path.join(copy, mutant.file);
      const original = readFileSync(file, "utf8");
      writeFileSync(file, apply(original, mutant));
      try {
        const killed = !(await testsPass(copy));
        if (interrupted) break;
        outcomes.push({ mutant, killed });
        console.log(`${killed ? "KILLED  " : "SURVIVED"}  ${mutant.label}`);
      } finally {
        writeFileSync(file, original);
      }
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const list = args.includes("--list");
  const filters = args.filter((a) => !a.startsWith("--"));
  const all = mutatedFiles().flatMap((file) => mutantsOf(file, readFileSync(path.join(root, file), "utf8")));
  const selected = all.filter((m) => filters.length === 0 || filters.some((f) => m.label.includes(f)));
  if (list) {
    for (const mutant of selected) console.log(mutant.label);
    console.log(`${selected.length} mutants`);
    return 0;
  }
  const stop = () => {
    interrupted = true;
    for (const child of running) child.kill("SIGTERM");
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);

  // A mutant counts as killed when the tests fail, which means something only if they pass unmutated.
  const baselineCopy = makeCopy();
  let baseline: boolean;
  try {
    baseline = await testsPass(baselineCopy);
  } finally {
    rmSync(baselineCopy, { recursive: true, force: true });
  }
  if (!baseline) {
    console.log(`the policy tests fail on the unmutated copy; run \`npx vitest run ${POLICY_TESTS.join(" ")}\` to see why`);
    return 2;
  }

  const started = Date.now();
  const queue = [...selected];
  const outcomes: Outcome[] = [];
  const jobs = Math.max(1, Math.min(4, cpus().length));
  await Promise.all(Array.from({ length: jobs }, () => worker(queue, outcomes)));
  if (interrupted) {
    console.log("interrupted; the working tree was never edited and the copies are removed");
    return 130;
  }
  const survivors = outcomes.filter((o) => !o.killed);
  const unexplained = survivors.filter((o) => !EQUIVALENT.includes(o.mutant.id));
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(
    `${outcomes.length - survivors.length}/${outcomes.length} mutants killed in ${seconds} s ` +
      `(${survivors.length - unexplained.length} equivalent, ${unexplained.length} unexplained survivors)`,
  );
  for (const o of unexplained) console.log(`  unexplained: ${o.mutant.label}`);
  return unexplained.length === 0 ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 3;
    },
  );
}
