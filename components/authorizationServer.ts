import * as okta from "@pulumi/okta";
import * as pulumi from "@pulumi/pulumi";
import type { ClaimSpec, TokenLifetimes } from "./config";
import { DEFAULT_SERVER_NAME, Okta, OKTA_JWKS_PATH, REQUIRED_SCOPE, REQUIRED_SCOPE_DESCRIPTION } from "./facts";
import { MARKER_FIELD_LIMITS, markedDescription, stackMarker } from "./naming";
import { CLIENT_APPS } from "./platform";
import type { ServerPlan } from "./topology";

export interface AuthorizationServerArgs {
  plan: ServerPlan;
  /** The OAuth client IDs its access policy admits, or every client in the org. */
  clientIds: pulumi.Input<string>[] | typeof Okta.allClients;
  /** Group IDs the rule admits, or `EVERYONE` (anyone assigned to the app). */
  groupIds: pulumi.Input<string>[] | typeof Okta.everyone;
  claims: ClaimSpec[];
  /** Resources a claim's value reads (the `roles` profile attribute). */
  claimDependencies: Partial<Record<ClaimSpec["key"], pulumi.Resource>>;
  accessPolicyName: string;
  accessRuleName: string;
  tokens: TokenLifetimes;
  issuerMode?: string;
  /** Refuse to delete a server this stack created. */
  protect: boolean;
  /** `<project>/<stack>`, for the marker on the access policy. */
  stackId: string;
}

/**
 * One Okta authorization server issuing Stacklok tokens: the server (adopted
 * `default` or a custom one), the required scope, the access-token claims,
 * and the access policy with its rule.
 */
export class AuthorizationServer extends pulumi.ComponentResource {
  readonly serverId: pulumi.Output<string>;
  /** Okta's own issuer URL: right for okta.com, oktapreview.com, okta-emea.com and custom domains. */
  readonly issuer: pulumi.Output<string>;
  readonly jwksUri: pulumi.Output<string>;

  constructor(name: string, args: AuthorizationServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("stacklok:identity:AuthorizationServer", name, {}, opts);
    const { plan } = args;
    const key = plan.key;
    // A child must never move to another server under the same name (the
    // provider would update the old id under the new parent); logical names
    // carry the server key, and replaceOnChanges guards the parent ids too.
    // A replacement on the same server deletes first: Okta refuses a second
    // scope or claim of one name on a server (and the rule and policy names
    // are the stack's), so create-then-delete would fail half-way.
    const childOpts = { parent: this, replaceOnChanges: ["authServerId"], deleteBeforeReplace: true };

    const server = plan.adoptDefault
      ? new okta.AuthServerDefault(
          key,
          {
            // The provider uses `name` as the id to look up; left out, Pulumi
            // would autoname it and the adoption would fail with a 404.
            name: DEFAULT_SERVER_NAME,
            description: plan.description,
            // Replaces the server's one audience (usually `api://default`).
            audiences: plan.audiences,
            // The provider's default here is MANUAL key rotation.
            credentialsRotationMode: Okta.credentialsRotationMode.auto,
            status: Okta.status.active,
            // Config's mode, else the one the server already has: the
            // provider's Read stores Okta's mode, so unset would diff forever.
            ...(args.issuerMode === undefined ? {} : { issuerMode: args.issuerMode }),
          },
          { parent: this },
        )
      : new okta.auth.Server(
          key,
          {
            name: plan.name,
            description: plan.description,
            audiences: plan.audiences,
            credentialsRotationMode: Okta.credentialsRotationMode.auto,
            issuerMode: args.issuerMode ?? Okta.issuerMode.orgUrl,
            status: Okta.status.active,
          },
          { parent: this, protect: args.protect },
        );

    const scope = plan.issuesRequiredScope
      ? new okta.auth.ServerScope(
          `${key}-scope`,
          {
            authServerId: server.id,
            name: REQUIRED_SCOPE,
            description: REQUIRED_SCOPE_DESCRIPTION,
            displayName: REQUIRED_SCOPE_DESCRIPTION,
            // Not a default scope: it reaches `scp` only when a client asks for it.
            default: false,
            optional: false,
            consent: Okta.scopeConsent.implicit,
            metadataPublish: Okta.scopeMetadataPublish.allClients,
          },
          childOpts,
        )
      : undefined;

    for (const claim of args.claims) {
      const dependency = args.claimDependencies[claim.key];
      new okta.auth.ServerClaim(
        `${key}-claim-${claim.key}`,
        {
          authServerId: server.id,
          name: claim.name,
          // Access-token claims, included whatever scope is requested.
          claimType: Okta.claimType.accessToken,
          valueType: claim.valueType,
          value: claim.value,
          ...(claim.groupFilterType === undefined ? {} : { groupFilterType: claim.groupFilterType }),
          alwaysIncludeInToken: true,
          status: Okta.status.active,
        },
        { ...childOpts, dependsOn: dependency ? [dependency] : [] },
      );
    }

    const policyName = `${key}-access-policy`;
    const policy = new okta.auth.ServerPolicy(
      policyName,
      {
        authServerId: server.id,
        name: args.accessPolicyName,
        description: markedDescription(
          `Stacklok clients on ${plan.name}: ${plan.clients.map(describeClient).join(", ")}`,
          stackMarker(args.stackId, policyName),
          MARKER_FIELD_LIMITS.policyDescription,
        ),
        priority: 1,
        clientWhitelists: args.clientIds === Okta.allClients ? [Okta.allClients] : args.clientIds,
        status: Okta.status.active,
      },
      childOpts,
    );

    const { accessTokenLifetimeMinutes, refreshTokenLifetimeMinutes, refreshTokenWindowMinutes } = args.tokens;
    new okta.auth.ServerPolicyRule(
      `${key}-access-rule`,
      {
        authServerId: server.id,
        policyId: policy.id,
        name: args.accessRuleName,
        priority: 1,
        // Covers the native PKCE flow and the web app's code flow; refresh
        // tokens come from the apps' refresh_token grant plus offline_access.
        grantTypeWhitelists: [Okta.grantType.authorizationCode],
        scopeWhitelists: plan.scopes,
        groupWhitelists: args.groupIds === Okta.everyone ? [Okta.everyone] : args.groupIds,
        accessTokenLifetimeMinutes,
        refreshTokenLifetimeMinutes,
        refreshTokenWindowMinutes,
        status: Okta.status.active,
      },
      {
        parent: this,
        replaceOnChanges: ["authServerId", "policyId"],
        deleteBeforeReplace: true,
        // The rule names the scope, so the scope must exist first.
        dependsOn: scope ? [policy, scope] : [policy],
      },
    );

    this.serverId = server.id;
    this.issuer = server.issuer;
    this.jwksUri = pulumi.interpolate`${server.issuer}${OKTA_JWKS_PATH}`;
    this.registerOutputs({ serverId: this.serverId, issuer: this.issuer, jwksUri: this.jwksUri });
  }
}

function describeClient(client: ServerPlan["clients"][number]): string {
  return CLIENT_APPS[client].description;
}
