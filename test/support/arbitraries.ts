/**
 * fast-check arbitraries over the VALID stack config space, in the raw form
 * Pulumi hands the program: every value either typed or as the string the
 * engine passes (`"60"`, `"true"`, JSON for objects and lists), since the
 * schema must accept both. properties.test.ts checks that every sample parses,
 * so this file cannot drift into generating configs the program rejects.
 *
 * Cross-key rules are built in rather than filtered, where they are narrow
 * (token lifetimes), so the generator does not waste most of its samples.
 */
import fc from "fast-check";
import { environmentFromStack, parseStackConfig, RESERVED_CLAIM_NAMES, type StacklokIdentityConfig } from "../../components/config";
import { resolveClaims } from "../../components/config/claims";
import type { RawConfig } from "../../components/config/schema";
import type { ClaimSpec } from "../../components/config/types";
import { DEFAULT_SERVER_NAME, Okta, REGISTRY_ROLES } from "../../components/facts";
import { DEFAULT_AUDIENCES } from "../../components/platform";

export interface ConfigSample {
  /** The Pulumi stack name; the default environment derives from it. */
  stack: string;
  /** Keys without the `stacklok-identity:` namespace, values as Pulumi may pass them. */
  config: Record<string, unknown>;
}

type Model = Record<string, unknown>;

/** An optional key: absent from the config, or set. */
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined, freq: 3 });

function definedEntries(model: Model): Model {
  return Object.fromEntries(Object.entries(model).filter(([, v]) => v !== undefined));
}

// ---------------------------------------------------------------------------
// URLs

// Hyphens in the third and fourth places are reserved for IDNA (RFC 5891 section 4.2.3.1): `xn--a` is
// not valid punycode, so WHATWG URL parsing (and the schema) rightly refuses such a host.
const hostLabel = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,14}[a-z0-9])?$/).filter((label) => label.slice(2, 4) !== "--");
const publicHost = fc
  .tuple(fc.array(hostLabel, { minLength: 1, maxLength: 3 }), fc.constantFrom("com", "io", "dev", "example", "co.uk"))
  .map(([labels, tld]) => [...labels, tld].join("."));
const pathSegment = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_~-]{0,11}$/);

/** A public https URL, with or without port, path and trailing slash (the schema strips the slash). */
export const httpsUrlArb = fc
  .record({
    host: publicHost,
    port: maybe(fc.integer({ min: 1, max: 65_535 })),
    path: fc.array(pathSegment, { maxLength: 3 }),
    trailingSlash: fc.boolean(),
  })
  .map(({ host, port, path, trailingSlash }) => {
    const base = `https://${host}${port === undefined ? "" : `:${port}`}${path.map((s) => `/${s}`).join("")}`;
    return trailingSlash ? `${base}/` : base;
  });

/** A loopback callback as the CLI listens on it: Okta compares the whole string, so every part varies. */
export const loopbackUriArb = fc
  .record({
    host: fc.constantFrom("localhost", "127.0.0.1", "[::1]"),
    scheme: fc.constantFrom("http", "http", "http", "https"),
    port: maybe(fc.integer({ min: 1024, max: 65_535 })),
    path: fc.oneof(fc.constantFrom("/callback", "/oauth/callback", "/", ""), pathSegment.map((s) => `/${s}`)),
  })
  .map(({ host, scheme, port, path }) => `${scheme}://${host}${port === undefined ? "" : `:${port}`}${path}`);

// ---------------------------------------------------------------------------
// Names and identifiers

export const environmentArb = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/);

/** Pulumi stack names (letters, digits, `-`, `_`, `.`); the environment derived from them is never empty. */
export const stackNameArb = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,30}$/);

/** A custom authorization server name: anything but `default` and its look-alikes. */
const customServerName = fc
  .stringMatching(/^[A-Za-z0-9](?:[A-Za-z0-9 _.()-]{0,40}[A-Za-z0-9)])?$/)
  .filter((name) => name.toLowerCase() !== DEFAULT_SERVER_NAME);

/** Okta group ids: `00g` and 17 letters or digits. */
export const groupIdArb = fc.stringMatching(/^00g[A-Za-z0-9]{17}$/);

