import * as okta from "@pulumi/okta";
import * as pulumi from "@pulumi/pulumi";
import type { StacklokIdentityConfig } from "./config";
import { CLOUD_UI_CALLBACK_PATH, CLOUD_UI_POST_LOGOUT_PATH, Okta } from "./facts";
import { MARKER_FIELD_LIMITS, oktaNames, stackMarker } from "./naming";

/** An OIDC app's settings, in the values Okta's API takes. */
export interface AppSpec {
  label: string;
  type: typeof Okta.appType.native | typeof Okta.appType.web;
  tokenEndpointAuthMethod: string;
  pkceRequired: boolean;
  grantTypes: string[];
  responseTypes: string[];
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  /** Refresh-token rotation; the provider sends STATIC (no rotation) when unset. */
  refreshTokenRotation: (typeof Okta.refreshTokenRotation)[keyof typeof Okta.refreshTokenRotation];
  /**
   * Where the app's tile on users' Okta dashboards leads; unset, the app has
   * no tile. The provider hides every app from the dashboard unless told
   * otherwise (`hide_web`/`hide_ios` default true in terraform-provider-okta
   * `resource_okta_app_oauth.go`).
   */
  dashboardLoginUri?: string;
}

/** Both apps use the authorization code flow; refresh comes from the app grant plus `offline_access`. */
const GRANT_TYPES = [Okta.grantType.authorizationCode, Okta.grantType.refreshToken];
const RESPONSE_TYPES = [Okta.responseType.code];

/**
 * The Stacklok CLI and Desktop share one public client. The provider defaults
 * every app to `client_secret_basic`, so `none` must be explicit, and an
 * unset `pkceRequired` flips to false on the next update.
 */
export function cliAppSpec(config: StacklokIdentityConfig): AppSpec {
  return {
    label: oktaNames(config.environment).appLabel("cli"),
    type: Okta.appType.native,
    tokenEndpointAuthMethod: Okta.tokenEndpointAuthMethod.none,
    pkceRequired: true,
    grantTypes: [...GRANT_TYPES],
    responseTypes: [...RESPONSE_TYPES],
    redirectUris: [...config.cliRedirectUris],
    postLogoutRedirectUris: [],
    // A public client's refresh token sits on a laptop: rotate it on every
    // use, so a stolen copy stops working once the real client refreshes.
    refreshTokenRotation: Okta.refreshTokenRotation.rotate,
  };
}

/**
 * The Cloud UI runs the code flow on its server with a client secret, and
 * sends PKCE as well, so PKCE is required here too.
 */
export function cloudUiAppSpec(config: StacklokIdentityConfig): AppSpec {
  return {
    label: oktaNames(config.environment).appLabel("cloudUi"),
    type: Okta.appType.web,
    tokenEndpointAuthMethod: config.cloudUiTokenEndpointAuthMethod,
    pkceRequired: true,
    grantTypes: [...GRANT_TYPES],
    responseTypes: [...RESPONSE_TYPES],
    redirectUris: [config.cloudUiUrl + CLOUD_UI_CALLBACK_PATH],
    postLogoutRedirectUris: [config.cloudUiUrl + CLOUD_UI_POST_LOGOUT_PATH],
    // A confidential client: the refresh token is useless without the
    // secret. Kept static, as the Cloud UI stores one token per session.
    refreshTokenRotation: Okta.refreshTokenRotation.static,
    // A web app people open in a browser: its tile opens the Cloud UI, which
    // starts its own sign-in. (The CLI/Desktop app has no page to open.)
    dashboardLoginUri: config.cloudUiUrl,
  };
}

export interface OAuthAppArgs {
  spec: AppSpec;
  /** Groups whose members may sign in. Users not assigned get `user_not_assigned`. */
  groupIds: pulumi.Input<string>[];
  /**
   * The authentication (sign-on) policy to assign. Unset, the provider is told
   * to leave the app's policy alone; otherwise it would reassign the org's
   * default policy on every update, undoing one an admin set (say, MFA).
   */
  authenticationPolicyId?: string;
  /** Refuse to delete the app (a new app means a new client ID for every user). */
  protect: boolean;
  /** `<project>/<stack>`, for the marker in the app's admin note. */
  stackId: string;
}

/** An Okta OIDC app and its authoritative group assignment. */
export class OAuthApp extends pulumi.ComponentResource {
  readonly appId: pulumi.Output<string>;
  readonly clientId: pulumi.Output<string>;
  /** Empty for a public client. Always a secret. */
  readonly clientSecret: pulumi.Output<string>;

  constructor(name: string, args: OAuthAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super("stacklok:identity:OAuthApp", name, {}, opts);
    const { spec } = args;
    // The admin note (settings.notes.admin, seen by admins only) carries the
    // stack's marker; changing it updates the app in place (admin_note is not
    // ForceNew in terraform-provider-okta app.go). Project and stack names are
    // at most 100 characters each, so the marker fits the note's 250.
    const marker = stackMarker(args.stackId, name);

    const app = new okta.app.OAuth(
      name,
      {
        label: spec.label,
        ...(marker.length <= MARKER_FIELD_LIMITS.appAdminNote ? { adminNote: marker } : {}),
        type: spec.type,
        tokenEndpointAuthMethod: spec.tokenEndpointAuthMethod,
        pkceRequired: spec.pkceRequired,
        grantTypes: spec.grantTypes,
        responseTypes: spec.responseTypes,
        redirectUris: spec.redirectUris,
        postLogoutRedirectUris: spec.postLogoutRedirectUris,
        refreshTokenRotation: spec.refreshTokenRotation,
        // Seconds the previous token still works after rotation, for a
        // client whose refresh response was lost in transit.
        ...(spec.refreshTokenRotation === Okta.refreshTokenRotation.rotate ? { refreshTokenLeeway: 30 } : {}),
        consentMethod: Okta.consentMethod.trusted,
        // A tile only where there is a page to open. loginMode SPEC sends the
        // user to loginUri, and the provider requires a loginUri for any
        // loginMode but DISABLED.
        ...(spec.dashboardLoginUri === undefined
          ? { hideWeb: true, hideIos: true }
          : { hideWeb: false, hideIos: true, loginMode: Okta.loginMode.spec, loginUri: spec.dashboardLoginUri }),
        ...(args.authenticationPolicyId === undefined
          ? { skipAuthenticationPolicy: true }
          : { authenticationPolicy: args.authenticationPolicyId }),
        status: Okta.status.active,
      },
      { parent: this, protect: args.protect },
    );

    // One authoritative assignment per app: it owns the app's whole group
    // list, and a second one (or a hand-made assignment) would never converge.
    new okta.AppGroupAssignments(
      `${name}-groups`,
      { appId: app.id, groups: args.groupIds.map((id) => ({ id, profile: "{}" })) },
      { parent: this },
    );

    this.appId = app.id;
    this.clientId = app.clientId;
    // The engine marks clientSecret secret; the mock engine does not, so say it here.
    this.clientSecret = pulumi.secret(app.clientSecret);
    this.registerOutputs({ appId: this.appId, clientId: this.clientId });
  }
}
