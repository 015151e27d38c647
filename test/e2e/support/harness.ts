/**
 * The end-to-end loop: a fresh okta-local org, the real program applied to it
 * (local-apply, as terraform-provider-okta would), users signing in through
 * each app as Stacklok's clients do, every token judged by verify-token and by
 * Okta's own verifier, and the offline plan's prediction for the same
 * project and stack, read from `npm run plan -- --format json`.
 */
import { join } from "node:path";
import OktaJwtVerifier from "@okta/jwt-verifier";
import { expect } from "vitest";
import { stringify } from "yaml";
import { z } from "zod";
import { mcpServerOutputSchema, type McpServerOutput } from "../../../components/contract";
import { COMPONENT_KINDS, mcpServerSlug, mcpServerTitle } from "../../../components/platform";
import { applyStack, type ApplyResult } from "../../../tools/local-apply/index";
import { start, type OktaLocal, type OrgState, type SeedFile } from "../../../tools/okta-local/index";
import type { ComponentName, TokenFlow, WiringCode, WiringProblem } from "../../../tools/plan/wiring";
import {
  SignInRefused,
  oktaLocalSignInForm,
  signIn,
  signInOutputsSchema,
  verifyForComponents,
  type AppName,
  type Credentials,
  type SignInOutputs,
  type TokenEndpointAuthMethod,
} from "../../../tools/sign-in/index";
import type { ComponentId, ReasonCode, Verdict } from "../../../tools/verify-token/index";
import { runNode } from "../../support/nodeProcess";
import { projectRoot } from "../../support/projectCopy";

export { projectRoot };

export const CLIENTS = ["cli", "cloudUi"] as const satisfies readonly TokenFlow["client"][];
export type ClientKey = (typeof CLIENTS)[number];

export const APP_OF: Record<ClientKey, AppName> = { cli: "cli", cloudUi: "cloud-ui" };

export const COMPONENT_IDS = ["enterprise-manager", "cloud-ui", "registry-server"] as const satisfies readonly ComponentId[];

/** verify-token's component ids as the plan names the components. */
export const PLAN_NAME: Record<ComponentId, ComponentName> = {
  "enterprise-manager": "Enterprise Manager",
  "cloud-ui": "Cloud UI",
  "registry-server": "Registry Server",
};

export const PASSWORDS = { member: "E2e-Member-Pass-1", outsider: "E2e-Outsider-Pass-1" } as const;

export function memberLogin(environment: string): string {
  return `member.${environment}@example.com`;
}
export const OUTSIDER_LOGIN = "outsider@example.com";

/** A member of the environment's access group (with a role, so the roles claim has a value) and a user in no group. */
export function seedFor(environment: string): SeedFile {
  return {
    users: [
      {
        login: memberLogin(environment),
        password: PASSWORDS.member,
        email: memberLogin(environment),
        firstName: "Member",
        lastName: "Of The Access Group",
        groups: [`stacklok-${environment}-users`],
        profile: { roles: ["toolhive-admin"] },
      },
      { login: OUTSIDER_LOGIN, password: PASSWORDS.outsider, email: OUTSIDER_LOGIN, firstName: "Outside", lastName: "Every Group", groups: [] },
    ],
  };
}

export function member(environment: string): Credentials {
  return { username: memberLogin(environment), password: PASSWORDS.member };
}
export const outsider: Credentials = { username: OUTSIDER_LOGIN, password: PASSWORDS.outsider };

export function startOrg(seed: SeedFile): Promise<OktaLocal> {
  return start({ seed, quiet: true });
}

/** okta-local's request log entries that change something. */
export function writesIn(org: OktaLocal, since = 0): { method: string; path: string }[] {
  return org
    .requests()
    .slice(since)
    .filter((r) => r.method !== "GET" && r.method !== "HEAD")
    .map(({ method, path }) => ({ method, path }));
}

/** Management API calls only (the OAuth endpoints are the users', not the provider's). */
export function managementCalls(org: OktaLocal, since = 0): number {
  return org
    .requests()
    .slice(since)
    .filter((r) => r.path.startsWith("/api/") || r.path.startsWith("/.well-known/okta-organization")).length;
}

