/**
 * Checks that apply across resource types: names set explicitly rather than
 * autonamed by Pulumi, and enum values spelled as the Okta API spells them.
 */
import { DEFAULT_SERVER_NAME, OktaEnum, OktaType } from "../../components/facts";
import { asString, asStrings, type Check, quoteList, show, type Violation } from "./check";

// ---------------------------------------------------------------------------
// Pulumi autonaming

/** What `name` is in Okta for each autonamed resource type, to say why a random suffix hurts. */
const NAMED_TYPES: Readonly<Record<string, string>> = {
  [OktaType.serverScope]: "the scope string clients request and find in scp",
  [OktaType.serverClaim]: "the claim's key in the token",
  [OktaType.serverPolicy]: "the access policy's name in Okta",
  [OktaType.serverPolicyRule]: "the rule's name in Okta",
  [OktaType.authServer]: "the authorization server's name in Okta",
  [OktaType.authServerDefault]: `the id of the server to adopt ("${DEFAULT_SERVER_NAME}")`,
  [OktaType.group]: "the group name, which is what a GROUPS claim carries",
};

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Pulumi fills an omitted `name` with `<logical name>-<7 hex>` in the
 * provider's Check, before the policy analyzer sees the inputs, so "unset"
 * shows up as a name with a random suffix.
 */
export const nameIsExplicit: Check = (type, props, context) => {
  const meaning = NAMED_TYPES[type];
  if (meaning === undefined) return [];
  const name = asString(props.name);
  if (name === undefined || name === "") {
    return [
      {
        property: "name",
        message: `name is ${show(props.name)}; accepted: an explicit name. It is ${meaning}.`,
      },
    ];
  }
  const autonamed = new RegExp(`^${escapeRegExp(context.logicalName)}-[0-9a-f]{7}$`);
  if (context.logicalName === "" || !autonamed.test(name)) return [];
  return [
    {
      property: "name",
      message:
        `name is "${name}", which Pulumi auto-generated from the logical name "${context.logicalName}" because name ` +
        `was not set; accepted: an explicit name. It is ${meaning}, so a random suffix breaks every client ` +
        `and component that expects the real name.`,
    },
  ];
};

// ---------------------------------------------------------------------------
// Enum spelling

/** Enum-valued inputs per type token, with every value the API accepts. */
const ENUM_INPUTS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  [OktaType.oauthApp]: {
    type: OktaEnum.appType,
    grantTypes: OktaEnum.grantType,
    responseTypes: OktaEnum.responseType,
    tokenEndpointAuthMethod: OktaEnum.tokenEndpointAuthMethod,
    wildcardRedirect: OktaEnum.wildcardRedirect,
    issuerMode: OktaEnum.issuerMode,
    consentMethod: OktaEnum.consentMethod,
    loginMode: OktaEnum.loginMode,
    refreshTokenRotation: OktaEnum.refreshTokenRotation,
    status: OktaEnum.status,
  },
  [OktaType.serverPolicyRule]: {
    grantTypeWhitelists: OktaEnum.grantType,
    groupWhitelists: OktaEnum.groupWhitelist,
    type: OktaEnum.policyRuleType,
    status: OktaEnum.status,
  },
  [OktaType.serverPolicy]: {
    clientWhitelists: OktaEnum.clientWhitelist,
    status: OktaEnum.status,
  },
  [OktaType.serverScope]: {
    consent: OktaEnum.scopeConsent,
    metadataPublish: OktaEnum.scopeMetadataPublish,
  },
  [OktaType.serverClaim]: {
    claimType: OktaEnum.claimType,
    valueType: OktaEnum.claimValueType,
    groupFilterType: OktaEnum.groupFilterType,
    status: OktaEnum.status,
  },
  [OktaType.authServerDefault]: {
    credentialsRotationMode: OktaEnum.credentialsRotationMode,
    issuerMode: OktaEnum.issuerMode,
    status: OktaEnum.status,
  },
  [OktaType.authServer]: {
    credentialsRotationMode: OktaEnum.credentialsRotationMode,
    issuerMode: OktaEnum.issuerMode,
    status: OktaEnum.status,
  },
};

/** Folds spelling: `authorizationCode`, `client*secret*basic` and `AUTHORIZATION-CODE` all meet `authorization_code`. */
function spellingKey(value: string): string {
  return value.toLowerCase().replace(/[_*\-\s]/g, "");
}

/** The real API value `value` is a misspelling of, or undefined when it is exact or unrelated. */
export function realEnumValue(value: string, accepted: readonly string[]): string | undefined {
  if (accepted.includes(value)) return undefined;
  return accepted.find((real) => spellingKey(real) === spellingKey(value));
}

/**
 * The `@pulumi/okta` doc comments render enum values camelCased
 * (`authorizationCode`, `idToken`, `client*secret*basic`); the API needs the
 * real snake_case / UPPER_CASE values and rejects or ignores the others.
 * Values that are not a spelling of a known value (client IDs, group IDs,
 * Early Access grants) are left alone.
 */
export const enumValuesAreApiValues: Check = (type, props) => {
  const inputs = ENUM_INPUTS[type];
  if (inputs === undefined) return [];
  const violations: Violation[] = [];
  for (const [property, accepted] of Object.entries(inputs)) {
    const raw = props[property];
    const values = typeof raw === "string" ? [raw] : (asStrings(raw) ?? []);
    for (const value of values) {
      const real = realEnumValue(value, accepted);
      if (real === undefined) continue;
      violations.push({
        property,
        message:
          `${property} has "${value}"; the Okta API value is "${real}". The @pulumi/okta docs render enum values ` +
          `camelCased, but the API only accepts its own spelling (one of ${quoteList(accepted)}).`,
      });
    }
  }
  return violations;
};
