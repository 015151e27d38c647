/**
 * Stack config (namespace `stacklok-identity`), validated with zod before any
 * resource is created. `parseStackConfig` is pure: it takes the raw values as
 * Pulumi hands them to the program (strings; objects and lists as JSON) and
 * returns either the resolved config or one message per problem, each naming
 * the key path, the value given and what is accepted.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { DEFAULT_CLI_REDIRECT_URI, DEFAULT_SERVER_NAME, LOOPBACK_HOSTS, Okta } from "./facts";
import { DEFAULT_AUDIENCES } from "./platform";

export const CONFIG_NAMESPACE = "stacklok-identity";

// ---------------------------------------------------------------------------
// Decoding: Pulumi passes every config value to the program as a string
// (`"60"`, `"true"`, `'{"cloudUi":"x"}'`). These wrappers accept both that
// form and already-typed values, so the same schema serves stack files and
// tests.

function decodeJson(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value; // left as a string: the schema then reports the wrong type
  }
}

const json = <T extends z.ZodType>(schema: T) => z.preprocess(decodeJson, schema);

const integer = (accepted: string) =>
  z.preprocess(
    (v) => (typeof v === "string" && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v),
    z.number({ error: `expected ${accepted}` }).int({ error: `expected ${accepted}` }),
  );

const boolean = z.preprocess(
  (v) => (v === "true" ? true : v === "false" ? false : v),
  z.boolean({ error: "expected true or false" }),
);

// ---------------------------------------------------------------------------
// Value rules


/** Okta group IDs are 20 characters starting with `00g`. */
const OKTA_GROUP_ID = /^00g[A-Za-z0-9]{17}$/;