export interface ApplyTarget {
  projectDir: string;
  stack: string;
  stateDir: string;
  config?: Record<string, unknown>;
}

export function apply(org: OktaLocal, target: ApplyTarget, destroy = false): Promise<ApplyResult> {
  return applyStack({
    projectDir: target.projectDir,
    stack: target.stack,
    orgUrl: org.url,
    apiToken: org.apiToken,
    stateDir: target.stateDir,
    ...(target.config === undefined ? {} : { config: target.config }),
    ...(destroy ? { destroy: true } : {}),
    log: () => undefined,
  });
}

/** Writes `Pulumi.<stack>.yaml` with the given project keys (and okta's provider keys for a loopback org). */
export function stackFile(config: Record<string, unknown>): string {
  const namespaced = Object.fromEntries(Object.entries(config).map(([key, value]) => [`stacklok-identity:${key}`, value]));
  return stringify({ config: { "okta:orgName": "okta-local", "okta:baseUrl": "example.com", ...namespaced } });
}

// ---------------------------------------------------------------------------
// What a stack leaves in the org

/** The ids of each kind of object a stack can leave behind, and the users' roles. */
export function inventory(state: OrgState) {
  const ids = (record: Record<string, unknown>) => Object.keys(record).sort();
  return {
    apps: ids(state.apps),
    authorizationServers: ids(state.authorizationServers),
    groups: ids(state.groups),
    userSchemaCustomProperties: ids(state.userSchemaCustomProperties),
    roles: Object.fromEntries(Object.entries(state.users).map(([id, user]) => [id, (user["profile"] as Record<string, unknown>)["roles"]])),
  };
}

/**
 * What the README says a destroy leaves: none of the stack's apps, custom
 * servers (with their scopes, claims and policies) or groups, and the
 * org-wide roles attribute, kept by retainOnDelete.
 */
export function expectOnlyRolesAttributeLeft(
  untouched: ReturnType<typeof inventory>,
  after: ReturnType<typeof inventory>,
  /** The attribute the stack manages (`manageRolesAttribute`), or null for none. */
  rolesAttribute: string | null = "roles",
): void {
  expect(after.apps).toEqual(untouched.apps);
  expect(after.authorizationServers).toEqual(untouched.authorizationServers);
  expect(after.groups).toEqual(untouched.groups);
  expect(after.userSchemaCustomProperties).toEqual([...new Set([...untouched.userSchemaCustomProperties, ...(rolesAttribute === null ? [] : [rolesAttribute])])].sort());
}

export function defaultServer(state: OrgState): Record<string, unknown> {
  const server = Object.values(state.authorizationServers).find((s) => s["default"] === true);
  if (server === undefined) throw new Error("okta-local has no default server");
  return server;
}

// ---------------------------------------------------------------------------
// The static side: the offline plan

export interface PlanVerdicts {
  flows: TokenFlow[];
  problems: { code: WiringCode; message: string }[];
}

const PLAN = join(projectRoot, "tools", "plan", "main.cjs");

export async function planOf(projectDir: string, stack: string): Promise<PlanVerdicts> {
  const { code, stdout, stderr } = await runNode([PLAN, "--project-dir", projectDir, "--stack", stack, "--format", "json"], { cwd: projectRoot });
  // Exit 1 with a document is a wiring failure the plan found; no document is a failed run.
  if (stdout.trim() === "") throw new Error(`npm run plan (exit ${String(code)}) printed no plan:\n${stderr}`);
  // The parts of `npm run plan -- --format json` compared here.
  const doc = JSON.parse(stdout) as { tokenFlows: TokenFlow[]; wiring: { problems: WiringProblem[] } };
  return { flows: doc.tokenFlows, problems: doc.wiring.problems };
}

// ---------------------------------------------------------------------------
// The dynamic side: sign-in and the components' checks