const audienceValue = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
  fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/).map((s) => `api://${s}`),
  httpsUrlArb,
  // Any URI characters: what the schema promises to accept.
  fc.stringMatching(/^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]{1,40}$/),
);

const claimName = fc
  .oneof(
    fc.constantFrom("groups", "roles", "email", "stacklok_groups", "stacklok:roles", "mail"),
    fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.:-]{0,20}$/),
  )
  .filter((name) => !RESERVED_CLAIM_NAMES.has(name));

const groupsRegex = fc.constantFrom(".*", "stacklok-.*", "^(admins|developers)$", "team-[a-z]+", "Everyone");
const expression = fc.oneof(
  fc.constantFrom(
    "user.roles",
    "user.email",
    "user.login",
    "user.getGroups({'group.type': {'OKTA_GROUP'}}).![name]",
    'isMemberOfGroupName("stacklok-admins") ? "admin" : "viewer"',
  ),
  fc.stringMatching(/^[a-z][A-Za-z0-9]{0,15}$/).filter((attr) => attr !== "groups").map((attr) => `user.${attr}`),
);

const claimArb = fc
  .record(
    {
      name: claimName,
      value: fc.oneof(groupsRegex.map((r) => ({ groupsRegex: r })), expression.map((e) => ({ expression: e }))),
      enabled: fc.boolean(),
    },
    { requiredKeys: [] },
  )
  .map(({ value, ...rest }) => ({ ...rest, ...value }));

const CLAIM_DEFAULT_NAMES = { groups: "groups", roles: "roles", email: "email" } as const;

/** Claims whose enabled names are distinct (Okta keys claims by name on a server). */
const claimsArb = fc
  .record({ groups: claimArb, roles: claimArb, email: claimArb }, { requiredKeys: [] })
  .filter((claims) => {
    const names = (Object.keys(CLAIM_DEFAULT_NAMES) as (keyof typeof CLAIM_DEFAULT_NAMES)[])
      .filter((key) => claims[key]?.enabled !== false)
      .map((key) => claims[key]?.name ?? CLAIM_DEFAULT_NAMES[key]);
    return new Set(names).size === names.length;
  });

// ---------------------------------------------------------------------------
// Cross-key groups

/** Per-component audiences, each set or left to its default, that never collide (case-insensitively). */
const perComponentAudiencesArb = fc
  .record({ enterpriseManager: audienceValue, cloudUi: audienceValue }, { requiredKeys: [] })
  .filter(
    (a) =>
      (a.enterpriseManager ?? DEFAULT_AUDIENCES.enterpriseManager).toLowerCase() !==
      (a.cloudUi ?? DEFAULT_AUDIENCES.cloudUi).toLowerCase(),
  );

/**
 * Single-mode audiences: one server, one audience. The Cloud UI's is left
 * out or restates the Enterprise Manager's (the default one included).
 */
const singleAudiencesArb = fc.oneof(
  fc.record({ enterpriseManager: audienceValue }, { requiredKeys: [] }),
  audienceValue.map((a) => ({ enterpriseManager: a, cloudUi: a })),
  fc.constant({ cloudUi: DEFAULT_AUDIENCES.enterpriseManager }),
);

/** Who may sign in: at least one assigned group, or every user, else sign-in fails with user_not_assigned. */
const accessArb = fc
  .record({
    createAccessGroup: maybe(fc.boolean()),
    accessGroupIds: maybe(fc.uniqueArray(groupIdArb, { maxLength: 4 })),
    allowEveryone: maybe(fc.boolean()),
  })
  .filter((a) => a.createAccessGroup !== false || (a.accessGroupIds?.length ?? 0) > 0 || a.allowEveryone === true);

const { min: accessMin, max: accessMax } = Okta.accessTokenLifetimeMinutes;
const { min: windowMin, max: windowMax } = Okta.refreshTokenWindowMinutes;
const accessLifetime = fc.integer({ min: accessMin, max: accessMax });

