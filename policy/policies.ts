/**
 * The policy pack's policies: each guardrail's name, enforcement level and
 * checks, wired into `@pulumi/policy` policy objects: ResourceValidationPolicy
 * for the checks on one resource, StackValidationPolicy for the rules that
 * span resources.
 *
 * This module is separate from `index.ts` because `new PolicyPack(...)`
 * starts the analyzer's gRPC server as soon as it is constructed; tests
 * import the policies from here and drive them without a server or engine.
 */
import type {
  EnforcementLevel,
  PolicyConfigSchema,
  ResourceValidation,
  ResourceValidationPolicy,
  StackValidation,
  StackValidationPolicy,
} from "@pulumi/policy";
import { PLATFORM_CLAIM_NAMES } from "../components/facts";
import {
  appHasNoImplicitOrPasswordGrant,
  appHasNoImplicitResponseType,
  appHasRedirectUri,
  appRedirectUrisAreSafe,
  appUsesAuthorizationCode,
  audiencesAreUniqueAcrossServers,
  type Check,
  type CheckContext,
  claimValueIsValid,
  defaultServerIsAdoptedSafely,
  enumValuesAreApiValues,
  groupAssignmentsAreExplicit,
  nameIsExplicit,
  oneGroupAssignmentsPerApp,
  platformClaimIsAccessTokenClaim,
  policyClientListIsValid,
  policyDescriptionIsValid,
  policyIsCreatedActive,
  policyNamesExplicitClients,
  prioritiesAreContiguous,
  publicClientRotatesRefreshTokens,
  publicClientUsesPkce,
  requiredScopeIsNotDefault,
  ruleHasNoImplicitOrPasswordGrant,
  ruleListsExplicitScopes,
  ruleTokenLifetimesAreValid,
  scopeIsNotBothDefaultAndOptional,
  serverHasOneAudience,
  type StackCheck,
  type StackResource,
  userSchemaAttributeIsComplete,
  webAppIsConfidential,
} from "./rules";
import { knownInputs, topLevelProperty } from "./unknowns";

export const POLICY_PACK_NAME = "stacklok-okta-guardrails";

/** The policy config of `okta-platform-claims-in-access-token` (`--policy-pack-config`). */
export interface PlatformClaimsConfig {
  platformClaimNames?: string[];
}

interface Guardrail {
  name: string;
  description: string;
  /** mandatory: unsafe or rejected by Okta; advisory: valid but worth a second look. */
  enforcementLevel: Extract<EnforcementLevel, "mandatory" | "advisory">;
  checks: readonly Check[];
  configSchema?: PolicyConfigSchema;
}