export interface ComponentVerdict {
  verdict: Verdict;
  /** verify-token's error codes (what makes the component answer 401). */
  errors: ReasonCode[];
  /** What Okta's own verifier, configured as the component is, says. */
  oktaJwtVerifier: "accepted" | "rejected";
}

export type ClientOutcome =
  | { signedIn: true; accessToken: string; components: Record<ComponentId, ComponentVerdict> }
  | { signedIn: false; error: string; description: string };

export interface SignInOptions {
  redirectUri: string;
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
}

export function parseOutputs(raw: Record<string, unknown>): SignInOutputs {
  return signInOutputsSchema.parse(raw);
}

/** What `npm run sign-in` printed holds neither the Cloud UI's client secret nor a token (only decoded claims). */
export function expectNoSecretPrinted(printed: string, rawOutputs: Record<string, unknown>): void {
  expect(printed).not.toContain(parseOutputs(rawOutputs).cloudUi.clientSecret);
  expect(printed).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/);
}

/** Signs `who` in through the client's app; a refusal is an outcome, not an error. */
export async function signInAs(
  client: ClientKey,
  who: Credentials,
  rawOutputs: Record<string, unknown>,
  options: SignInOptions,
): Promise<ClientOutcome> {
  const outputs = parseOutputs(rawOutputs);
  let accessToken: string;
  try {
    const result = await signIn({
      app: APP_OF[client],
      outputs,
      userAgent: oktaLocalSignInForm(who),
      redirectUri: options.redirectUri,
      ...(options.tokenEndpointAuthMethod === undefined ? {} : { tokenEndpointAuthMethod: options.tokenEndpointAuthMethod }),
    });
    accessToken = result.accessToken;
  } catch (error) {
    if (error instanceof SignInRefused) return { signedIn: false, error: error.error, description: error.description };
    throw error;
  }
  return { signedIn: true, accessToken, components: await judge(accessToken, rawOutputs) };
}

export async function judge(
  accessToken: string,
  rawOutputs: Record<string, unknown>,
  components: readonly ComponentId[] = COMPONENT_IDS,
): Promise<Record<ComponentId, ComponentVerdict>> {
  const report = await verifyForComponents(accessToken, rawOutputs, components);
  const outputs = parseOutputs(rawOutputs);
  const mcpServers = mcpServersOf(rawOutputs);
  const verdicts = {} as Record<ComponentId, ComponentVerdict>;
  for (const component of report.components) {
    verdicts[component.component] = {
      verdict: component.verdict,
      errors: component.findings.filter((f) => f.severity === "error").map((f) => f.code),
      oktaJwtVerifier: await oktaJwtVerifierVerdict(accessToken, component.component, outputs, mcpServers),
    };
  }
  return verdicts;
}

/**
 * @okta/jwt-verifier configured as each component is configured: the
 * Enterprise Manager's issuer and audience plus its required scope, the
 * Cloud UI's issuer and audience, the Registry Server's providers, any
 * of which may accept (it tries them in turn), and an MCP server's
 * MCPOIDCConfig issuer with its oidcConfigRef audience.
 */
async function oktaJwtVerifierVerdict(
  token: string,
  component: ComponentId,
  outputs: SignInOutputs,
  mcpServers: Record<string, McpServerOutput>,
): Promise<"accepted" | "rejected"> {
  const mcp = mcpNameOf(component);
  const mcpServer = mcp === undefined ? undefined : mcpServers[mcp];
  if (mcp !== undefined && mcpServer === undefined) return "rejected";
  const pairs = mcpServer
    ? // An MCP server checks its MCPOIDCConfig's issuer and its oidcConfigRef audience, nothing else.
      [{ issuer: mcpServer.issuer, audience: mcpServer.oidcConfigRef.audience }]
    : component === "enterprise-manager"
      ? [{ issuer: outputs.enterpriseManager.issuer, audience: outputs.enterpriseManager.audience, scope: outputs.enterpriseManager.requiredScope }]
      : component === "cloud-ui"
        ? [{ issuer: outputs.cloudUi.issuer, audience: outputs.cloudUi.audience }]
        : outputs.registryServer.providers.map((p) => ({ issuer: p.issuerUrl, audience: p.audience }));
  for (const pair of pairs) {
    const verifier = jwtVerifier(pair.issuer, "scope" in pair ? pair.scope : undefined);
    try {
      await verifier.verifyAccessToken(token, pair.audience);
      return "accepted";
    } catch {
      // Next provider, if any.
    }
  }
  return "rejected";
}