/**
 * Okta's relation (terraform-provider-okta
 * `okta/services/idaas/resource_okta_auth_server_policy_rule.go` and the
 * management API's policy-rule token limits): access 5..1440; refresh 0
 * (unlimited) or at least access; then access <= window <= refresh. Keys
 * left unset take the defaults (DEFAULT_TOKEN_LIFETIMES: 60, 129600, 10080),
 * which satisfy it with any access lifetime.
 */
const lifetimesArb = fc.oneof(
  fc.constant({}),
  accessLifetime.map((access) => ({ accessTokenLifetimeMinutes: access })),
  fc.constant({ refreshTokenLifetimeMinutes: 0 }),
  fc.integer({ min: 1440, max: 129_600 }).map((window) => ({ refreshTokenWindowMinutes: window })),
  accessLifetime.chain((access) =>
    fc.oneof(
      fc.integer({ min: windowMin, max: windowMax }).map((window) => ({
        accessTokenLifetimeMinutes: access,
        refreshTokenLifetimeMinutes: 0,
        refreshTokenWindowMinutes: window,
      })),
      fc.integer({ min: Math.max(access, windowMin), max: windowMax }).chain((refresh) =>
        fc.integer({ min: Math.max(access, windowMin), max: refresh }).map((window) => ({
          accessTokenLifetimeMinutes: access,
          refreshTokenLifetimeMinutes: refresh,
          refreshTokenWindowMinutes: window,
        })),
      ),
    ),
  ),
);

// ---------------------------------------------------------------------------
// Registry roles and MCP servers

/** A group name each `groupsRegex` above keeps (Okta matches the whole name). */
const GROUP_KEPT_BY: Readonly<Record<string, string>> = {
  ".*": "platform-admins",
  "stacklok-.*": "stacklok-registry-admins",
  "^(admins|developers)$": "admins",
  "team-[a-z]+": "team-registry",
  Everyone: "Everyone",
};

/** A value the claim can carry: a group its filter keeps, or any value an expression may yield. */
function claimValueArb(claim: ClaimSpec): fc.Arbitrary<string | string[]> {
  if (claim.valueType === Okta.claimValueType.groups) {
    const kept = GROUP_KEPT_BY[claim.value];
    if (kept === undefined) throw new Error(`no group known to pass the filter ${claim.value}`);
    return fc.constantFrom<string | string[]>(kept, [kept]);
  }
  const value = fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/);
  return fc.oneof(value, fc.uniqueArray(value, { minLength: 1, maxLength: 3 }));
}

/** A matcher over claims the tokens carry: one or two of them, each with a value it can hold. */
function matcherArb(claims: ClaimSpec[]): fc.Arbitrary<Record<string, string | string[]>> {
  return fc
    .shuffledSubarray(claims, { minLength: 1, maxLength: Math.min(2, claims.length) })
    .chain((picked) => fc.tuple(...picked.map((claim) => claimValueArb(claim).map((value) => [claim.name, value] as const))))
    .map((entries) => Object.fromEntries(entries));
}

/** Every role listed; superAdmin never empty. */
function registryRolesArb(claims: ClaimSpec[]): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(
    Object.fromEntries(
      REGISTRY_ROLES.map((role) => [role, fc.array(matcherArb(claims), { minLength: role === "superAdmin" ? 1 : 0, maxLength: 2 })]),
    ),
  );
}

/** MCP server names: DNS labels of at most 32 characters. */
const mcpNameArb = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/);

const mcpServersArb = fc.uniqueArray(
  fc.record({ name: mcpNameArb, resourceUrl: httpsUrlArb, audience: maybe(audienceValue) }, { requiredKeys: ["name", "resourceUrl"] }),
  { minLength: 1, maxLength: 3, selector: (server) => server.name },
);

