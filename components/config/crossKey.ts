/** Rules across config keys, which zod's per-key schema cannot express. */
import { DEFAULT_SERVER_NAME, Okta, REGISTRY_ROLES } from "../facts";
import { oktaNames } from "../naming";
import { COMPONENTS, DEFAULT_AUDIENCES, PLATFORM_COMPONENTS, SINGLE_MODE_AUDIENCE_OF, type PlatformComponent } from "../platform";
import type { Problem } from "./errors";
import type { RawConfig } from "./schema";
import type { ClaimKey, ClaimSpec, RegistryRoles } from "./types";

/**
 * Each component's audience. Single mode has one server and Okta gives a
 * server exactly one audience, so every component takes the single-mode
 * audience; per-component mode fills Stacklok's default for a key left unset.
 */
export function resolveAudiences(raw: RawConfig): Record<PlatformComponent, string> {
  const shared = raw.audiences[SINGLE_MODE_AUDIENCE_OF];
  return Object.fromEntries(
    PLATFORM_COMPONENTS.map((key) => [
      key,
      raw.mode === "single" ? shared : (raw.audiences[key] ?? DEFAULT_AUDIENCES[key]),
    ]),
  ) as Record<PlatformComponent, string>;
}

/** What Okta answers a server with another number of audiences, quoted in the refusals. */
const ONE_AUDIENCE_RULE =
  'Okta allows exactly one audience per authorization server (Authorization Servers API: "Okta currently ' +
  'supports only one audience"; a second is refused with "audiences: \'audiences\' must be an array with exactly one value.")';