/** One verifier per issuer and required scope, as each component keeps one (and its key cache). */
const verifiers = new Map<string, OktaJwtVerifier>();

function jwtVerifier(issuer: string, requiredScope: string | undefined): OktaJwtVerifier {
  const key = `${issuer} ${requiredScope ?? ""}`;
  let verifier = verifiers.get(key);
  if (verifier === undefined) {
    verifier = new OktaJwtVerifier({
      issuer,
      // okta-local serves http on 127.0.0.1; Okta's verifier otherwise insists on https.
      testing: { disableHttpsCheck: true },
      ...(requiredScope === undefined ? {} : { assertClaims: { "scp.includes": [requiredScope] } }),
    });
    verifiers.set(key, verifier);
  }
  return verifier;
}

export type Expected = Record<ComponentId, "accepted" | ReasonCode[]>;

/**
 * What each component says of each client's token, with verify-token's
 * documented reason codes for a rejection (docs/verify-token.md). In
 * per-component mode each server's token is for its component alone; in
 * single mode one issuer and one audience serve everyone and only the
 * Enterprise Manager's scope tells the two clients' tokens apart.
 */
export const EXPECTED: Record<"single" | "per-component", Record<ClientKey, Expected>> = {
  "per-component": {
    cli: { "enterprise-manager": "accepted", "cloud-ui": ["issuer_mismatch", "audience_mismatch"], "registry-server": "accepted" },
    cloudUi: {
      "enterprise-manager": ["issuer_mismatch", "audience_mismatch", "scope_missing"],
      "cloud-ui": "accepted",
      "registry-server": "accepted",
    },
  },
  single: {
    cli: { "enterprise-manager": "accepted", "cloud-ui": "accepted", "registry-server": "accepted" },
    cloudUi: { "enterprise-manager": ["scope_missing"], "cloud-ui": "accepted", "registry-server": "accepted" },
  },
};

/** The member's token through `client` got the verdicts and reason codes EXPECTED lists for the mode. */
export function expectDocumentedVerdicts(mode: "single" | "per-component", client: ClientKey, outcome: ClientOutcome): void {
  if (!outcome.signedIn) throw new Error(`${client} did not sign in: ${outcome.error}: ${outcome.description}`);
  for (const component of COMPONENT_IDS) {
    const expected = EXPECTED[mode][client][component];
    const actual = outcome.components[component];
    if (expected === "accepted") {
      expect({ client, component, verdict: actual.verdict, errors: actual.errors }).toEqual({ client, component, verdict: "accepted", errors: [] });
    } else {
      expect({ client, component, verdict: actual.verdict }).toEqual({ client, component, verdict: "rejected" });
      expect(actual.errors, `${client} -> ${component}`).toEqual(expect.arrayContaining(expected));
    }
  }
}

// ---------------------------------------------------------------------------
// Static == dynamic

/**
 * Which of the plan's wiring codes stand for the error Okta answered a
 * sign-in with (Okta's error catalogue, developer.okta.com/docs/reference/error-codes/):
 * assignment is checked first and has its own text; every policy or rule
 * that fails to match ends in the same "Policy evaluation failed"; a scope
 * the server lacks is refused before anyone signs in.
 */
export function wiringCodesFor(error: string, description: string): WiringCode[] {
  if (error === "access_denied" && description.startsWith("User is not assigned to the client application")) return ["app_unassigned"];
  if (error === "access_denied" && description.startsWith("Policy evaluation failed")) {
    return ["client_not_whitelisted", "grant_not_allowed", "scope_not_allowed", "no_assigned_user_admitted"];
  }
  if (error === "invalid_scope") return ["scope_missing_on_server"];
  if (error === "unauthorized_client") return ["grant_not_allowed"];
  return [];
}

