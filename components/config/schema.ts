/**
 * The stack config schema (namespace `stacklok-identity`), one entry per
 * key. Defaults here are the single source; Pulumi.yaml repeats the ones
 * Pulumi's project config can express and a test keeps the two equal.
 */
import { z } from "zod";
import { setupModeSchema } from "../contract";
import {
  DEFAULT_CLI_REDIRECT_URI,
  DEFAULT_SERVER_NAME,
  DEFAULT_TOKEN_LIFETIMES,
  Okta,
  PLATFORM_CLAIM_NAMES,
  REGISTRY_ROLES,
  type RegistryRole,
} from "../facts";
import { DEFAULT_AUDIENCES, PLATFORM_COMPONENTS, SINGLE_MODE_AUDIENCE_OF, type PlatformComponent } from "../platform";
import { boolean, integer, json } from "./decode";
import {
  audience,
  audienceValue,
  authorizationServerName,
  claimMatcher,
  claimObject,
  groupIdList,
  httpsUrl,
  loopbackRedirectUri,
  mcpServerName,
} from "./rules";
import type { ClaimKey } from "./types";

export const CONFIG_NAMESPACE = "stacklok-identity";

const ACCESS = Okta.accessTokenLifetimeMinutes;
const REFRESH = Okta.refreshTokenLifetimeMinutes;
const WINDOW = Okta.refreshTokenWindowMinutes;
const AUTH = Okta.tokenEndpointAuthMethod;
const ISSUER = Okta.issuerMode;

/** A whole number of minutes inside one of Okta's closed lifetime ranges, the message naming the range. */
function minutesWithinOktaLimits(limits: { readonly min: number; readonly max: number }) {
  const range = `${limits.min} to ${limits.max}`;
  return integer(`a whole number of minutes from ${range}`).pipe(
    z
      .number()
      .min(limits.min, { error: `expected ${range} minutes (Okta's limits)` })
      .max(limits.max, { error: `expected ${range} minutes (Okta's limits)` }),
  );
}

/**
 * One audience per component that has its own. Only the single-mode audience
 * has a default here: the others default to it in single mode and to
 * Stacklok's in per-component mode (parse.ts), and single mode must know
 * whether one was set at all, to refuse a second audience.
 */
export const audiencesObject = z.strictObject(
  Object.fromEntries(
    PLATFORM_COMPONENTS.map((key) => [
      key,
      key === SINGLE_MODE_AUDIENCE_OF ? audience(DEFAULT_AUDIENCES[key]) : audienceValue(DEFAULT_AUDIENCES[key]).optional(),
    ]),
  ) as Record<typeof SINGLE_MODE_AUDIENCE_OF, ReturnType<typeof audience>> &
    Record<Exclude<PlatformComponent, typeof SINGLE_MODE_AUDIENCE_OF>, z.ZodOptional<ReturnType<typeof audienceValue>>>,
  { error: `expected an object with ${PLATFORM_COMPONENTS.join(" and ")}` },
);

/** The registry's four roles, each a list of claim matchers; `superAdmin` may not be empty. */
export const registryRolesObject = z.strictObject(
  Object.fromEntries(
    REGISTRY_ROLES.map((role) => [
      role,
      role === "superAdmin"
        ? z
            .array(claimMatcher, { error: "expected a list of claim matchers" })
            .min(1, { error: "is empty, so nobody could administer the registry; expected at least one claim matcher" })
        : z.array(claimMatcher, { error: "expected a list of claim matchers (empty: only superAdmin holds it)" }),
    ]),
  ) as Record<RegistryRole, z.ZodArray<typeof claimMatcher>>,
  { error: `expected an object with ${REGISTRY_ROLES.join(", ")}, each a list of claim matchers` },
);

/** One MCP server: its audience defaults to its resource URL (what an MCP client sends as RFC 8707 `resource`). */
export const mcpServerObject = z.strictObject(
  {
    name: mcpServerName,
    resourceUrl: httpsUrl("https://mcp.example.com/github"),
    audience: audience("https://mcp.example.com/github").unwrap().optional(),
  },
  { error: "expected an MCP server: {name, resourceUrl, audience?}" },
);

