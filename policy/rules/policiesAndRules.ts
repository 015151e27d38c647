/**
 * Checks on access policies (`okta.auth.ServerPolicy`) and their rules
 * (`okta.auth.ServerPolicyRule`): which clients a policy names, which grants
 * and scopes a rule allows, and the token lifetimes it sets.
 */
import { OIDC_SCOPES, Okta, OktaType, REQUIRED_SCOPE } from "../../components/facts";
import { asNumber, asString, asStrings, type Check, show, quoteList, type Violation } from "./check";
import { forbiddenGrantViolations } from "./forbiddenGrants";

// ---------------------------------------------------------------------------
// okta.auth.ServerPolicyRule

/** An access-policy rule must not let any client use the implicit or password grant. */
export const ruleHasNoImplicitOrPasswordGrant: Check = (type, props) => {
  if (type !== OktaType.serverPolicyRule) return [];
  return forbiddenGrantViolations("grantTypeWhitelists", asStrings(props.grantTypeWhitelists) ?? []);
};

const EXPECTED_SCOPES = [...OIDC_SCOPES, REQUIRED_SCOPE];

/**
 * Okta rules are allowlists of scopes: `*` grants any scope (including ones
 * added to the server later) to every client the policy names, and an empty
 * list matches no request.
 */
export const ruleListsExplicitScopes: Check = (type, props) => {
  if (type !== OktaType.serverPolicyRule) return [];
  const scopes = asStrings(props.scopeWhitelists);
  if (scopes === undefined || scopes.length === 0) {
    return [
      {
        property: "scopeWhitelists",
        message:
          `scopeWhitelists is ${show(props.scopeWhitelists)}; accepted: the explicit scopes the clients request, ` +
          `e.g. ${quoteList(EXPECTED_SCOPES)}. Okta rules are allowlists: a request naming a scope the rule lacks ` +
          `matches no rule and fails.`,
      },
    ];
  }
  if (!scopes.includes("*")) return [];
  return [
    {
      property: "scopeWhitelists",
      message:
        `scopeWhitelists contains "*"; accepted: explicit scope names, e.g. ${quoteList(EXPECTED_SCOPES)}. ` +
        `"*" grants every scope on the server, including any added later, to every client the policy names.`,
    },
  ];
};

/**
 * Token lifetimes the provider checks only in Create/Update
 * (terraform-provider-okta `resource_okta_auth_server_policy_rule.go`) or
 * Okta rejects (access token 5 to 1440 minutes, refresh window 10 minutes to
 * five years: https://developer.okta.com/docs/api/openapi/okta-management/management/tag/AuthorizationServerRules/),
 * that is at `pulumi up`, possibly after other resources were created.
 * Unset values are the provider's defaults: access 60, refresh 0
 * (unlimited), window 10080.
 */
export const ruleTokenLifetimesAreValid: Check = (type, props) => {
  if (type !== OktaType.serverPolicyRule) return [];
  const bounds = Okta.accessTokenLifetimeMinutes;
  const access = asNumber(props.accessTokenLifetimeMinutes) ?? bounds.default;
  const refresh = asNumber(props.refreshTokenLifetimeMinutes) ?? Okta.refreshTokenLifetimeMinutes.unlimited;
  const windowGiven = asNumber(props.refreshTokenWindowMinutes);
  const window = windowGiven ?? Okta.refreshTokenWindowMinutes.default;
  const violations: Violation[] = [];
  if (access < bounds.min || access > bounds.max) {
    violations.push({
      property: "accessTokenLifetimeMinutes",
      message:
        `accessTokenLifetimeMinutes is ${access}; accepted: ${bounds.min} to ${bounds.max} minutes. ` +
        `Okta rejects other values, and the provider only finds out at apply time.`,
    });
  }
  const windowBounds = Okta.refreshTokenWindowMinutes;
  if (window < windowBounds.min || window > windowBounds.max) {
    violations.push({
      property: "refreshTokenWindowMinutes",
      message:
        `refreshTokenWindowMinutes is ${window}; accepted: ${windowBounds.min} to ${windowBounds.max} minutes ` +
        `(five years). Okta rejects other values at apply time.`,
    });
  }
  if (refresh === Okta.refreshTokenLifetimeMinutes.unlimited) return violations;
  if (refresh < access) {
    violations.push({
      property: "refreshTokenLifetimeMinutes",
      message:
        `refreshTokenLifetimeMinutes is ${refresh}, shorter than accessTokenLifetimeMinutes (${access}); accepted: ` +
        `0 (unlimited) or at least the access-token lifetime. The provider rejects this at apply time.`,
    });
  }
  if (window < access || window > refresh) {
    const windowShown = windowGiven === undefined ? `unset (the provider sends ${window})` : `${window}`;
    violations.push({
      property: "refreshTokenWindowMinutes",
      message:
        `refreshTokenWindowMinutes is ${windowShown} with accessTokenLifetimeMinutes ${access} and ` +
        `refreshTokenLifetimeMinutes ${refresh}; accepted: between the access-token lifetime and the refresh-token ` +
        `lifetime. The provider rejects this at apply time; set the window explicitly when the refresh lifetime is ` +
        `below ${Okta.refreshTokenWindowMinutes.default} minutes.`,
    });
  }
  return violations;
};