/** Cross-key rules zod's per-key schema cannot express. */
export function crossKeyProblems(raw: RawConfig, claims: ClaimSpec[]): Problem[] {
  const problems: Problem[] = [];
  const sharedKey = `audiences.${SINGLE_MODE_AUDIENCE_OF}`;
  if (raw.mode === "single") {
    const shared = raw.audiences[SINGLE_MODE_AUDIENCE_OF];
    for (const key of PLATFORM_COMPONENTS) {
      const own = raw.audiences[key];
      if (key === SINGLE_MODE_AUDIENCE_OF || own === undefined || own === shared) continue;
      problems.push({
        path: ["audiences", key],
        value: own,
        message:
          `differs from ${sharedKey} (${JSON.stringify(shared)}), but single mode has one authorization server and ` +
          `${ONE_AUDIENCE_RULE}, so every component uses ${sharedKey}. Remove audiences.${key}, or use ` +
          "mode: per-component to give each component its own server and audience",
      });
    }
  } else {
    const resolved = resolveAudiences(raw);
    PLATFORM_COMPONENTS.forEach((a, i) => {
      for (const b of PLATFORM_COMPONENTS.slice(i + 1)) {
        if (resolved[a].toLowerCase() !== resolved[b].toLowerCase()) continue;
        problems.push({
          path: ["audiences"],
          value: raw.audiences,
          message:
            `${a} and ${b} collide; each component needs its own audience so that a token minted ` +
            "for one is rejected by the other",
        });
      }
    });
  }
  if (raw.mode === "per-component" && raw.authorizationServer !== DEFAULT_SERVER_NAME) {
    problems.push({
      path: ["authorizationServer"],
      value: raw.authorizationServer,
      message:
        "only applies to single mode; per-component mode creates one server per component " +
        `(stacklok-<environment>-${PLATFORM_COMPONENTS.map((key) => COMPONENTS[key].slug).join(" and -")}). ` +
        "Remove the key or use mode: single",
    });
  }
  if (raw.extraAudiences.length > 0) {
    problems.push({
      path: ["extraAudiences"],
      value: raw.extraAudiences,
      message:
        `is no longer accepted: ${ONE_AUDIENCE_RULE}, so a server cannot keep other apps' audiences beside ` +
        "Stacklok's. Remove the key. To keep apps that rely on api://default working while adopting default, set " +
        `${sharedKey}: api://default instead; the Stacklok components then accept every token default issues ` +
        "for that audience, including tokens other apps obtain, so prefer a custom authorizationServer or " +
        "mode: per-component",
    });
  }
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
  problems.push(...mcpServerProblems(raw));
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

/** Whether a GROUPS claim filtered by this regex carries the group name: Okta matches the whole name. */
function regexKeeps(pattern: string, groupName: string): boolean {
  // ASSUMPTION: Okta evaluates the filter as a Java regex over the whole
  // name; for the patterns config accepts, JavaScript's anchored match agrees.
  return new RegExp(`^(?:${pattern})$`).test(groupName);
}

/** Why a matcher could never match a token this program's servers issue, if so. */
function matcherProblem(claim: string, values: string | string[], claims: ClaimSpec[]): string | undefined {
  const spec = claims.find((c) => c.name === claim);
  if (!spec) {
    const names = claims.map((c) => c.name);
    return (
      `names the claim ${JSON.stringify(claim)}, which the access tokens do not carry; expected one of the enabled ` +
      `claims.* names: ${names.length > 0 ? names.join(", ") : "none (every claim is disabled)"}`
    );
  }
  if (spec.valueType !== Okta.claimValueType.groups) return undefined;
  const dropped = (Array.isArray(values) ? values : [values]).filter((v) => !regexKeeps(spec.value, v));
  if (dropped.length === 0) return undefined;
  return (
    `matches the group ${dropped.map((v) => JSON.stringify(v)).join(", ")}, which the ${spec.name} claim's ` +
    `${spec.groupFilterType ?? Okta.groupFilterType.regex} filter ${JSON.stringify(spec.value)} drops (Okta matches ` +
    "the whole group name); expected a group name the filter keeps, or widen claims.groups.groupsRegex"
  );
}

/**
 * The Registry Server roles: as configured, or each role granted to the
 * admin group this program creates, matched on the groups claim. Pushes a
 * problem and returns undefined when neither is possible or a matcher could
 * never match.
 */
export function registryRolesOrProblems(
  raw: RawConfig,
  claims: ClaimSpec[],
  environment: string,
  problems: Problem[],
): RegistryRoles | undefined {
  if (raw.registryRoles !== undefined) {
    const before = problems.length;
    for (const role of REGISTRY_ROLES) {
      raw.registryRoles[role].forEach((matcher, i) => {
        for (const [claim, values] of Object.entries(matcher)) {
          const message = matcherProblem(claim, values, claims);
          if (message) problems.push({ path: ["registryRoles", role, i, claim], value: values, message });
        }
      });
    }
    return problems.length === before ? raw.registryRoles : undefined;
  }
  const adminGroup = oktaNames(environment).adminGroup;
  const groups = claims.find((c) => c.key === "groups");
  const why = !raw.createAdminGroup
    ? "createAdminGroup is false, and tokens carry group names, not the ids in adminGroupIds"
    : !groups
      ? "the groups claim is disabled"
      : groups.valueType === Okta.claimValueType.groups && !regexKeeps(groups.value, adminGroup)
        ? `the groups claim's filter ${JSON.stringify(groups.value)} drops ${adminGroup}`
        : undefined;
  if (why !== undefined) {
    problems.push({
      path: ["registryRoles"],
      value: undefined,
      missing: true,
      message:
        `the default (every role to ${adminGroup}, matched on the groups claim) cannot work because ${why}; ` +
        `set registryRoles to an object with ${REGISTRY_ROLES.join(", ")}, each a list of claim matchers such as ` +
        '{"groups": "<admin group name>"}, or the Registry Server would be left to grant every user every role',
    });
    return undefined;
  }
  const matcher = { [groups?.name ?? "groups"]: adminGroup };
  return Object.fromEntries(REGISTRY_ROLES.map((role) => [role, [{ ...matcher }]])) as RegistryRoles;
}

/** MCP servers: single mode cannot serve them; names and audiences must be unique. */
export function mcpServerProblems(raw: RawConfig): Problem[] {
  const problems: Problem[] = [];
  const servers = raw.mcpServers ?? [];
  if (servers.length === 0) return problems;
  if (raw.mode === "single") {
    problems.push({
      path: ["mcpServers"],
      value: servers.map((s) => s.name),
      message:
        "needs mode: per-component. Each MCP server must validate its own audience (ToolHive requires an audience " +
        "unique per MCP server, so a token for one is refused by another), and an Okta authorization server issues " +
        "exactly one audience, so single mode's one server cannot serve them; per-component mode creates " +
        "stacklok-<environment>-mcp-<name> for each",
    });
    return problems;
  }
  const names = new Set<string>();
  const resolved = resolveAudiences(raw);
  const audiences = new Map<string, string>(PLATFORM_COMPONENTS.map((key) => [resolved[key].toLowerCase(), `audiences.${key}`]));
  servers.forEach((server, i) => {
    if (names.has(server.name)) {
      problems.push({ path: ["mcpServers", i, "name"], value: server.name, message: "is the name of another MCP server; expected unique names" });
    }
    names.add(server.name);
    const audience = (server.audience ?? server.resourceUrl).toLowerCase();
    const owner = audiences.get(audience);
    if (owner !== undefined) {
      problems.push({
        path: ["mcpServers", i, server.audience === undefined ? "resourceUrl" : "audience"],
        value: server.audience ?? server.resourceUrl,
        message:
          `is also the audience of ${owner}; expected an audience unique across MCP servers and platform components ` +
          "(the audience defaults to resourceUrl), so a token minted for one is refused by the others",
      });
    }
    audiences.set(audience, `mcpServers[${i}]`);
  });
  return problems;
}
