/**
 * A started okta-local and a small client for its management API, for tests.
 */
import { createHash } from "node:crypto";
import { start, type StartOptions } from "../../tools/okta-local";

export type Json = Record<string, unknown> & { id?: string };

export interface Answer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export interface TestOrg {
  url: string;
  apiToken: string;
  org: Awaited<ReturnType<typeof start>>;
  call<T = Json>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer<T>>;
  close(): Promise<void>;
}

export async function startTestOrg(options: StartOptions = {}): Promise<TestOrg> {
  const org = await start({ quiet: true, ...options });
  const call = async <T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> => {
    const response = await fetch(`${org.url}${path}`, {
      method,
      headers: { authorization: `SSWS ${org.apiToken}`, accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T, headers: response.headers };
  };
  return { url: org.url, apiToken: org.apiToken, org, call, close: () => org.close() };
}

/** An Okta error body's shape, checked field by field. */
export function expectOktaError(body: unknown): { errorCode: string; errorSummary: string; errorCauses: { errorSummary: string }[] } {
  const error = body as { errorCode: string; errorSummary: string; errorLink: string; errorId: string; errorCauses: { errorSummary: string }[] };
  if (typeof error?.errorCode !== "string" || error.errorLink !== error.errorCode || !/^oae/.test(error.errorId) || !Array.isArray(error.errorCauses)) {
    throw new Error(`not an Okta error body: ${JSON.stringify(body)}`);
  }
  return error;
}

export const serverBody = (name: string, audience = `api://${name}`) => ({ name, description: `${name} server`, audiences: [audience], issuerMode: "ORG_URL" });

export const webAppBody = (label: string, extra: Record<string, unknown> = {}) => ({
  name: "oidc_client",
  label,
  signOnMode: "OPENID_CONNECT",
  credentials: { oauthClient: { token_endpoint_auth_method: "client_secret_basic", autoKeyRotation: true } },
  settings: {
    oauthClient: {
      application_type: "web",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      redirect_uris: ["https://ui.example.com/callback"],
      ...extra,
    },
  },
});

export const nativeAppBody = (label: string) => ({
  name: "oidc_client",
  label,
  signOnMode: "OPENID_CONNECT",
  credentials: { oauthClient: { token_endpoint_auth_method: "none", pkce_required: true } },
  settings: {
    oauthClient: {
      application_type: "native",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      redirect_uris: ["http://localhost:8765/callback"],
      refresh_token: { rotation_type: "ROTATE", leeway: 30 },
    },
  },
});

/**
 * An authorization-code request with PKCE for one of the org's apps at its
 * `default` server: what a client sends to reach the sign-in page.
 */
export function authorizeUrl(orgUrl: string, clientId: string, redirectUri: string): URL {
  const url = new URL(`${orgUrl}/oauth2/default/v1/authorize`);
  url.search = new URLSearchParams({
    client_id: clientId,
    response_type: "code",
    scope: "openid",
    redirect_uri: redirectUri,
    state: "state-1",
    code_challenge: createHash("sha256").update("a-code-verifier-of-the-test").digest("base64url"),
    code_challenge_method: "S256",
  }).toString();
  return url;
}