/** Each MCP server's audience (defaulting to its URL, as the schema normalises it) unique across servers and components. */
function mcpAudiencesAreUnique(model: Model): boolean {
  const servers = (model["mcpServers"] as { resourceUrl: string; audience?: string }[] | undefined) ?? [];
  if (servers.length === 0) return true;
  const audiences = (model["audiences"] ?? {}) as { enterpriseManager?: string; cloudUi?: string };
  const platform = new Set(
    [audiences.enterpriseManager ?? DEFAULT_AUDIENCES.enterpriseManager, audiences.cloudUi ?? DEFAULT_AUDIENCES.cloudUi].map((a) => a.toLowerCase()),
  );
  const mcp = servers.map((s) => (s.audience ?? s.resourceUrl.replace(/\/+$/, "")).toLowerCase());
  return new Set(mcp).size === mcp.length && mcp.every((a) => !platform.has(a));
}

/**
 * registryRoles where the default cannot work (no created admin group, the
 * groups claim disabled or filtering the admin group out), and sometimes
 * anyway; no sample when no claim is left to match on.
 */
function withRegistryRoles(stack: string, model: Model): fc.Arbitrary<Model> {
  const claims = resolveClaims(model["claims"] ?? {});
  if (claims.length === 0) return fc.constant(model);
  const environment = (model["environment"] as string | undefined) ?? environmentFromStack(stack);
  const groups = claims.find((c) => c.key === "groups");
  const defaultWorks =
    model["createAdminGroup"] !== false &&
    groups !== undefined &&
    (groups.valueType !== Okta.claimValueType.groups || new RegExp(`^(?:${groups.value})$`).test(`stacklok-${environment}-admins`));
  const roles = registryRolesArb(claims);
  return (defaultWorks ? maybe(roles) : roles).map((registryRoles) => ({ ...model, registryRoles }));
}

// ---------------------------------------------------------------------------
// Encoding as Pulumi passes values

/** The value typed, or as the engine's string (numbers and booleans as text, the rest as JSON). */
function encodedArb(value: unknown): fc.Arbitrary<unknown> {
  if (typeof value === "string") return fc.constant(value);
  if (typeof value === "number" || typeof value === "boolean") return fc.constantFrom(value, String(value));
  return fc.constantFrom(value, JSON.stringify(value));
}

function encodeAll(model: Model): fc.Arbitrary<Model> {
  const defined = definedEntries(model);
  return fc.record(Object.fromEntries(Object.entries(defined).map(([key, value]) => [key, encodedArb(value)])));
}

/**
 * A custom server name only means something in single mode, MCP servers
 * only in per-component mode; elsewhere they are errors.
 */
function singleModeKeysOnlyInSingleMode(model: Model): Model {
  if (model["mode"] === "single") return { ...model, mcpServers: undefined };
  return { ...model, authorizationServer: model["authorizationServer"] === DEFAULT_SERVER_NAME ? DEFAULT_SERVER_NAME : undefined };
}

/**
 * The same raw config switched to `mode`, as a user would switch it: the
 * single-mode server name goes when leaving single mode, and the Cloud UI
 * gets an audience of its own (one server per component, audiences distinct);
 * entering single mode, a Cloud UI audience of its own goes (one server, one
 * audience), and so do the MCP servers (each needs a server of its own).
 */
export function switchedTo(config: Record<string, unknown>, mode: "single" | "per-component"): Record<string, unknown> {
  const raw = config["audiences"];
  const audiences = (raw === undefined ? {} : typeof raw === "string" ? JSON.parse(raw) : raw) as {
    enterpriseManager?: string;
    cloudUi?: string;
  };
  const shared = audiences.enterpriseManager ?? DEFAULT_AUDIENCES.enterpriseManager;
  const { cloudUi, ...withoutCloudUi } = audiences;
  let kept: typeof audiences;
  if (mode === "single") {
    kept = cloudUi === undefined || cloudUi === shared ? audiences : withoutCloudUi;
  } else {
    const own = cloudUi ?? DEFAULT_AUDIENCES.cloudUi;
    kept = own.toLowerCase() === shared.toLowerCase() ? { ...withoutCloudUi, cloudUi: `${shared}-ui` } : audiences;
  }
  const { authorizationServer: _server, ...rest } = config;
  const { mcpServers: _mcp, ...withoutMcp } = config;
  const base = mode === "single" ? { ...withoutMcp, mode } : { ...rest, mode };
  if (raw === undefined && kept.cloudUi === undefined) return base;
  return { ...base, audiences: typeof raw === "string" ? JSON.stringify(kept) : kept };
}

