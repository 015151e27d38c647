/**
 * The two sign-ins Stacklok's clients perform, on openid-client (a certified
 * OpenID relying party):
 *
 * - the CLI and Desktop (`thv`, toolhive `pkg/auth/oauth/flow.go`): a public
 *   native app, authorization code with PKCE S256 (RFC 7636) on a loopback
 *   redirect (RFC 8252 section 7.3), no client secret, scopes
 *   `openid offline_access toolhive:config:read`. thv also sends the
 *   audience as an RFC 8707 `resource` parameter; Okta's custom servers put
 *   their one audience in `aud` whatever is asked (Okta support, "Does Okta
 *   Support the 'Resource' Parameter"), so it is left out here;
 * - the Cloud UI (toolhive-cloud-ui `src/lib/auth/auth.ts`, Better Auth's
 *   generic OAuth plugin): a confidential web app with PKCE on, its client
 *   secret at the token endpoint (`client_secret_basic` or
 *   `client_secret_post`, as the app is registered), scopes
 *   `openid email profile offline_access`, no audience parameter.
 *
 * How the browser part happens is the caller's: a `UserAgent` gets the
 * authorize URL and returns the URL the authorization server redirected to.
 * `startSignIn` is the half before the browser, for a caller that only
 * opens the sign-in page.
 */
import * as oidc from "openid-client";
import { CLIENT_SCOPE_REQUESTS } from "../../components/platform";
import { cloudUiRedirectUri, type SignInOutputs } from "./outputs";

export const APPS = ["cli", "cloud-ui"] as const;
export type AppName = (typeof APPS)[number];

export const APP_TITLE: Record<AppName, string> = { cli: "CLI/Desktop", "cloud-ui": "Cloud UI" };

/** Given the authorize URL, returns the URL the browser was redirected to (with `code` or `error`). */
export type UserAgent = (authorizeUrl: URL, redirectUri: string) => Promise<URL>;

export type TokenEndpointAuthMethod = "client_secret_basic" | "client_secret_post";

export interface SignInRequest extends AuthorizationRequest {
  userAgent: UserAgent;
}

/** What a sign-in asks the authorization server for, before any browser is involved. */
export interface AuthorizationRequest {
  app: AppName;
  outputs: SignInOutputs;
  /** CLI only: the loopback redirect URI registered on the native app. */
  redirectUri?: string;
  /** Cloud UI only: how its app authenticates at the token endpoint. */
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
  /**
   * Another authorization server than the app's platform one: an MCP
   * server's own issuer, which ToolHive reads from the MCP server's RFC 9728
   * metadata (toolhive `pkg/auth/remote/handler.go`).
   */
  issuer?: string;
  /** Scopes other than the app's usual request (an MCP server's `scopes_supported` plus `offline_access`). */
  scopes?: readonly string[];
}

export interface SignInResult {
  app: AppName;
  issuer: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  accessToken: string;
  idToken?: string;
  refreshToken?: string;
  /** The `scope` the token endpoint granted. */
  grantedScope?: string;
}

/** The authorization server refused the sign-in: Okta's `error` and `error_description`. */
export class SignInRefused extends Error {
  override readonly name = "SignInRefused";
  constructor(
    readonly app: AppName,
    readonly error: string,
    readonly description: string,
  ) {
    super(`${APP_TITLE[app]} sign-in refused: ${error}: ${description}`);
  }
}

/** Loopback http issuers are okta-local's; anything else must be https (openid-client refuses http otherwise). */
export function isLoopbackHttp(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(parsed.hostname);
  } catch {
    return false;
  }
}

/** A sign-in between its two halves: the URL to open, and what to do with the redirect the browser brings back. */
export interface StartedSignIn {
  authorizeUrl: URL;
  redirectUri: string;
  /** Exchanges the redirect's code for tokens (or throws `SignInRefused` with the redirect's or the token endpoint's error). */
  finish(callback: URL): Promise<SignInResult>;
}

export async function signIn(request: SignInRequest): Promise<SignInResult> {
  const started = await startSignIn(request);
  return started.finish(await request.userAgent(started.authorizeUrl, started.redirectUri));
}

/** The first half of a sign-in: discovery and the authorize URL, with its state, nonce and PKCE verifier kept for `finish`. */
export async function startSignIn(request: AuthorizationRequest): Promise<StartedSignIn> {
  const { app, outputs } = request;
  const issuer = request.issuer ?? (app === "cli" ? outputs.enterpriseManager.issuer : outputs.cloudUi.issuer);
  const clientId = app === "cli" ? outputs.enterpriseManager.clientId : outputs.cloudUi.clientId;
  const redirectUri = app === "cli" ? (request.redirectUri ?? "") : cloudUiRedirectUri(outputs);
  if (redirectUri === "") throw new Error("the CLI sign-in needs the app's loopback redirect URI");
  const scopes = [...(request.scopes ?? (app === "cli" ? CLIENT_SCOPE_REQUESTS.cli : CLIENT_SCOPE_REQUESTS.cloudUi))];

  const clientAuth =
    app === "cli"
      ? oidc.None()
      : (request.tokenEndpointAuthMethod ?? "client_secret_basic") === "client_secret_post"
        ? oidc.ClientSecretPost(outputs.cloudUi.clientSecret)
        : oidc.ClientSecretBasic(outputs.cloudUi.clientSecret);
  const config = await oidc.discovery(
    new URL(issuer),
    clientId,
    { redirect_uris: [redirectUri] },
    clientAuth,
    isLoopbackHttp(issuer) ? { execute: [oidc.allowInsecureRequests] } : undefined,
  );

  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const parameters: Record<string, string> = { redirect_uri: redirectUri, scope: scopes.join(" "), state, nonce };
  const codeVerifier = oidc.randomPKCECodeVerifier();
  parameters["code_challenge"] = await oidc.calculatePKCECodeChallenge(codeVerifier);
  parameters["code_challenge_method"] = "S256";
  const authorizeUrl = oidc.buildAuthorizationUrl(config, parameters);
  const finish = async (callback: URL): Promise<SignInResult> => {
    let tokens;
    try {
      tokens = await oidc.authorizationCodeGrant(config, callback, {
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
        pkceCodeVerifier: codeVerifier,
      });
    } catch (error) {
      if (error instanceof oidc.AuthorizationResponseError || error instanceof oidc.ResponseBodyError) {
        throw new SignInRefused(app, error.error, error.error_description ?? "");
      }
      throw error;
    }
    const result: SignInResult = { app, issuer, clientId, redirectUri, scopes, accessToken: tokens.access_token };
    if (tokens.id_token !== undefined) result.idToken = tokens.id_token;
    if (tokens.refresh_token !== undefined) result.refreshToken = tokens.refresh_token;
    if (tokens.scope !== undefined) result.grantedScope = tokens.scope;
    return result;
  };
  return { authorizeUrl, redirectUri, finish };
}