const guardrails: readonly Guardrail[] = [
  {
    name: "okta-public-client-pkce",
    description: "Native and browser OAuth apps are public clients: tokenEndpointAuthMethod \"none\" and pkceRequired true.",
    enforcementLevel: "mandatory",
    checks: [publicClientUsesPkce],
  },
  {
    name: "okta-public-client-refresh-rotation",
    description:
      "Native and browser OAuth apps with tokenEndpointAuthMethod \"none\" that get refresh tokens rotate them (refreshTokenRotation \"ROTATE\").",
    enforcementLevel: "mandatory",
    checks: [publicClientRotatesRefreshTokens],
  },
  {
    name: "okta-web-app-confidential",
    description: "Web OAuth apps authenticate with a client secret (Okta rejects \"none\" for web apps).",
    enforcementLevel: "mandatory",
    checks: [webAppIsConfidential],
  },
  {
    name: "okta-no-implicit-or-password",
    description: "No OAuth app or access-policy rule allows the implicit or password grant, or implicit response types.",
    enforcementLevel: "mandatory",
    checks: [appHasNoImplicitOrPasswordGrant, appHasNoImplicitResponseType, ruleHasNoImplicitOrPasswordGrant],
  },
  {
    name: "okta-redirect-uris",
    description:
      "Redirect URIs are absolute, without fragment or wildcard; https, except loopback http or a reverse-domain scheme for native apps.",
    enforcementLevel: "mandatory",
    checks: [appRedirectUrisAreSafe],
  },
  {
    name: "okta-app-authorization-code",
    description:
      "Web and native OAuth apps include the authorization_code grant, and an app with that grant lists the code response type.",
    enforcementLevel: "mandatory",
    checks: [appUsesAuthorizationCode],
  },
  {
    name: "okta-app-redirect-uri-required",
    description: "OAuth apps have at least one redirect URI unless their grants include password or client_credentials.",
    enforcementLevel: "mandatory",
    checks: [appHasRedirectUri],
  },
  {
    name: "okta-app-group-assignments",
    description: "AppGroupAssignments list at least one group, each with a JSON-object profile.",
    enforcementLevel: "mandatory",
    checks: [groupAssignmentsAreExplicit],
  },
  {
    name: "okta-access-rule-explicit-scopes",
    description: "Access-policy rules list their scopes explicitly (never \"*\", never empty).",
    enforcementLevel: "mandatory",
    checks: [ruleListsExplicitScopes],
  },
  {
    name: "okta-access-rule-token-lifetimes",
    description: "Access-policy rule token lifetimes are within what Okta accepts (checked by the provider only at apply).",
    enforcementLevel: "mandatory",
    checks: [ruleTokenLifetimesAreValid],
  },
  {
    name: "okta-access-policy-client-list",
    description: "Access policies name at least one client and never mix ALL_CLIENTS with client IDs.",
    enforcementLevel: "mandatory",
    checks: [policyClientListIsValid],
  },
  {
    name: "okta-access-policy-active-on-create",
    description: "Access policies are not created INACTIVE (the provider cannot create an inactive policy).",
    enforcementLevel: "mandatory",
    checks: [policyIsCreatedActive],
  },
  {
    name: "okta-access-policy-explicit-clients",
    description: "Access policies name the Stacklok clients rather than ALL_CLIENTS.",
    enforcementLevel: "advisory",
    checks: [policyNamesExplicitClients],
  },
  {
    name: "okta-access-policy-description",
    description: "Access policies have a 1-255 character description and a name of at most 100 characters.",
    enforcementLevel: "mandatory",
    checks: [policyDescriptionIsValid],
  },
  {
    name: "okta-required-scope-not-default",
    description: "The toolhive:config:read scope is not a default scope.",
    enforcementLevel: "mandatory",
    checks: [requiredScopeIsNotDefault],
  },
  {
    name: "okta-scope-default-or-optional",
    description: "No scope is both default and optional.",
    enforcementLevel: "mandatory",
    checks: [scopeIsNotBothDefaultAndOptional],
  },
  {
    name: "okta-platform-claims-in-access-token",
    description: "The platform claims (groups, roles, email by default) are access-token (RESOURCE) claims.",
    enforcementLevel: "mandatory",
    checks: [platformClaimIsAccessTokenClaim],
    configSchema: {
      properties: {
        platformClaimNames: {
          type: "array",
          items: { type: "string" },
          default: [...PLATFORM_CLAIM_NAMES],
          description: "Claim names the Stacklok components read from the access token.",
        },
      },
    },
  },
  {
    name: "okta-claim-value",
    description: "Claim values are valid: GROUPS claims have a group filter, EXPRESSION claims none, and no user.groups.",
    enforcementLevel: "mandatory",
    checks: [claimValueIsValid],
  },
  {
    name: "okta-default-server-adoption",
    description: "AuthServerDefault adopts the server named \"default\" with automatic key rotation.",
    enforcementLevel: "mandatory",
    checks: [defaultServerIsAdoptedSafely],
  },
  {
    name: "okta-server-one-audience",
    description: "Every authorization server (custom or the adopted default) carries exactly one audience, as Okta requires.",
    enforcementLevel: "mandatory",
    checks: [serverHasOneAudience],
  },
  {
    name: "okta-user-schema-attribute",
    description:
      "User-profile attributes have a title, an arrayType when they are arrays, and deleteBeforeReplace so a replacement keeps them.",
    enforcementLevel: "mandatory",
    checks: [userSchemaAttributeIsComplete],
  },
  {
    name: "okta-explicit-names",
    description: "Scopes, claims, policies, rules, servers and groups set name explicitly (no Pulumi autoname).",
    enforcementLevel: "mandatory",
    checks: [nameIsExplicit],
  },
  {
    name: "okta-api-enum-values",
    description: "Enum-valued inputs use Okta's API spelling, not the camelCased rendering from the SDK docs.",
    enforcementLevel: "mandatory",
    checks: [enumValuesAreApiValues],
  },
];

