/**
 * Friendly claim config mapped to what Okta's API takes: a GROUPS claim
 * filtered by regex, or an Okta Expression Language expression
 * (https://developer.okta.com/docs/guides/customize-tokens-returned-from-okta/main/).
 */
import { Okta, PLATFORM_CLAIM_NAMES } from "../facts";
import type { RawConfig } from "./schema";
import type { ClaimKey, ClaimSpec } from "./types";

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

export function resolveClaims(raw: RawConfig["claims"]): ClaimSpec[] {
  const specs: ClaimSpec[] = [];
  for (const key of PLATFORM_CLAIM_NAMES) {
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
export function rolesAttribute(manage: boolean, claims: ClaimSpec[]): { rolesAttribute?: string } {
  const roles = claims.find((c) => c.key === "roles");
  const attribute = manage && roles?.valueType === Okta.claimValueType.expression ? profileAttributeRead(roles.value) : undefined;
  return attribute === undefined ? {} : { rolesAttribute: attribute };
}