const claimKeys = [...PLATFORM_CLAIM_NAMES];
const lastClaimKey = claimKeys.pop();
/** One optional entry per platform claim. */
export const claimsObject = z.strictObject(
  Object.fromEntries(PLATFORM_CLAIM_NAMES.map((key) => [key, claimObject.optional()])) as Record<
    ClaimKey,
    z.ZodOptional<typeof claimObject>
  >,
  { error: `expected an object with ${claimKeys.join(", ")} and/or ${lastClaimKey}` },
);

export const schema = z.strictObject({
  mode: z.enum(setupModeSchema.options, { error: 'expected "single" or "per-component"' }),
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
  accessGroupIds: json(groupIdList).default([]),
  allowEveryone: boolean.default(false),
  accessPolicyClients: z
    .enum(["explicit", "all-clients"], { error: 'expected "explicit" or "all-clients"' })
    .default("explicit"),
  claims: json(claimsObject).prefault({}),
  manageRolesAttribute: boolean.default(true),
  accessTokenLifetimeMinutes: minutesWithinOktaLimits(ACCESS).default(DEFAULT_TOKEN_LIFETIMES.accessTokenLifetimeMinutes),
  refreshTokenLifetimeMinutes: integer("a whole number of minutes, 0 for unlimited")
    .pipe(
      z
        .number()
        .min(REFRESH.unlimited, { error: "expected 0 (unlimited) or more minutes" })
        .max(REFRESH.max, { error: `expected at most ${REFRESH.max} minutes (five years)` }),
    )
    .default(DEFAULT_TOKEN_LIFETIMES.refreshTokenLifetimeMinutes),
  refreshTokenWindowMinutes: minutesWithinOktaLimits(WINDOW).default(DEFAULT_TOKEN_LIFETIMES.refreshTokenWindowMinutes),
  cloudUiTokenEndpointAuthMethod: z
    .enum([AUTH.clientSecretBasic, AUTH.clientSecretPost], {
      error: `expected "${AUTH.clientSecretBasic}" or "${AUTH.clientSecretPost}" (a web app cannot be a public client)`,
    })
    .default(AUTH.clientSecretBasic),
  issuerMode: z
    .enum([ISSUER.orgUrl, ISSUER.customUrl], {
      error:
        `expected "${ISSUER.orgUrl}" or "${ISSUER.customUrl}" ` +
        `(${ISSUER.dynamic} makes the issuer vary per request, which the components reject)`,
    })
    .optional(),
  // Refused when non-empty (crossKey.ts); kept so that a stack written for an
  // earlier version gets the reason rather than "unknown key".
  extraAudiences: json(
    z
      .array(audienceValue("api://default"), { error: "expected a list of audiences" })
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
  createAdminGroup: boolean.default(true),
  adminGroupIds: json(groupIdList).default([]),
  // No default here: it names the groups claim and the created admin group,
  // which other keys decide (parse.ts).
  registryRoles: json(registryRolesObject).optional(),
  // Optional rather than defaulting to []: Pulumi.yaml cannot declare a list of objects.
  mcpServers: json(
    z.array(mcpServerObject, { error: "expected a list of MCP servers ({name, resourceUrl, audience?})" }),
  ).optional(),
});

/** The config as the schema returns it, before claims and cross-key rules are resolved. */
export type RawConfig = z.output<typeof schema>;

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

/** The keys accepted inside each object-valued key, for "unknown key" messages. */
export function acceptedKeys(path: readonly PropertyKey[]): string[] {
  if (path.length === 0) return Object.keys(schema.shape);
  if (path[0] === "audiences") return Object.keys(audiencesObject.shape);
  if (path[0] === "claims") return Object.keys(path.length === 1 ? claimsObject.shape : claimObject.shape);
  if (path[0] === "registryRoles") return Object.keys(registryRolesObject.shape);
  if (path[0] === "mcpServers") return Object.keys(mcpServerObject.shape);
  return [];
}
