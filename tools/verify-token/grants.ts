/**
 * What an access token lets its holder do, decided from its claims the way
 * each component decides it, with the rules the stack outputs carry:
 *
 * - Registry Server roles from `registryServer.authz.roles` (the chart's
 *   `auth.authz`), as toolhive-registry-server `internal/auth/roles.go`
 *   `ResolveRoles` resolves them: a role's matchers are OR-ed; the keys of
 *   one matcher are AND-ed and an empty matcher never matches; a claim
 *   matches when any of its values equals any of the matcher's values, a
 *   string counting as one value and a list as its string elements (numbers,
 *   booleans and objects match nothing); comparison is exact.
 * - The platform role from the ClusterPlatformRoleBinding in
 *   `platformRoleBindingsYaml` (docs-website
 *   `docs/platform/enterprise-authz/intro.mdx`, "Claim mapping"): a binding's
 *   conditions (`from[]`) are OR-ed, and in one condition the `groups` and
 *   `roles` lists are AND-ed. ASSUMPTION: a principal "must belong to" every
 *   group a condition lists and have every role it lists (the CRD's field
 *   descriptions), values compared exactly as the registry compares them;
 *   the Enterprise Manager's source is not public.
 *
 * Pure: it reads claims the caller decoded and outputs the caller loaded.
 */
import { parse } from "yaml";
import { z } from "zod";
import { isRecord, registryAuthzSchema } from "../../components/contract";
import { KUBERNETES_API, REGISTRY_ROLES, type RegistryRole } from "../../components/facts";
import { REGISTRY_AUTHORIZATION_CLAIMS } from "./expectations";

/** The claims the platform reads group names and role names from (its `groupsClaim` and `rolesClaim`). */
export interface PlatformClaimNames {
  groups: string;
  roles: string;
}

export interface TokenGrants {
  /** The Registry Server roles the token holds, in the registry's order; undefined when the outputs lack the rules. */
  registryRoles?: RegistryRole[];
  /** The platform roles the binding grants, in its order; undefined when the outputs lack the binding. */
  platformRoles?: string[];
  /** Why a part could not be decided: the output that is missing or unreadable. */
  problems: string[];
}

/** One PrincipalCondition (platform.enterprise.stacklok.com/v1alpha1). */
const principalConditionSchema = z.object({ groups: z.array(z.string()).optional(), roles: z.array(z.string()).optional() });

/** The part of a ClusterPlatformRoleBinding that decides who holds which role. */
const roleBindingSchema = z.object({
  kind: z.literal(KUBERNETES_API.clusterPlatformRoleBinding.kind),
  spec: z.object({
    bindings: z.array(z.object({ roleRef: z.object({ name: z.string().min(1) }), from: z.array(principalConditionSchema) })),
  }),
});

/** A claim's values as the registry reads them (`toStringSlice`): a string is one value, a list its strings. */
export function claimValues(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === "string");
  return [];
}

/** Whether a token's claims satisfy one Registry Server claim matcher (`matchesClaimMap`). */
export function matchesClaimMatcher(claims: Record<string, unknown>, matcher: Record<string, string | string[]>): boolean {
  const entries = Object.entries(matcher);
  if (entries.length === 0) return false;
  return entries.every(([claim, required]) => {
    if (!(claim in claims)) return false;
    const wanted = claimValues(required);
    return claimValues(claims[claim]).some((value) => wanted.includes(value));
  });
}

function registryRoles(claims: Record<string, unknown>, outputs: Record<string, unknown>): RegistryRole[] | string {
  const registryServer = outputs["registryServer"];
  const authz = registryAuthzSchema.safeParse(isRecord(registryServer) ? registryServer["authz"] : undefined);
  if (!authz.success) return `registryServer.authz is missing or not the Registry Server's roles (${issues(authz.error)})`;
  return REGISTRY_ROLES.filter((role) => authz.data.roles[role].some((matcher) => matchesClaimMatcher(claims, matcher)));
}

function platformRoles(claims: Record<string, unknown>, outputs: Record<string, unknown>, names: PlatformClaimNames): string[] | string {
  const yaml = outputs["platformRoleBindingsYaml"];
  if (typeof yaml !== "string") return "platformRoleBindingsYaml is missing";
  let document: unknown;
  try {
    document = parse(yaml) as unknown;
  } catch (error) {
    return `platformRoleBindingsYaml is not YAML: ${error instanceof Error ? error.message : String(error)}`;
  }
  // The program writes only comments when no group can be bound.
  if (document === null || document === undefined) return [];
  const binding = roleBindingSchema.safeParse(document);
  if (!binding.success) return `platformRoleBindingsYaml is not a ClusterPlatformRoleBinding (${issues(binding.error)})`;
  const groups = claimValues(claims[names.groups]);
  const roles = claimValues(claims[names.roles]);
  const holds = (condition: z.infer<typeof principalConditionSchema>) => {
    const wantedGroups = condition.groups ?? [];
    const wantedRoles = condition.roles ?? [];
    if (wantedGroups.length === 0 && wantedRoles.length === 0) return false;
    return wantedGroups.every((group) => groups.includes(group)) && wantedRoles.every((role) => roles.includes(role));
  };
  const granted = binding.data.spec.bindings.filter((entry) => entry.from.some(holds)).map((entry) => entry.roleRef.name);
  return [...new Set(granted)];
}

function issues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`).join("; ");
}

/**
 * The Registry Server roles and platform roles a token with these claims
 * holds under the stack's outputs. `claimNames` are the claims the platform
 * reads groups and roles from; they default to the names the program gives
 * its groups and roles claims.
 */
export function tokenGrants(
  claims: Record<string, unknown>,
  outputs: Record<string, unknown>,
  claimNames: PlatformClaimNames = REGISTRY_AUTHORIZATION_CLAIMS,
): TokenGrants {
  const grants: TokenGrants = { problems: [] };
  const registry = registryRoles(claims, outputs);
  if (typeof registry === "string") grants.problems.push(registry);
  else grants.registryRoles = registry;
  const platform = platformRoles(claims, outputs, claimNames);
  if (typeof platform === "string") grants.problems.push(platform);
  else grants.platformRoles = platform;
  return grants;
}

/** The grants as one line each: `registry` and `platform` read "none" when nothing is granted, "unknown" when undecided. */
export function describeGrants(grants: TokenGrants): { registry: string; platform: string } {
  const list = (values: readonly string[] | undefined) => (values === undefined ? "unknown" : values.length === 0 ? "none" : values.join(", "));
  return { registry: list(grants.registryRoles), platform: list(grants.platformRoles) };
}
