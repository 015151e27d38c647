/**
 * Shows that the policy pack's tests can fail: breaks each guardrail in turn
 * (one source edit per invariant), runs the policy tests, and reports whether
 * they caught it. Every mutant must be KILLED; a SURVIVED line names an
 * invariant no test protects.
 *
 *   npx tsx tools/policy-mutants.ts            # every mutant
 *   npx tsx tools/policy-mutants.ts lifetime   # mutants whose name contains "lifetime"
 *
 * Not part of `npm test` (it runs vitest once per mutant). The mutants are
 * made in a temporary copy of the files the policy tests need (sharing
 * node_modules through a symlink), never in the working tree: an
 * interrupted run cannot leave a broken guardrail behind, and edits made in
 * the working tree while it runs do not mix with the mutants.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

const root = path.resolve(__dirname, "..");
const RULES = "policy/rules.ts";
const POLICIES = "policy/policies.ts";
const FACTS = "components/facts.ts";

/**
 * What the policy tests read: the pack and the facts it imports, the tests
 * and their support (which runs the program on the mock engine), and the
 * configuration vitest, tsc and ts-node read (policy/tsconfig.json extends
 * the root one; policy/package.json gives the pack its version).
 */
const COPIED = ["policy", "components", "test", "tools/mock-engine", "package.json", "tsconfig.json", "vitest.config.mts"];

const POLICY_TESTS = ["test/policy/rules.test.ts", "test/policy/policies.test.ts", "test/policy/index.test.ts"];
/** Wiring and fact mutants also go through the real analyzer server. */
const ANALYZER_TEST = "test/policy/analyzer.test.ts";

interface Mutant {
  /** The invariant this edit breaks. */
  name: string;
  file: string;
  from: string;
  to: string;
}