// ---------------------------------------------------------------------------
// okta.auth.ServerPolicy

/** An access policy's client list: not empty, and ALL_CLIENTS never mixed with client IDs (provider docs of `client_whitelist`). */
export const policyClientListIsValid: Check = (type, props) => {
  if (type !== OktaType.serverPolicy) return [];
  const clients = asStrings(props.clientWhitelists) ?? [];
  if (clients.length === 0) {
    return [
      {
        property: "clientWhitelists",
        message:
          `clientWhitelists is ${show(props.clientWhitelists)}; accepted: the client IDs of the apps that request ` +
          `tokens from this server (app.clientId). A policy that names no client matches no token request.`,
      },
    ];
  }
  if (!clients.includes(Okta.allClients) || clients.length === 1) return [];
  return [
    {
      property: "clientWhitelists",
      message:
        `clientWhitelists mixes "${Okta.allClients}" with client IDs (${show(clients)}); accepted: either ` +
        `["${Okta.allClients}"] alone or client IDs only. Okta does not accept the two forms together.`,
    },
  ];
};

/**
 * `ALL_CLIENTS` is valid but lets every OAuth app in the org mint tokens
 * with this server's audiences; on a shared org, name the clients.
 */
export const policyNamesExplicitClients: Check = (type, props) => {
  if (type !== OktaType.serverPolicy) return [];
  const clients = asStrings(props.clientWhitelists) ?? [];
  if (clients.length !== 1 || clients[0] !== Okta.allClients) return [];
  return [
    {
      property: "clientWhitelists",
      message:
        `clientWhitelists is ["${Okta.allClients}"]; recommended: the client IDs of the Stacklok apps. ` +
        `"${Okta.allClients}" lets every OAuth app in the org obtain tokens with this server's audiences, which ` +
        `the Stacklok components would accept.`,
    },
  ];
};

const POLICY_NAME_MAX = 100;
const POLICY_DESCRIPTION_MAX = 255;

/** Okta requires a policy description of 1-255 characters and a name of at most 100 (management API spec, AuthorizationServerPolicy). */
export const policyDescriptionIsValid: Check = (type, props) => {
  if (type !== OktaType.serverPolicy) return [];
  const violations: Violation[] = [];
  const description = asString(props.description);
  if (description === undefined || description.trim() === "") {
    violations.push({
      property: "description",
      message:
        `description is ${show(props.description)}; accepted: 1 to ${POLICY_DESCRIPTION_MAX} characters. ` +
        `The provider drops an empty description, and Okta rejects the policy at apply time.`,
    });
  } else if (description.length > POLICY_DESCRIPTION_MAX) {
    violations.push({
      property: "description",
      message:
        `description is ${description.length} characters long; accepted: 1 to ${POLICY_DESCRIPTION_MAX}. ` +
        `Okta rejects a longer description at apply time.`,
    });
  }
  const name = asString(props.name);
  if (name !== undefined && name.length > POLICY_NAME_MAX) {
    violations.push({
      property: "name",
      message:
        `name is ${name.length} characters long; accepted: 1 to ${POLICY_NAME_MAX}. Okta rejects a longer ` +
        `policy name at apply time.`,
    });
  }
  return violations;
};

/**
 * The provider refuses to create an inactive policy ("can not create an
 * inactive auth server policy, only existing ones can be deactivated",
 * terraform-provider-okta `resource_okta_auth_server_policy.go`).
 */
export const policyIsCreatedActive: Check = (type, props) => {
  if (type !== OktaType.serverPolicy || props.status !== "INACTIVE") return [];
  return [
    {
      property: "status",
      message:
        `status is "INACTIVE"; accepted: "ACTIVE" (the default). The provider cannot create an inactive policy; ` +
        `create it active and deactivate it in Okta if needed.`,
    },
  ];
};