/** Valid raw configs over the whole config space, with the stack they run as. */
export const validConfigArb: fc.Arbitrary<ConfigSample> = fc
  .record({
    stack: stackNameArb,
    model: fc
      .tuple(
        fc.record({
          mode: fc.constantFrom("single", "per-component"),
          cloudUiUrl: httpsUrlArb,
          authorizationServer: maybe(fc.oneof(fc.constant(DEFAULT_SERVER_NAME), customServerName)),
          singleAudiences: maybe(singleAudiencesArb),
          perComponentAudiences: maybe(perComponentAudiencesArb),
          enterpriseManagerUrl: maybe(httpsUrlArb),
          registryUrl: maybe(httpsUrlArb),
          cliRedirectUris: maybe(fc.uniqueArray(loopbackUriArb, { minLength: 1, maxLength: 4 })),
          environment: maybe(environmentArb),
          accessPolicyClients: maybe(fc.constantFrom("explicit", "all-clients")),
          claims: maybe(claimsArb),
          manageRolesAttribute: maybe(fc.boolean()),
          cloudUiTokenEndpointAuthMethod: maybe(
            fc.constantFrom(Okta.tokenEndpointAuthMethod.clientSecretBasic, Okta.tokenEndpointAuthMethod.clientSecretPost),
          ),
          issuerMode: maybe(fc.constantFrom(Okta.issuerMode.orgUrl, Okta.issuerMode.customUrl)),
          protect: maybe(fc.boolean()),
          takeOverDefaultServer: maybe(fc.boolean()),
          // Refused unless empty (one audience per server); kept so upgraded stacks get the reason.
          extraAudiences: maybe(fc.constant([])),
          authenticationPolicyId: maybe(fc.stringMatching(/^rst[A-Za-z0-9]{17}$/)),
          createAdminGroup: maybe(fc.boolean()),
          adminGroupIds: maybe(fc.uniqueArray(groupIdArb, { maxLength: 3 })),
          mcpServers: maybe(mcpServersArb),
        }),
        accessArb,
        lifetimesArb,
      )
      .map(([{ singleAudiences, perComponentAudiences, ...keys }, access, lifetimes]): Model =>
        singleModeKeysOnlyInSingleMode({
          ...keys,
          audiences: keys.mode === "single" ? singleAudiences : perComponentAudiences,
          ...access,
          ...lifetimes,
        }),
      )
      .filter(mcpAudiencesAreUnique)
      // Every claim disabled leaves the registry's roles nothing to match on: refused.
      .filter((model) => resolveClaims((model["claims"] ?? {}) as RawConfig["claims"]).length > 0),
  })
  .chain(({ stack, model }) => withRegistryRoles(stack, model).map((withRoles) => ({ stack, model: withRoles })))
  .chain(({ stack, model }) => encodeAll(model).map((config) => ({ stack, config })));

/** The config a sample resolves to; throws (with the problems) if the arbitrary produced an invalid one. */
export function resolveSample(sample: ConfigSample): StacklokIdentityConfig {
  const result = parseStackConfig(sample.config, { stack: sample.stack });
  if (!result.ok) {
    throw new Error(`the valid-config arbitrary produced an invalid config:\n${result.problems.join("\n")}\n${JSON.stringify(sample)}`);
  }
  return result.config;
}

/** Decodes a list-valued key as the schema does (typed or JSON); undefined when unset. */
export function listValue(config: Record<string, unknown>, key: string): string[] | undefined {
  const raw = config[key];
  if (raw === undefined) return undefined;
  const value: unknown = typeof raw === "string" ? JSON.parse(raw) : raw;
  if (!Array.isArray(value)) throw new Error(`${key} is not a list: ${JSON.stringify(raw)}`);
  return value.map(String);
}

/** Sets a list-valued key, keeping the encoding (typed or JSON) the sample used. */
export function withList(config: Record<string, unknown>, key: string, list: string[]): Record<string, unknown> {
  return { ...config, [key]: typeof config[key] === "string" ? JSON.stringify(list) : list };
}