const mutants: Mutant[] = [
  { name: "public client: auth method not checked", file: RULES, from: "if (method !== Okta.tokenEndpointAuthMethod.none) {", to: "if (false) {" },
  { name: "public client: unset pkceRequired accepted", file: RULES, from: "if (props.pkceRequired !== true) {", to: "if (props.pkceRequired === false) {" },
  { name: "refresh rotation: STATIC accepted", file: RULES, from: "  if (props.refreshTokenRotation === Okta.refreshTokenRotation.rotate) return [];", to: "  return [];" },
  { name: "refresh rotation: browser provider default ignored", file: RULES, from: "  return { grants: PROVIDER_DEFAULT_GRANT_TYPES[appType] ?? [], defaulted: true };", to: "  return { grants: [], defaulted: true };" },
  { name: "refresh rotation: public apps with a secret checked too", file: RULES, from: "  if (props.tokenEndpointAuthMethod !== Okta.tokenEndpointAuthMethod.none) return [];\n  const { grants, defaulted }", to: "  const { grants, defaulted }" },
  { name: "refresh rotation: apps without refresh_token checked too", file: RULES, from: "  if (!grants.includes(Okta.grantType.refreshToken)) return [];", to: "" },
  { name: "wiring: refresh rotation made advisory", file: POLICIES, from: '    enforcementLevel: "mandatory",\n    checks: [publicClientRotatesRefreshTokens],', to: '    enforcementLevel: "advisory",\n    checks: [publicClientRotatesRefreshTokens],' },
  { name: "web app: none accepted", file: RULES, from: "  if (props.tokenEndpointAuthMethod !== Okta.tokenEndpointAuthMethod.none) return [];\n  return [\n", to: "  return [];\n  return [\n" },
  { name: "grants: password allowed", file: RULES, from: "[Okta.grantType.implicit, Okta.grantType.password];", to: "[Okta.grantType.implicit];" },
  { name: "grants: browser provider default ignored", file: RULES, from: "  if (defaulted.length === 0) return [];", to: "  return [];" },
  { name: "grants: rule grants not checked", file: RULES, from: '  return forbiddenGrantViolations("grantTypeWhitelists", asStrings(props.grantTypeWhitelists) ?? []);', to: "  return [];" },
  { name: "response types: token allowed", file: RULES, from: "[Okta.responseType.token, Okta.responseType.idToken];", to: "[Okta.responseType.idToken];" },
  { name: "response types: only web apps checked", file: RULES, from: "props.type === Okta.appType.service) return [];", to: "props.type !== Okta.appType.web) return [];" },
  { name: "redirect: loopback by prefix (localhost.evil.com)", file: RULES, from: "    if (LOOPBACK_HOSTS.includes(url.hostname)) return undefined;", to: "    if (LOOPBACK_HOSTS.some((host) => url.hostname.startsWith(host))) return undefined;" },
  { name: "redirect: isLoopbackUri by prefix", file: RULES, from: "&& LOOPBACK_HOSTS.includes(url.hostname);", to: "&& LOOPBACK_HOSTS.some((host) => url.hostname.startsWith(host));" },
  { name: "redirect: native http to any host", file: RULES, from: "    if (LOOPBACK_HOSTS.includes(url.hostname)) return undefined;", to: "    return undefined;" },
  { name: "redirect: [::1] dropped from the loopback hosts in facts", file: FACTS, from: 'LOOPBACK_HOSTS: readonly string[] = ["localhost", "127.0.0.1", "[::1]"];', to: 'LOOPBACK_HOSTS: readonly string[] = ["localhost", "127.0.0.1"];' },
  { name: "redirect: web app http accepted", file: RULES, from: "  if (appType !== Okta.appType.native) {", to: "  if (false) {" },
  { name: "redirect: wildcard accepted", file: RULES, from: '  if (uri.includes("*")) {', to: "  if (false) {" },
  { name: "redirect: empty fragment accepted", file: RULES, from: '  if (uri.includes("#")) {', to: '  if (new URL(uri).hash !== "") {' },
  { name: "redirect: relative URI accepted", file: RULES, from: '    return "is not an absolute URI: Okta requires absolute redirect URIs (scheme, host, path)";', to: "    return undefined;" },
  { name: "redirect: scheme without a dot accepted", file: RULES, from: "return /^[a-z][a-z0-9+-]*(\\.[a-z0-9+-]+)+$/i.test(scheme);", to: "return /^[a-z][a-z0-9+.-]*$/i.test(scheme);" },
  { name: "redirect: SUBDOMAIN accepted", file: RULES, from: "  if (props.wildcardRedirect === Okta.wildcardRedirect.subdomain) {", to: "  if (false) {" },
  { name: "redirect: post-logout URIs not checked", file: RULES, from: '["redirectUris", "postLogoutRedirectUris"] as const;', to: '["redirectUris"] as const;' },
  { name: "rule scopes: * accepted", file: RULES, from: '  if (!scopes.includes("*")) return [];', to: "  return [];" },
  { name: "rule scopes: empty accepted", file: RULES, from: "  if (scopes === undefined || scopes.length === 0) {", to: "  if (scopes === undefined) {" },
  { name: "lifetimes: no upper bound", file: RULES, from: "  if (access < bounds.min || access > bounds.max) {", to: "  if (access < bounds.min) {" },
  { name: "lifetimes: window defaults to the refresh lifetime", file: RULES, from: "  const window = windowGiven ?? Okta.refreshTokenWindowMinutes.default;", to: "  const window = windowGiven ?? refresh;" },
  { name: "lifetimes: refresh shorter than access accepted", file: RULES, from: "  if (refresh < access) {", to: "  if (false) {" },
  { name: "clients: ALL_CLIENTS mixed with IDs accepted", file: RULES, from: "  if (!clients.includes(Okta.allClients) || clients.length === 1) return [];", to: "  return [];" },
  { name: "clients: empty list accepted", file: RULES, from: "  if (clients.length === 0) {\n    return [\n      {\n        property: \"clientWhitelists\",\n        message:\n          `clientWhitelists is ${show(props.clientWhitelists)}; accepted: the client IDs", to: "  if (false) {\n    return [\n      {\n        property: \"clientWhitelists\",\n        message:\n          `clientWhitelists is ${show(props.clientWhitelists)}; accepted: the client IDs" },
  { name: "clients: ALL_CLIENTS advice dropped", file: RULES, from: "  if (clients.length !== 1 || clients[0] !== Okta.allClients) return [];", to: "  return [];" },
  { name: "policy: blank description accepted", file: RULES, from: '  if (description === undefined || description.trim() === "") {', to: "  if (description === undefined) {" },
  { name: "policy: description over 255 accepted", file: RULES, from: "  } else if (description.length > POLICY_DESCRIPTION_MAX) {", to: "  } else if (false) {" },
  { name: "scope: toolhive:config:read may be default", file: RULES, from: "props.name !== REQUIRED_SCOPE || props.default !== true) return [];", to: "props.name === props.name) return [];" },
  { name: "scope: default and optional accepted", file: RULES, from: "props.default !== true || props.optional !== true) return [];", to: "props.default === props.default) return [];" },
  { name: "claims: platform claim of any claimType", file: RULES, from: "  if (props.claimType === Okta.claimType.accessToken) return [];", to: "  if (props.claimType !== undefined) return [];" },
  { name: "claims: GROUPS without filter accepted", file: RULES, from: '  if (valueType === Okta.claimValueType.groups && (filter === undefined || filter === "")) {', to: "  if (false) {" },
  { name: "claims: EXPRESSION with filter accepted", file: RULES, from: '  if (valueType === Okta.claimValueType.expression && filter !== undefined && filter !== "") {', to: "  if (false) {" },
  { name: "claims: unset valueType not EXPRESSION", file: RULES, from: "  const valueType = asString(props.valueType) ?? Okta.claimValueType.expression;", to: '  const valueType = asString(props.valueType) ?? "";' },
  { name: "claims: user.groups accepted (padded)", file: RULES, from: "const USER_GROUPS_EXPRESSION = /^\\s*user\\.groups\\s*$/;", to: "const USER_GROUPS_EXPRESSION = /^user\\.groups$/;" },
  { name: "default server: any name accepted", file: RULES, from: "  if (props.name !== DEFAULT_SERVER_NAME) {", to: "  if (false) {" },
  { name: "default server: unset rotation accepted", file: RULES, from: "  if (props.credentialsRotationMode !== Okta.credentialsRotationMode.auto) {", to: "  if (props.credentialsRotationMode === Okta.credentialsRotationMode.manual) {" },
  { name: "autonaming: wrong suffix length", file: RULES, from: "-[0-9a-f]{7}$`", to: "-[0-9a-f]{8}$`" },
  { name: "autonaming: logical name not escaped", file: RULES, from: "new RegExp(`^${escapeRegExp(context.logicalName)}-", to: "new RegExp(`^${context.logicalName}-" },
  { name: "autonaming: unset name accepted", file: RULES, from: '  if (name === undefined || name === "") {', to: "  if (false) {" },
  { name: "autonaming: groups not covered", file: RULES, from: '  [OktaType.group]: "the group name, which is what a GROUPS claim carries",\n', to: "" },
  { name: "enums: misspellings not detected", file: RULES, from: "  return accepted.find((real) => spellingKey(real) === spellingKey(value));", to: "  return undefined;" },
  { name: "enums: client*secret*basic not folded", file: RULES, from: "replace(/[_*\\-\\s]/g, \"\");", to: "replace(/[_\\-\\s]/g, \"\");" },
  { name: "wiring: ALL_CLIENTS advice made mandatory", file: POLICIES, from: '    enforcementLevel: "advisory",', to: '    enforcementLevel: "mandatory",' },
  { name: "wiring: violations not reported", file: POLICIES, from: "reportViolation(violation.message);", to: "void violation;" },
  { name: "wiring: claim-name config ignored", file: POLICIES, from: "      platformClaimNames: config.platformClaimNames ?? PLATFORM_CLAIM_NAMES,", to: "      platformClaimNames: PLATFORM_CLAIM_NAMES," },
  { name: "wiring: logical name not passed", file: POLICIES, from: "      logicalName: args.name,", to: '      logicalName: "",' },
  { name: "wiring: a check dropped from its policy", file: POLICIES, from: "appHasNoImplicitResponseType, ruleHasNoImplicitOrPasswordGrant],", to: "appHasNoImplicitResponseType]," },
  { name: "wiring: pack renamed", file: POLICIES, from: 'export const POLICY_PACK_NAME = "stacklok-okta-guardrails";', to: 'export const POLICY_PACK_NAME = "okta-guardrails";' },
];

