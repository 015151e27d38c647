/**
 * Checks on an authorization server's scopes (`okta.auth.ServerScope`) and
 * claims (`okta.auth.ServerClaim`).
 */
import { Okta, OktaEnum, OktaType, REQUIRED_SCOPE } from "../../components/facts";
import { asString, type Check, quoteList, show, type Violation } from "./check";

// ---------------------------------------------------------------------------
// okta.auth.ServerScope

/**
 * Okta grants default scopes to any request that names no scope, so a
 * default `toolhive:config:read` would reach every client of the server
 * without being asked for. Stacklok's runbook creates it as non-default.
 */
export const requiredScopeIsNotDefault: Check = (type, props) => {
  if (type !== OktaType.serverScope || props.name !== REQUIRED_SCOPE || props.default !== true) return [];
  return [
    {
      property: "default",
      message:
        `default is true on the "${REQUIRED_SCOPE}" scope; accepted: false (or unset). A default scope is granted ` +
        `to any token request that names no scope, so every client of this server would get the Enterprise ` +
        `Manager's configuration permission without asking for it; the Stacklok CLI requests it explicitly.`,
    },
  ];
};

/** Okta: "It's unsupported to set both optional and default to true" (https://developer.okta.com/docs/guides/terraform-create-custom-auth-server/main/). */
export const scopeIsNotBothDefaultAndOptional: Check = (type, props) => {
  if (type !== OktaType.serverScope || props.default !== true || props.optional !== true) return [];
  return [
    {
      property: "optional",
      message:
        `default and optional are both true on scope ${show(props.name)}; accepted: at most one of them true. ` +
        `Okta treats them as mutually exclusive and rejects the scope at apply time.`,
    },
  ];
};

// ---------------------------------------------------------------------------
// okta.auth.ServerClaim

/**
 * The platform components read `groups`, `roles` and `email` from the access
 * token (they never see the ID token), so these claims must be RESOURCE
 * (access-token) claims.
 */
export const platformClaimIsAccessTokenClaim: Check = (type, props, context) => {
  if (type !== OktaType.serverClaim) return [];
  const name = asString(props.name);
  if (name === undefined || !context.platformClaimNames.includes(name)) return [];
  if (props.claimType === Okta.claimType.accessToken) return [];
  return [
    {
      property: "claimType",
      message:
        `claimType is ${show(props.claimType)} on the "${name}" claim; accepted: "${Okta.claimType.accessToken}". ` +
        `The Stacklok components validate the access token and read this claim from it; ` +
        `"${Okta.claimType.idToken}" puts it only in the ID token, which they never see.`,
    },
  ];
};

const USER_GROUPS_EXPRESSION = /^\s*user\.groups\s*$/;

/**
 * A claim's value must mean what it says: GROUPS claims need a group filter,
 * EXPRESSION claims must not have one (management API spec: the value
 * "must be a string literal if valueType is GROUPS" and "an Okta EL
 * expression if valueType is EXPRESSION"), and `user.groups` is not Okta
 * Expression Language (there is no `groups` profile attribute).
 */
export const claimValueIsValid: Check = (type, props) => {
  if (type !== OktaType.serverClaim) return [];
  const valueType = asString(props.valueType) ?? Okta.claimValueType.expression;
  const filter = props.groupFilterType;
  const violations: Violation[] = [];
  if (valueType === Okta.claimValueType.groups && (filter === undefined || filter === "")) {
    violations.push({
      property: "groupFilterType",
      message:
        `groupFilterType is unset on a ${Okta.claimValueType.groups} claim; accepted: ${quoteList(OktaEnum.groupFilterType)}. ` +
        `A ${Okta.claimValueType.groups} claim's value is a filter pattern, and Okta needs to know how to match it ` +
        `(use "${Okta.groupFilterType.regex}" with value ".*" for every group).`,
    });
  }
  if (valueType === Okta.claimValueType.expression && filter !== undefined && filter !== "") {
    violations.push({
      property: "groupFilterType",
      message:
        `groupFilterType is ${show(filter)} on an ${Okta.claimValueType.expression} claim; accepted: unset. ` +
        `Okta applies a group filter only to ${Okta.claimValueType.groups} claims; for an expression claim it is rejected or ignored.`,
    });
  }
  const value = asString(props.value);
  if (valueType === Okta.claimValueType.expression && value !== undefined && USER_GROUPS_EXPRESSION.test(value)) {
    violations.push({
      property: "value",
      message:
        `value is "${value.trim()}"; that is not valid Okta Expression Language: user.<attr> reads a user-profile ` +
        `attribute and there is no "groups" attribute, so the claim would be empty or fail the token request. ` +
        `Accepted: valueType "${Okta.claimValueType.groups}" with groupFilterType "${Okta.groupFilterType.regex}" and value ".*", ` +
        `or an expression such as user.getGroups({'group.type': {'OKTA_GROUP'}}).![name].`,
    });
  }
  return violations;
};