/**
 * For every client x component: the plan's verdict equals what happened.
 * A client the plan says gets no token was refused by okta-local with an
 * error the plan's problem codes explain; one it says gets a token got one,
 * and exactly the components the plan lists accept it (by verify-token and
 * by @okta/jwt-verifier alike).
 */
export function expectStaticEqualsDynamic(plan: PlanVerdicts, outcomes: Record<ClientKey, ClientOutcome>): void {
  for (const client of CLIENTS) {
    const flow = plan.flows.find((f) => f.client === client);
    expect(flow, `the plan has a token flow for ${client}`).toBeDefined();
    if (flow === undefined) continue;
    const outcome = outcomes[client];
    expect({ client, issued: outcome.signedIn }).toEqual({ client, issued: flow.issued });
    if (!outcome.signedIn) {
      const explained = wiringCodesFor(outcome.error, outcome.description);
      const planCodes = plan.problems.map((p) => p.code);
      expect(
        planCodes.filter((code) => explained.includes(code)),
        `${client} was refused with ${outcome.error}: ${outcome.description}; the plan's problems: ${planCodes.join(", ")}`,
      ).not.toEqual([]);
      continue;
    }
    for (const component of COMPONENT_IDS) {
      const predicted = flow.acceptedBy.includes(PLAN_NAME[component]) ? "accepted" : "rejected";
      const actual = outcome.components[component];
      expect({ client, component, verifyToken: actual.verdict, oktaJwtVerifier: actual.oktaJwtVerifier }).toEqual({
        client,
        component,
        verifyToken: predicted,
        oktaJwtVerifier: predicted,
      });
    }
  }
}

// ---------------------------------------------------------------------------
// MCP servers: the CLI signs in at each MCP server's own issuer

/** The `mcpServers` output (empty when the stack declares none). */
export function mcpServersOf(rawOutputs: Record<string, unknown>): Record<string, McpServerOutput> {
  const raw = rawOutputs["mcpServers"];
  return raw === undefined ? {} : z.record(z.string(), mcpServerOutputSchema).parse(raw);
}

function mcpNameOf(component: ComponentId): string | undefined {
  const prefix = `${COMPONENT_KINDS.mcpServer.slug}:`;
  return component.startsWith(prefix) ? component.slice(prefix.length) : undefined;
}

/** Every component a token is judged against: the platform's and each MCP server the outputs list. */
export function allComponentIds(rawOutputs: Record<string, unknown>): ComponentId[] {
  return [...COMPONENT_IDS, ...Object.keys(mcpServersOf(rawOutputs)).map((name) => mcpServerSlug(name))];
}

/** A verify-token id as the plan names the component. */
export function planNameOf(component: ComponentId): ComponentName {
  const mcp = mcpNameOf(component);
  return mcp === undefined ? PLAN_NAME[component as (typeof COMPONENT_IDS)[number]] : mcpServerTitle(mcp);
}

/**
 * Signs `who` in through the client's app at MCP server `name`'s issuer, as
 * thv does for a remote MCP server: the issuer from the server's metadata
 * (the `mcpServers` output's issuer, which its MCPOIDCConfig names), the
 * scopes it advertises (`openid`) plus `offline_access`, PKCE on the
 * loopback redirect. The Cloud UI, which calls no MCP server, is tried with
 * its usual request. The token is judged by every component, MCP servers
 * included.
 */
export async function signInAtMcpServer(
  client: ClientKey,
  who: Credentials,
  rawOutputs: Record<string, unknown>,
  name: string,
  options: SignInOptions,
): Promise<ClientOutcome> {
  const server = mcpServersOf(rawOutputs)[name];
  if (server === undefined) throw new Error(`the outputs have no mcpServers.${name}`);
  let accessToken: string;
  try {
    const result = await signIn({
      app: APP_OF[client],
      outputs: parseOutputs(rawOutputs),
      userAgent: oktaLocalSignInForm(who),
      redirectUri: options.redirectUri,
      issuer: server.issuer,
      ...(client === "cli" ? { scopes: COMPONENT_KINDS.mcpServer.scopes } : {}),
    });
    accessToken = result.accessToken;
  } catch (error) {
    if (error instanceof SignInRefused) return { signedIn: false, error: error.error, description: error.description };
    throw error;
  }
  return { signedIn: true, accessToken, components: await judge(accessToken, rawOutputs, allComponentIds(rawOutputs)) };
}