function makeCopy(): string {
  const copy = mkdtempSync(path.join(tmpdir(), "policy-mutants-"));
  for (const entry of COPIED) {
    cpSync(path.join(root, entry), path.join(copy, entry), {
      recursive: true,
      filter: (source) => !source.split(path.sep).includes("node_modules"),
    });
  }
  symlinkSync(path.join(root, "node_modules"), path.join(copy, "node_modules"), "dir");
  return copy;
}

let running: ChildProcess | undefined;

function interruptedExit(): number {
  console.log("interrupted; the working tree was never edited and the copy is removed");
  return 130;
}

function runTests(copy: string, tests: readonly string[]): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(copy, "node_modules", ".bin", "vitest"), ["run", ...tests], { cwd: copy, stdio: "ignore" });
    running = child;
    child.on("error", reject);
    child.on("exit", (code) => {
      running = undefined;
      resolve(code);
    });
  });
}

async function main(): Promise<number> {
  const filter = process.argv.slice(2);
  const selected = mutants.filter((m) => filter.length === 0 || filter.some((f) => m.name.includes(f)));
  const copy = makeCopy();
  let interrupted = false;
  const stop = () => {
    interrupted = true;
    running?.kill("SIGTERM");
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  let survivors = 0;
  try {
    // A mutant counts as killed when the tests fail; that means something
    // only if they pass on the unmutated copy.
    const baseline = await runTests(copy, [...POLICY_TESTS, ANALYZER_TEST]);
    if (interrupted) return interruptedExit();
    if (baseline !== 0) {
      console.log(`the policy tests fail on the unmutated copy (exit ${baseline}); run \`npx vitest run test/policy\` to see why`);
      return 1;
    }
    for (const mutant of selected) {
      if (interrupted) break;
      const file = path.join(copy, mutant.file);
      const source = readFileSync(file, "utf8");
      const matches = source.split(mutant.from).length - 1;
      if (matches !== 1) {
        console.log(`STALE     ${mutant.name} (the edit matches ${matches} places; update this tool)`);
        survivors++;
        continue;
      }
      writeFileSync(file, source.replace(mutant.from, mutant.to));
      try {
        const tests = mutant.file === RULES ? POLICY_TESTS : [...POLICY_TESTS, ANALYZER_TEST];
        const status = await runTests(copy, tests);
        if (interrupted) break;
        const killed = status !== 0;
        if (!killed) survivors++;
        console.log(`${killed ? "KILLED  " : "SURVIVED"}  ${mutant.name}`);
      } finally {
        // The copy is reused for the next mutant.
        writeFileSync(file, source);
      }
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
  if (interrupted) return interruptedExit();
  console.log(`${selected.length - survivors}/${selected.length} mutants killed`);
  return survivors === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 3;
  },
);
