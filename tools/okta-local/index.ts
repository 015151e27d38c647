/**
 * okta-local: an Okta org on 127.0.0.1 for trying the program without an org
 * and for end-to-end tests. `start()` serves the management API and the OAuth
 * layer; see docs/okta-local.md for what is emulated and on whose authority.
 */
import { createSigningKey } from "./keys";
import { addAuthorizationServer } from "./management/authorizationServers";
import { EVERYONE, everyoneGroup, newGroup } from "./management/groups";
import { presetAccessPolicies } from "./management/org";
import { normaliseRuleConditions, tokenLifetimes } from "./management/policies";
import { timestamp } from "./management/shared";
import { addUser } from "./management/users";
import { registerOAuthRoutes } from "./oauth";
import { applySeed, parseSeed, readSeedFile, type SeedFile } from "./seed";
import { FaultPlan, parseFaults, readFaultsFile, type FaultsConfig, type FaultsFile } from "./faults";
import { buildServer, type RequestLogEntry, type WriteListener } from "./server";
import { randomSecret, Store } from "./store";

export type { CommittedWrite, RequestLogEntry, WriteListener } from "./server";
export type { FaultKind, FaultRule, FaultsConfig, FaultsFile, FaultTag, RateLimitBucket, RateLimitPreset } from "./faults";
export { FaultsError, parseFaults, RATE_LIMIT_BUCKETS, RATE_LIMIT_PRESETS } from "./faults";
export type { SeedFile } from "./seed";
export { SeedError } from "./seed";
export { Store } from "./store";
export type { OrgState } from "./store";

export interface StartOptions {
  /** 0 (the default) takes a free port. */
  port?: number;
  host?: "127.0.0.1";
  /** A seed object or the path of a YAML seed file. */
  seed?: SeedFile | string;
  /** Load the org from this file when it exists; save it there after every change. */
  statePath?: string;
  /** The `SSWS` token the management API accepts; generated when absent. */
  apiToken?: string;
  /** Do not log to stderr. */
  quiet?: boolean;
  /** The OAuth layer's clock, epoch seconds (fractional); tests move it to expire codes and tokens. */
  now?: () => number;
  /** Faults in force from the start: a faults object or the path of a YAML/JSON faults file (docs/okta-local.md). */
  faults?: FaultsFile | string;
}

/** The faults in force, changed while the org runs (the same as `/_local/faults`). */
export interface OktaLocalFaults {
  /** The plan in force, each rule's counters and each rate-limit bucket's window. */
  get(): ReturnType<FaultPlan["describe"]>;
  /** Replaces the plan (counters start again); throws FaultsError naming the key on bad input. */
  set(faults: FaultsFile): FaultsConfig;
  /** No faults, no enforced rate limits. */
  clear(): void;
}

export interface OktaLocal {
  /** The org URL, `http://127.0.0.1:<port>`. */
  url: string;
  apiToken: string;
  store: Store;
  close(): Promise<void>;
  requests(): RequestLogEntry[];
  faults: OktaLocalFaults;
  /**
   * Calls `listener` after each management write (a non-GET `/api/` request
   * answered 2xx) is committed to the store and before its answer is sent; a
   * returned promise holds the answer. Returns the listener's removal.
   */
  onWriteCommitted: (listener: WriteListener) => () => void;
  /** How many management writes the org has committed since it started. */
  writeCount: () => number;
}

/** The admin user the API token belongs to (`GET /api/v1/users/me`). */
export const ADMIN_LOGIN = "okta-local-admin@example.com";

export async function start(options: StartOptions = {}): Promise<OktaLocal> {
  const host = options.host ?? "127.0.0.1";
  const seed = typeof options.seed === "string" ? readSeedFile(options.seed) : options.seed ? parseSeed(options.seed) : undefined;
  const faultPlan = new FaultPlan(typeof options.faults === "string" ? readFaultsFile(options.faults) : parseFaults(options.faults ?? {}));
  // Okta API tokens are 42 characters starting with "00".
  const apiToken = options.apiToken ?? `00${randomSecret(30)}`;
  const log = options.quiet ? () => undefined : (message: string) => process.stderr.write(`okta-local: ${message}\n`);

  const store = new Store({ orgUrl: `http://${host}:${options.port ?? 0}`, statePath: options.statePath });
  const { app, requestLog, onWriteCommitted, writeCount } = buildServer({ store, apiToken, log, faults: faultPlan });
  registerOAuthRoutes(app, {
    store,
    orgUrl: () => store.orgUrl,
    log,
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(seed?.demo === true ? { demoUsers: seed.users } : {}),
  });

  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const url = `http://${host}:${port}`;
  try {
    if (store.orgUrl !== url || store.state.orgUrl !== url) store.rebase(url);
    await provisionOrg(store);
    if (seed) applySeed(store, seed);
  } catch (error) {
    await app.close();
    throw error;
  }

  return {
    url,
    apiToken,
    store,
    close: async () => {
      await app.close();
    },
    requests: () => [...requestLog],
    faults: {
      get: () => faultPlan.describe(),
      set: (faults) => {
        const config = parseFaults(faults);
        faultPlan.replace(config);
        return config;
      },
      clear: () => faultPlan.replace(parseFaults({})),
    },
    onWriteCommitted,
    writeCount,
  };
}

