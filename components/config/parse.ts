/**
 * Validates the raw config values as Pulumi hands them to the program
 * (strings; objects and lists as JSON) and returns either the resolved
 * config or one message per problem. Pure.
 */
import { resolveClaims, rolesAttribute } from "./claims";
import { crossKeyProblems, registryRolesOrProblems, resolveAudiences } from "./crossKey";
import { formatProblem, zodProblems } from "./errors";
import { schema } from "./schema";
import type { StacklokIdentityConfig } from "./types";

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
  const registryRoles = environment ? registryRolesOrProblems(value, claims, environment, problems) : undefined;
  if (!environment) {
    problems.push({
      path: ["environment"],
      value: undefined,
      missing: true,
      message: `cannot be derived from the stack name ${JSON.stringify(context.stack)}; set it to 1 to 32 lowercase letters, digits or dashes`,
    });
  }
  if (problems.length > 0 || registryRoles === undefined) {
    return { ok: false, problems: problems.map((p) => formatProblem(p, secretKeys)) };
  }

  return {
    ok: true,
    config: {
      mode: value.mode,
      environment,
      authorizationServer: value.authorizationServer,
      audiences: resolveAudiences(value),
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
      admins: { createGroup: value.createAdminGroup, groupIds: value.adminGroupIds },
      registryRoles,
      mcpServers: (value.mcpServers ?? []).map((server) => ({ ...server, audience: server.audience ?? server.resourceUrl })),
    },
  };
}