/**
 * One validation function per check. The engine hands a resource's inputs
 * through `@pulumi/policy`'s proxy, which throws on a value that is unknown
 * during preview (the client ID of an app not created yet). Left to throw,
 * every such check became an advisory "can't run ... during preview" on a
 * stack with nothing wrong. So the check reads a copy in which each unknown
 * value stands as `UNKNOWN_AT_PREVIEW` (an opaque id to every check), and a
 * violation on a property holding one is not reported: the same check runs
 * during `pulumi up`, when the engine sends the value itself.
 */
function toValidation(check: Check): ResourceValidation {
  return (args, reportViolation) => {
    const config = args.getConfig<PlatformClaimsConfig>();
    const context: CheckContext = {
      logicalName: args.name,
      platformClaimNames: config.platformClaimNames ?? PLATFORM_CLAIM_NAMES,
      ...(args.opts.deleteBeforeReplace === undefined ? {} : { deleteBeforeReplace: args.opts.deleteBeforeReplace }),
    };
    const { props, unknownProperties } = knownInputs(args.props);
    for (const violation of check(args.type, props, context)) {
      if (!unknownProperties.has(topLevelProperty(violation.property))) reportViolation(violation.message);
    }
  };
}

export const policies: ResourceValidationPolicy[] = guardrails.map((guardrail) => ({
  name: guardrail.name,
  description: guardrail.description,
  enforcementLevel: guardrail.enforcementLevel,
  ...(guardrail.configSchema === undefined ? {} : { configSchema: guardrail.configSchema }),
  validateResource: guardrail.checks.map(toValidation),
}));

interface StackGuardrail {
  name: string;
  description: string;
  enforcementLevel: Extract<EnforcementLevel, "mandatory">;
  check: StackCheck;
}

const stackGuardrails: readonly StackGuardrail[] = [
  {
    name: "okta-one-group-assignments-per-app",
    description: "At most one AppGroupAssignments per app: each one's Read takes every group assigned to the app.",
    enforcementLevel: "mandatory",
    check: oneGroupAssignmentsPerApp,
  },
  {
    name: "okta-contiguous-priorities",
    description: "Access-policy priorities per server, and rule priorities per policy, run 1..N with no gap or repeat.",
    enforcementLevel: "mandatory",
    check: prioritiesAreContiguous,
  },
  {
    name: "okta-audience-unique-across-servers",
    description: "No audience is issued by two authorization servers: each component and MCP server has an audience of its own.",
    enforcementLevel: "mandatory",
    check: audiencesAreUniqueAcrossServers,
  },
];

/**
 * The engine hands a stack policy every resource with its inputs; the check
 * sees the Okta ones, with the URNs each reference came from. A violation is
 * reported on the resource at fault.
 */
function toStackValidation(check: StackCheck): StackValidation {
  return (args, reportViolation) => {
    const resources: StackResource[] = args.resources
      .filter((resource) => resource.type.startsWith("okta:"))
      .map((resource) => ({
        type: resource.type,
        name: resource.name,
        urn: resource.urn,
        props: resource.props,
        propertyDependencies: Object.fromEntries(
          Object.entries(resource.propertyDependencies).map(([property, from]) => [property, from.map((r) => r.urn)]),
        ),
      }));
    for (const violation of check(resources)) reportViolation(violation.message, violation.urn);
  };
}

export const stackPolicies: StackValidationPolicy[] = stackGuardrails.map((guardrail) => ({
  name: guardrail.name,
  description: guardrail.description,
  enforcementLevel: guardrail.enforcementLevel,
  validateStack: toStackValidation(guardrail.check),
}));