/** Claim names Okta reserves for its own access-token claims. */
export const RESERVED_CLAIM_NAMES: ReadonlySet<string> = new Set([
  "iss", "sub", "aud", "exp", "iat", "nbf", "jti", "ver", "cid", "uid", "scp",
  "auth_time", "acr", "amr", "idp", "token_type", "at_hash", "c_hash", "nonce",
]);

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** RFC 3986's characters: letters, digits, `-._~`, the reserved punctuation and `%`. */
const URI_CHARACTER = /[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/;

/**
 * What makes the string as written differ from the URL the parser read. The
 * program sends the string itself to Okta (which compares redirect URIs
 * exactly) and to the charts, but the WHATWG parser silently drops tabs and
 * line breaks, trims spaces, percent-encodes or punycodes other characters,
 * and repairs `https:host` or a numeric host like `http://2130706433`; a
 * check on the parsed URL alone would pass a string that is not that URL.
 */
function writtenUrlProblem(value: string, url: URL): string | undefined {
  const odd = [...value].find((ch) => !URI_CHARACTER.test(ch));
  if (odd !== undefined) {
    const code = `U+${(odd.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
    return `contains ${JSON.stringify(odd)} (${code}), which a URL cannot carry as written`;
  }
  const prefix = `${url.protocol}//`;
  if (!value.toLowerCase().startsWith(prefix)) return `does not start with ${prefix}`;
  if (url.username || url.password) return "carries credentials";
  const authority = value.slice(prefix.length).split(/[/?#]/, 1)[0] ?? "";
  const host = authority.replace(/:\d*$/, "").toLowerCase();
  if (host !== url.hostname) return `writes its host as ${JSON.stringify(host)}, which is read as ${JSON.stringify(url.hostname)}`;
  return undefined;
}

/** DNS limits (RFC 1035) the URL parser does not apply. */
function dnsNameProblem(hostname: string): string | undefined {
  return hostname.length > 253 || hostname.split(".").some((label) => label.length > 63)
    ? "has a host name DNS cannot resolve (labels of at most 63 characters, 253 in all)"
    : undefined;
}

/**
 * A public https URL the platform is served at. Redirect URIs are derived from
 * it, and Okta compares them exactly, so it is normalised (no trailing slash)
 * and may carry no query, fragment or credentials.
 */
const httpsUrl = (example: string) =>
  z
    .string({ error: `expected an https URL such as ${example}` })
    .superRefine((value, ctx) => {
      const url = parseUrl(value);
      const problem = !url
        ? "is not a URL"
        : url.protocol !== "https:"
          ? `uses ${url.protocol.replace(":", "")}, not https`
          : (writtenUrlProblem(value, url) ??
            (url.search || url.hash || value.includes("?") || value.includes("#")
              ? "has a query or fragment"
              : value.includes("*")
                ? "contains a wildcard"
                : dnsNameProblem(url.hostname)));
      if (problem) ctx.addIssue({ code: "custom", message: `${problem}; expected an https URL such as ${example}` });
    })
    .transform((value) => value.replace(/\/+$/, ""));

const loopbackRedirectUri = z
  .string({ error: "expected a loopback URL such as http://localhost:8666/callback" })
  .superRefine((value, ctx) => {
    const url = parseUrl(value);
    const problem = !url
      ? "is not a URL"
      : url.protocol !== "http:" && url.protocol !== "https:"
        ? `uses ${url.protocol.replace(":", "")}`
        : !LOOPBACK_HOSTS.includes(url.hostname)
          ? `is not a loopback address (${url.hostname})`
          : (writtenUrlProblem(value, url) ??
            (url.hash || value.includes("#")
              ? "has a fragment"
              : value.includes("*")
                ? "contains a wildcard"
                : undefined));
    if (problem) {
      ctx.addIssue({
        code: "custom",
        message:
          `${problem}; expected a loopback URL on localhost, 127.0.0.1 or [::1] such as ${DEFAULT_CLI_REDIRECT_URI} ` +
          "(Okta matches redirect URIs exactly, port included)",
      });
    }
  });

const audience = (fallback: string) =>
  z
    .string({ error: `expected an audience string such as "${fallback}"` })
    // URI characters only: an invisible or look-alike character (NUL, a
    // zero-width space, a Cyrillic "a") makes an audience no token matches.
    .regex(new RegExp(`^${URI_CHARACTER.source}{1,1024}$`), {
      error:
        "expected a non-empty audience without whitespace: at most 1024 URI characters (letters, digits, " +
        "-._~:/?#[]@!$&'()*+,;=%), as tokens must match it exactly",
    })
    .default(fallback);

/**
 * The authorization server name. Only the exact `default` adopts Okta's
 * server; `Default` or `default ` would quietly create a custom server (and
 * fail with E0000015 on a free org), so look-alikes are refused.
 */
const authorizationServerName = z
  .string({ error: "expected an authorization server name" })
  .superRefine((value, ctx) => {
    const problem = !/^[^\p{Cc}\p{Cf}]{1,100}$/u.test(value)
      ? "expected 1 to 100 characters, no control or invisible characters"
      : value.trim() !== value
        ? "has leading or trailing whitespace; expected the name exactly as Okta shows it"
        : value !== DEFAULT_SERVER_NAME && value.toLowerCase() === DEFAULT_SERVER_NAME
          ? `differs from "${DEFAULT_SERVER_NAME}" only in case; expected exactly "${DEFAULT_SERVER_NAME}" to adopt Okta's ` +
            "pre-provisioned server, or a distinct name for a custom one"
          : undefined;
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

const claimName = z
  .string({ error: "expected a claim name" })
  .regex(/^[A-Za-z_][A-Za-z0-9_.:-]{0,99}$/, {
    error: "expected a claim name: a letter or _ followed by letters, digits, _ . : or - (at most 100)",
  })
  .refine((name) => !RESERVED_CLAIM_NAMES.has(name), { error: "is a claim Okta reserves for its own use" });

const groupsRegex = z
  .string({ error: "expected a regular expression over group names" })
  .min(1, { error: "expected a non-empty regular expression over group names" })
  .refine(
    (pattern) => {
      try {
        new RegExp(pattern);
        return true;
      } catch {
        return false;
      }
    },
    { error: "is not a valid regular expression" },
  );

const expression = z
  .string({ error: "expected an Okta Expression Language expression" })
  .regex(/\S/, { error: "expected a non-empty Okta Expression Language expression" })
  .refine((value) => value.trim() !== "user.groups", {
    error:
      "reads a user-profile attribute `groups` that does not exist in Okta; for group names use " +
      "groupsRegex (e.g. \".*\") or an expression such as user.getGroups({'group.type': {'OKTA_GROUP'}}).![name]",
  });

/** One access-token claim: at most one of `groupsRegex` (GROUPS claim) or `expression`. */
const claimObject = z
  .strictObject({
    name: claimName.optional(),
    groupsRegex: groupsRegex.optional(),
    expression: expression.optional(),
    enabled: boolean.optional(),
  })
  .refine((c) => !(c.groupsRegex !== undefined && c.expression !== undefined), {
    error: "sets both groupsRegex and expression; expected one of them",
  });

const audiencesObject = z.strictObject(
  {
    enterpriseManager: audience(DEFAULT_AUDIENCES.enterpriseManager),
    cloudUi: audience(DEFAULT_AUDIENCES.cloudUi),
  },
  { error: "expected an object with enterpriseManager and cloudUi" },
);

const claimsObject = z.strictObject(
  { groups: claimObject.optional(), roles: claimObject.optional(), email: claimObject.optional() },
  { error: "expected an object with groups, roles and/or email" },
);

// ---------------------------------------------------------------------------
// The schema. Defaults here are the single source; Pulumi.yaml repeats the
// ones Pulumi's project config can express and a test keeps the two equal.

const schema = z.strictObject({
  mode: z.enum(["single", "per-component"], { error: 'expected "single" or "per-component"' }),
  environment: z
    .string({ error: "expected an environment name" })
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/, {
      error: "expected 1 to 32 lowercase letters, digits or dashes (it goes into Okta object names)",
    })
    .optional(),
  authorizationServer: authorizationServerName.default(DEFAULT_SERVER_NAME),
  audiences: json(audiencesObject).prefault({}),
  cloudUiUrl: httpsUrl("https://stacklok.example.com"),
  enterpriseManagerUrl: httpsUrl("https://manager.stacklok.example.com").optional(),
  registryUrl: httpsUrl("https://registry.stacklok.example.com").optional(),
  cliRedirectUris: json(
    z
      .array(loopbackRedirectUri, { error: "expected a list of loopback redirect URIs" })
      .min(1, { error: "expected at least one loopback redirect URI" })
      .refine((uris) => new Set(uris).size === uris.length, { error: "lists the same redirect URI twice" }),
  ).default([DEFAULT_CLI_REDIRECT_URI]),
  createAccessGroup: boolean.default(true),
  accessGroupIds: json(
    z
      .array(
        z.string({ error: "expected an Okta group ID" }).regex(OKTA_GROUP_ID, {
          error: "expected an Okta group ID: 00g followed by 17 letters or digits (look it up in Directory > Groups)",
        }),
        { error: "expected a list of Okta group IDs" },
      )
      .refine((ids) => new Set(ids).size === ids.length, { error: "lists the same group twice" }),
  ).default([]),
  allowEveryone: boolean.default(false),
  accessPolicyClients: z
    .enum(["explicit", "all-clients"], { error: 'expected "explicit" or "all-clients"' })
    .default("explicit"),
  claims: json(claimsObject).prefault({}),
  manageRolesAttribute: boolean.default(true),
  accessTokenLifetimeMinutes: integer("a whole number of minutes from 5 to 1440")
    .pipe(
      z
        .number()
        .min(Okta.accessTokenLifetimeMinutes.min, { error: "expected 5 to 1440 minutes (Okta's limits)" })
        .max(Okta.accessTokenLifetimeMinutes.max, { error: "expected 5 to 1440 minutes (Okta's limits)" }),
    )
    .default(60),
  refreshTokenLifetimeMinutes: integer("a whole number of minutes, 0 for unlimited")
    .pipe(z.number().min(0, { error: "expected 0 (unlimited) or more minutes" }).max(2_628_000, { error: "expected at most 2628000 minutes (five years)" }))
    .default(129_600),
  refreshTokenWindowMinutes: integer("a whole number of minutes from 10 to 2628000")
    .pipe(
      z
        .number()
        .min(Okta.refreshTokenWindowMinutes.min, { error: "expected 10 to 2628000 minutes (Okta's limits)" })
        .max(Okta.refreshTokenWindowMinutes.max, { error: "expected 10 to 2628000 minutes (Okta's limits)" }),
    )
    .default(Okta.refreshTokenWindowMinutes.default),
  cloudUiTokenEndpointAuthMethod: z
    .enum([Okta.tokenEndpointAuthMethod.clientSecretBasic, Okta.tokenEndpointAuthMethod.clientSecretPost], {
      error: 'expected "client_secret_basic" or "client_secret_post" (a web app cannot be a public client)',
    })
    .default(Okta.tokenEndpointAuthMethod.clientSecretBasic),
  issuerMode: z
    .enum([Okta.issuerMode.orgUrl, Okta.issuerMode.customUrl], {
      error: 'expected "ORG_URL" or "CUSTOM_URL" (DYNAMIC makes the issuer vary per request, which the components reject)',
    })
    .optional(),
  extraAudiences: json(
    z
      .array(audience("api://default").unwrap(), { error: "expected a list of audiences" })
      .refine((list) => new Set(list).size === list.length, { error: "lists the same audience twice" }),
  ).default([]),
  authenticationPolicyId: z
    .string({ error: "expected an Okta authentication policy ID" })
    .regex(/^rst[A-Za-z0-9]{17}$/, {
      error: "expected an authentication policy ID: rst followed by 17 letters or digits (Security > Authentication Policies)",
    })
    .optional(),
  protect: boolean.default(false),
  takeOverDefaultServer: boolean.default(false),
});

type RawConfig = z.output<typeof schema>;

// ---------------------------------------------------------------------------
// Resolved config

export type ClaimKey = "groups" | "roles" | "email";

/** A claim as Okta takes it. Friendly config maps to API values only here. */
export interface ClaimSpec {
  key: ClaimKey;
  name: string;
  valueType: typeof Okta.claimValueType.groups | typeof Okta.claimValueType.expression;
  value: string;
  groupFilterType?: typeof Okta.groupFilterType.regex;
}

export interface TokenLifetimes {
  accessTokenLifetimeMinutes: number;
  /** 0 means unlimited (Okta's default). */
  refreshTokenLifetimeMinutes: number;
  refreshTokenWindowMinutes: number;
}

export interface StacklokIdentityConfig {
  mode: RawConfig["mode"];
  /** Goes into every Okta object name and label so stacks sharing an org never collide. */
  environment: string;
  authorizationServer: string;
  audiences: { enterpriseManager: string; cloudUi: string };
  cloudUiUrl: string;
  enterpriseManagerUrl?: string;
  registryUrl?: string;
  cliRedirectUris: string[];
  access: {
    createGroup: boolean;
    groupIds: string[];
    everyone: boolean;
    /** Whitelist the platform's apps by client ID, or every client in the org. */
    policyClients: RawConfig["accessPolicyClients"];
  };
  claims: ClaimSpec[];
  /**
   * The custom user-profile attribute to create for the roles claim: the
   * attribute its `user.<attribute>` expression reads, when config manages it.
   */
  rolesAttribute?: string;
  /** Single mode: audiences the server keeps besides Stacklok's (e.g. `api://default` for other apps). */
  extraAudiences: string[];
  /** Assign this authentication (sign-on) policy to both apps; unset leaves the apps' policy alone. */
  authenticationPolicyId?: string;
  tokens: TokenLifetimes;
  cloudUiTokenEndpointAuthMethod: RawConfig["cloudUiTokenEndpointAuthMethod"];
  issuerMode?: RawConfig["issuerMode"];
  protect: boolean;
  takeOverDefaultServer: boolean;
}

const CLAIM_DEFAULTS: Record<ClaimKey, { name: string; groupsRegex?: string; expression?: string }> = {
  // Okta's documented groups claim: group names matching a regex. There is no
  // `user.groups` attribute. A user in more than 100 matching groups gets no
  // token at all, so narrow the regex in large orgs.
  groups: { name: "groups", groupsRegex: ".*" },
  // Reads the custom profile attribute `roles` (manageRolesAttribute creates
  // it). Users without a value get no `roles` claim: Okta drops null claims.
  roles: { name: "roles", expression: "user.roles" },
  email: { name: "email", expression: "user.email" },
};

/** The attribute a `user.<attribute>` expression reads, if that is all it does. */
function profileAttributeRead(expression: string): string | undefined {
  return expression.trim().match(/^user\.([A-Za-z_][A-Za-z0-9_]*)$/)?.[1];
}

function resolveClaims(raw: RawConfig["claims"]): ClaimSpec[] {
  const specs: ClaimSpec[] = [];
  for (const key of ["groups", "roles", "email"] as const) {
    const given = raw[key] ?? {};
    if (given.enabled === false) continue;
    const fallback = CLAIM_DEFAULTS[key];
    const name = given.name ?? fallback.name;
    const groups = given.groupsRegex ?? (given.expression === undefined ? fallback.groupsRegex : undefined);
    specs.push(
      groups !== undefined
        ? { key, name, valueType: Okta.claimValueType.groups, value: groups, groupFilterType: Okta.groupFilterType.regex }
        : { key, name, valueType: Okta.claimValueType.expression, value: given.expression ?? fallback.expression ?? "" },
    );
  }
  return specs;
}

/**
 * Creating the attribute is an org-wide change, so only when a roles claim
 * reads exactly one profile attribute; a claim built from groups or a longer
 * expression needs none.
 */
function rolesAttribute(manage: boolean, claims: ClaimSpec[]): { rolesAttribute?: string } {
  const roles = claims.find((c) => c.key === "roles");
  const attribute = manage && roles?.valueType === Okta.claimValueType.expression ? profileAttributeRead(roles.value) : undefined;
  return attribute === undefined ? {} : { rolesAttribute: attribute };
}

/** Cross-key rules zod's per-key schema cannot express. */
function crossKeyProblems(raw: RawConfig, claims: ClaimSpec[]): Problem[] {
  const problems: Problem[] = [];
  const { enterpriseManager, cloudUi } = raw.audiences;
  if (enterpriseManager.toLowerCase() === cloudUi.toLowerCase()) {
    problems.push({
      path: ["audiences"],
      value: raw.audiences,
      message:
        "enterpriseManager and cloudUi collide; each component needs its own audience so that a token minted " +
        "for one is rejected by the other",
    });
  }
  if (raw.mode === "per-component" && raw.authorizationServer !== DEFAULT_SERVER_NAME) {
    problems.push({
      path: ["authorizationServer"],
      value: raw.authorizationServer,
      message:
        "only applies to single mode; per-component mode creates one server per component " +
        "(stacklok-<environment>-enterprise-manager and -cloud-ui). Remove the key or use mode: single",
    });
  }
  if (raw.extraAudiences.length > 0 && raw.mode === "per-component") {
    problems.push({
      path: ["extraAudiences"],
      value: raw.extraAudiences,
      message: "only applies to single mode, where an existing server (such as default) keeps audiences other apps use",
    });
  }
  const ours = [enterpriseManager, cloudUi].map((a) => a.toLowerCase());
  raw.extraAudiences.forEach((extra, i) => {
    if (ours.includes(extra.toLowerCase())) {
      problems.push({
        path: ["extraAudiences", i],
        value: extra,
        message: "is already one of Stacklok's audiences; list only audiences other apps use",
      });
    }
  });
  const seen = new Map<string, ClaimKey>();
  for (const spec of claims) {
    const clash = seen.get(spec.name);
    if (clash) {
      problems.push({
        path: ["claims", spec.key, "name"],
        value: spec.name,
        message: `is also the name of the ${clash} claim; expected distinct claim names`,
      });
    }
    seen.set(spec.name, spec.key);
  }
  if (!raw.createAccessGroup && raw.accessGroupIds.length === 0 && !raw.allowEveryone) {
    problems.push({
      path: ["createAccessGroup"],
      value: false,
      message:
        "leaves no group assigned to the apps, so every sign-in would fail with user_not_assigned; " +
        "expected createAccessGroup: true, some accessGroupIds, or allowEveryone: true",
    });
  }
  const { accessTokenLifetimeMinutes: access, refreshTokenLifetimeMinutes: lifetime, refreshTokenWindowMinutes: window } = raw;
  if (lifetime > 0 && lifetime < access) {
    problems.push({
      path: ["refreshTokenLifetimeMinutes"],
      value: lifetime,
      message: `is shorter than accessTokenLifetimeMinutes (${access}); expected 0 (unlimited) or at least ${access}`,
    });
  } else if (lifetime > 0 && (window < access || window > lifetime)) {
    problems.push({
      path: ["refreshTokenWindowMinutes"],
      value: window,
      message:
        `must lie between accessTokenLifetimeMinutes (${access}) and refreshTokenLifetimeMinutes (${lifetime}); ` +
        "Okta rejects the rule otherwise",
    });
  }
  return problems;
}

// ---------------------------------------------------------------------------
// Errors

interface Problem {
  path: PropertyKey[];
  value: unknown;
  message: string;
  missing?: boolean;
}

/** Raised for bad stack config. A RunError, so Pulumi prints it without a stack trace. */
export class ConfigError extends pulumi.RunError {
  constructor(readonly problems: string[]) {
    super(
      `Invalid stack config (${problems.length} problem${problems.length === 1 ? "" : "s"}); nothing was created:\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

export function keyPath(path: readonly PropertyKey[]): string {
  let out = CONFIG_NAMESPACE + ":";
  path.forEach((segment, i) => {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += (i === 0 ? "" : ".") + String(segment);
  });
  return out;
}

function render(value: unknown, secret: boolean): string {
  if (secret) return "[secret]";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function formatProblem(problem: Problem, secretKeys: ReadonlySet<string>): string {
  const topKey = String(problem.path[0] ?? "");
  const where = keyPath(problem.path);
  if (problem.missing) return `${where}: missing; ${problem.message}`;
  return `${where}: got ${render(problem.value, secretKeys.has(topKey))}; ${problem.message}`;
}

/** The keys accepted inside each object-valued key, for "unknown key" messages. */
function acceptedKeys(path: readonly PropertyKey[]): string[] {
  if (path.length === 0) return Object.keys(schema.shape);
  if (path[0] === "audiences") return Object.keys(audiencesObject.shape);
  if (path[0] === "claims") return Object.keys(path.length === 1 ? claimsObject.shape : claimObject.shape);
  return [];
}

function zodProblems(issues: z.core.$ZodIssue[]): Problem[] {
  return issues.flatMap((issue): Problem[] => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        path: [...issue.path, key],
        value: issue.input?.[key],
        message: `unknown key; accepted keys: ${acceptedKeys(issue.path).join(", ")}`,
      }));
    }
    return [{ path: issue.path, value: issue.input, message: issue.message, missing: issue.input === undefined }];
  });
}

// ---------------------------------------------------------------------------
// Entry points

export interface ParseContext {
  /** The Pulumi stack name; the default environment is derived from it. */
  stack: string;
  /** Keys (without namespace) whose values are secrets: never echoed in messages. */
  secretKeys?: ReadonlySet<string>;
}

export type ParseResult = { ok: true; config: StacklokIdentityConfig } | { ok: false; problems: string[] };

/** The default environment: the stack name, made safe for Okta object names. */
export function environmentFromStack(stack: string): string {
  return stack
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .slice(0, 32)
    .replace(/^-+|-+$/g, "");
}

/** Validates raw config values (keys without the namespace). Pure. */
export function parseStackConfig(raw: Record<string, unknown>, context: ParseContext): ParseResult {
  const secretKeys = context.secretKeys ?? new Set<string>();
  const parsed = schema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    return { ok: false, problems: zodProblems(parsed.error.issues).map((p) => formatProblem(p, secretKeys)) };
  }
  const value = parsed.data;
  const claims = resolveClaims(value.claims);
  const environment = value.environment ?? environmentFromStack(context.stack);
  const problems = crossKeyProblems(value, claims);
  if (!environment) {
    problems.push({
      path: ["environment"],
      value: undefined,
      missing: true,
      message: `cannot be derived from the stack name ${JSON.stringify(context.stack)}; set it to 1 to 32 lowercase letters, digits or dashes`,
    });
  }
  if (problems.length > 0) return { ok: false, problems: problems.map((p) => formatProblem(p, secretKeys)) };

  return {
    ok: true,
    config: {
      mode: value.mode,
      environment,
      authorizationServer: value.authorizationServer,
      audiences: value.audiences,
      cloudUiUrl: value.cloudUiUrl,
      ...(value.enterpriseManagerUrl === undefined ? {} : { enterpriseManagerUrl: value.enterpriseManagerUrl }),
      ...(value.registryUrl === undefined ? {} : { registryUrl: value.registryUrl }),
      cliRedirectUris: value.cliRedirectUris,
      access: {
        createGroup: value.createAccessGroup,
        groupIds: value.accessGroupIds,
        everyone: value.allowEveryone,
        policyClients: value.accessPolicyClients,
      },
      claims,
      ...rolesAttribute(value.manageRolesAttribute, claims),
      extraAudiences: value.extraAudiences,
      ...(value.authenticationPolicyId === undefined ? {} : { authenticationPolicyId: value.authenticationPolicyId }),
      tokens: {
        accessTokenLifetimeMinutes: value.accessTokenLifetimeMinutes,
        refreshTokenLifetimeMinutes: value.refreshTokenLifetimeMinutes,
        refreshTokenWindowMinutes: value.refreshTokenWindowMinutes,
      },
      cloudUiTokenEndpointAuthMethod: value.cloudUiTokenEndpointAuthMethod,
      ...(value.issuerMode === undefined ? {} : { issuerMode: value.issuerMode }),
      protect: value.protect,
      takeOverDefaultServer: value.takeOverDefaultServer,
    },
  };
}

/** The config keys the schema accepts, for docs and for tests that keep Pulumi.yaml in step. */
export const CONFIG_KEYS = Object.keys(schema.shape);

/** The schema's default for each key that has one, as the program would see it. */
export function configDefaults(): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    const result = (field as z.ZodType).safeParse(undefined);
    if (result.success && result.data !== undefined) defaults[key] = result.data;
  }
  return defaults;
}

/** Reads this stack's config through Pulumi and validates it; throws ConfigError. */
export function readStackConfig(): StacklokIdentityConfig {
  const prefix = `${CONFIG_NAMESPACE}:`;
  const raw: Record<string, unknown> = {};
  const secretKeys = new Set<string>();
  for (const [fullKey, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    raw[key] = value;
    if (isConfigSecret(fullKey)) secretKeys.add(key);
  }
  const result = parseStackConfig(raw, { stack: pulumi.getStack(), secretKeys });
  if (!result.ok) throw new ConfigError(result.problems);
  return result.config;
}

/**
 * Whether the engine marked a key secret, so its value is never echoed in an
 * error. The SDK exports this at run time without declaring it in its types.
 */
function isConfigSecret(fullKey: string): boolean {
  const runtime = pulumi.runtime as typeof pulumi.runtime & { isConfigSecret?: (key: string) => boolean };
  return runtime.isConfigSecret?.(fullKey) ?? false;
}