/**
 * What every org has before anyone calls it: the org server's signing key,
 * the `default` authorization server, the BUILT_IN Everyone group, the preset
 * app sign-on policies and the admin user behind the API token. Idempotent, so
 * a reloaded state file keeps its ids.
 */
async function provisionOrg(store: Store): Promise<void> {
  const state = store.state;
  const hasDefault = Object.values(state.authorizationServers).some((s) => s.default === true);
  const [orgKey, defaultKey] = await Promise.all([
    state.signingKeys.org ? undefined : createSigningKey(),
    hasDefault ? undefined : createSigningKey(),
  ]);
  store.mutate((s) => {
    if (orgKey) s.signingKeys.org = orgKey;
    if (!everyoneGroup(s)) {
      const id = store.newId("00g");
      s.groups[id] = newGroup(id, EVERYONE, "All users in your organization", "BUILT_IN");
    }
    if (defaultKey) {
      // Recorded default server: name "default", this description, audience api://default, `default: true`,
      // issuerMode DYNAMIC and MANUAL key rotation (`TestAccResourceOktaAuthServerDefault_crud`).
      const server = addAuthorizationServer(s, { orgUrl: () => store.orgUrl, newId: (p) => store.newId(p) }, {
        name: "default",
        description: "Default Authorization Server for your Applications",
        audiences: ["api://default"],
        issuerMode: "DYNAMIC",
        rotationMode: "MANUAL",
        isDefault: true,
      }, defaultKey);
      addDefaultPolicy(s, String(server.id), String(everyoneGroup(s)?.id), (p) => store.newId(p));
    }
    if (!Object.values(s.orgPolicies).some((p) => p.type === "ACCESS_POLICY" && p.system === true)) {
      for (const policy of presetAccessPolicies((p) => store.newId(p))) s.orgPolicies[String(policy.id)] = policy;
    }
    if (!s.users[s.adminUserId]) {
      const id = store.newId("00u");
      addUser(s, id, { login: ADMIN_LOGIN, email: ADMIN_LOGIN, firstName: "okta-local", lastName: "Admin" }, randomSecret(24), true);
      s.adminUserId = id;
    }
  });
}

/**
 * The default server "includes a basic access policy and rule" (management API
 * spec), named "Default Policy" / "Default Policy Rule" (Okta's token inline hook
 * guide); the rule is the spec's example. ASSUMPTION: the org is not an
 * Integrator Free Plan org (those get no default policy), and the spec's
 * `EVERYONE` stands for the Everyone group's id, as recordings show it.
 */
function addDefaultPolicy(s: Store["state"], serverId: string, everyoneId: string, newId: (prefix: string) => string): void {
  const now = timestamp();
  const policyId = newId("00p");
  (s.policies[serverId] ??= {})[policyId] = {
    id: policyId,
    status: "ACTIVE",
    name: "Default Policy",
    description: "Default policy description",
    priority: 1,
    system: false,
    conditions: { clients: { include: ["ALL_CLIENTS"] } },
    created: now,
    lastUpdated: now,
    type: "OAUTH_AUTHORIZATION_POLICY",
  };
  const ruleId = newId("0pr");
  s.policyRules[policyId] = {
    [ruleId]: {
      id: ruleId,
      status: "ACTIVE",
      name: "Default Policy Rule",
      priority: 1,
      created: now,
      lastUpdated: now,
      system: false,
      conditions: normaliseRuleConditions({
        people: { groups: { include: [everyoneId] } },
        grantTypes: { include: ["implicit", "client_credentials", "authorization_code", "password"] },
        scopes: { include: ["*"] },
      }),
      actions: { token: tokenLifetimes({ accessTokenLifetimeMinutes: 60, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080 }) },
      type: "RESOURCE_ACCESS",
    },
  };
}