/** The plan's wiring codes that predict an MCP server refusing a token for each verify-token reason. */
const MCP_REJECTION_EXPLAINED_BY: Partial<Record<ReasonCode, WiringCode[]>> = {
  audience_mismatch: ["audience_not_on_server", "mcp_trusts_other_issuer"],
  issuer_mismatch: ["mcp_trusts_other_issuer", "issuer_unplanned"],
};

/**
 * For the CLI x each MCP server: the plan's flow for that server says
 * whether Okta issues the token and which components accept it; what
 * happened must be the same, by verify-token and @okta/jwt-verifier alike.
 * A refusal must be one the plan's problem codes explain.
 */
export function expectMcpStaticEqualsDynamic(
  plan: PlanVerdicts,
  rawOutputs: Record<string, unknown>,
  outcomes: Record<string, ClientOutcome>,
): void {
  const names = Object.keys(mcpServersOf(rawOutputs));
  expect(Object.keys(outcomes).sort(), "one CLI sign-in per MCP server").toEqual([...names].sort());
  for (const name of names) {
    const flow = plan.flows.find((f) => f.component === mcpServerTitle(name));
    expect(flow, `the plan has a token flow for MCP server ${name}`).toBeDefined();
    if (flow === undefined) continue;
    expect(flow.client).toBe(COMPONENT_KINDS.mcpServer.audience.client);
    const outcome = outcomes[name];
    if (outcome === undefined) continue;
    const slug = mcpServerSlug(name);
    if (!flow.issued && outcome.signedIn) {
      // Okta puts its server's one audience in a token whatever the client asked for (it
      // ignores RFC 8707 `resource`), so a wire the plan says yields no token for this MCP
      // server can still yield a token, for someone else's audience: the MCP server must
      // refuse it, for a reason the plan's problems name.
      const actual = outcome.components[slug];
      expect({ name, verifyToken: actual?.verdict, oktaJwtVerifier: actual?.oktaJwtVerifier }).toEqual({
        name,
        verifyToken: "rejected",
        oktaJwtVerifier: "rejected",
      });
      const explained = (actual?.errors ?? []).flatMap((code) => MCP_REJECTION_EXPLAINED_BY[code] ?? []);
      const planCodes = plan.problems.map((p) => p.code);
      expect(
        planCodes.filter((code) => explained.includes(code)),
        `MCP server ${name} refused the CLI's token with ${(actual?.errors ?? []).join(", ")}; the plan's problems: ${planCodes.join(", ")}`,
      ).not.toEqual([]);
      continue;
    }
    expect({ name, issued: outcome.signedIn }).toEqual({ name, issued: flow.issued });
    if (!outcome.signedIn) {
      const explained = wiringCodesFor(outcome.error, outcome.description);
      const planCodes = plan.problems.map((p) => p.code);
      expect(
        planCodes.filter((code) => explained.includes(code)),
        `the CLI was refused at MCP server ${name}'s issuer with ${outcome.error}: ${outcome.description}; the plan's problems: ${planCodes.join(", ")}`,
      ).not.toEqual([]);
      continue;
    }
    for (const component of allComponentIds(rawOutputs)) {
      const predicted = flow.acceptedBy.includes(planNameOf(component)) ? "accepted" : "rejected";
      const actual = outcome.components[component];
      expect({ name, component, verifyToken: actual?.verdict, oktaJwtVerifier: actual?.oktaJwtVerifier }).toEqual({
        name,
        component,
        verifyToken: predicted,
        oktaJwtVerifier: predicted,
      });
    }
  }
}
