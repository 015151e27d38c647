/**
 * A real OIDC issuer for the verifier's tests: an HTTP server on 127.0.0.1
 * serving Okta's paths (discovery and /v1/keys under /oauth2/default, and the
 * org server's discovery at the root) with real RSA keys, and a signer that
 * mints Okta-shaped access tokens with them.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK, type JWTPayload } from "jose";
import { OIDC_DISCOVERY_PATH, OKTA_JWKS_PATH, REQUIRED_SCOPE } from "../../components/facts";
import { DEFAULT_AUDIENCES, REGISTRY_PROVIDER_NAME } from "../../components/platform";

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

export async function createSigningKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
  return { kid, privateKey, publicKey, publicJwk };
}

export interface FakeIssuer {
  /** `http://127.0.0.1:<port>`: also the org authorization server's issuer. */
  origin: string;
  /** The custom (`default`) authorization server's issuer. */
  issuer: string;
  jwksUri: string;
  /** Requests served so far, by path kind. */
  requests: { discovery: number; jwks: number; orgDiscovery: number };
  /** Replaces the published key set (key rotation). */
  publish(keys: SigningKey[]): void;
  /** Makes the key set answer this HTTP status (503, 404...) or this raw body. */
  breakJwks(answer: { status: number } | { body: string }): void;
  close(): Promise<void>;
}

export async function startFakeIssuer(keys: SigningKey[]): Promise<FakeIssuer> {
  let published = keys;
  let broken: { status: number } | { body: string } | undefined;
  const requests = { discovery: 0, jwks: 0, orgDiscovery: 0 };
  let origin = "";
  const issuerPath = "/oauth2/default";

  const server: Server = createServer((request, response) => {
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    const issuer = origin + issuerPath;
    switch (request.url) {
      case issuerPath + OIDC_DISCOVERY_PATH:
        requests.discovery += 1;
        return json(200, {
          issuer,
          authorization_endpoint: `${issuer}/v1/authorize`,
          token_endpoint: `${issuer}/v1/token`,
          jwks_uri: issuer + OKTA_JWKS_PATH,
        });
      case issuerPath + OKTA_JWKS_PATH:
        requests.jwks += 1;
        if (broken !== undefined) {
          if ("status" in broken) return json(broken.status, { errorCode: "E0000000" });
          response.writeHead(200, { "content-type": "application/json" });
          return response.end(broken.body);
        }
        return json(200, { keys: published.map((k) => k.publicJwk) });
      case OIDC_DISCOVERY_PATH:
        requests.orgDiscovery += 1;
        return json(200, { issuer: origin, jwks_uri: `${origin}/oauth2${OKTA_JWKS_PATH}` });
      default:
        return json(404, { errorCode: "E0000022", errorSummary: "The endpoint does not support the provided HTTP method" });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    issuer: origin + issuerPath,
    jwksUri: origin + issuerPath + OKTA_JWKS_PATH,
    requests,
    publish(next) {
      published = next;
      broken = undefined;
    },
    breakJwks(answer) {
      broken = answer;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A port that nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * The payload of an access token as Okta's `default` server issues it to the
 * Stacklok CLI (https://developer.okta.com/docs/api/openapi/okta-oauth/guides/overview/#access-token-payload:
 * `ver`, `jti`, `iss`, `aud`, `iat`, `exp`, `cid`, `uid`, `scp`, `sub`), with the groups and roles claims.
 * `undefined` in the overrides removes a claim.
 */
export function accessTokenClaims(issuer: string, overrides: Record<string, unknown> = {}): JWTPayload {
  const now = nowSeconds();
  const claims: Record<string, unknown> = {
    ver: 1,
    jti: `AT.${Math.random().toString(36).slice(2)}`,
    iss: issuer,
    aud: DEFAULT_AUDIENCES.enterpriseManager,
    iat: now,
    exp: now + 3600,
    cid: "0oa1clinative",
    uid: "00u1alice",
    sub: "alice@example.com",
    scp: ["openid", "profile", REQUIRED_SCOPE],
    auth_time: now - 5,
    groups: ["Everyone", "stacklok-admins"],
    roles: ["admin"],
  };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete claims[name];
    else claims[name] = value;
  }
  return claims;
}

export function sign(key: SigningKey, claims: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: key.kid, ...header }).sign(key.privateKey);
}

/** The stack outputs for a single-mode stack on the fake issuer, as `pulumi stack output --json --show-secrets` prints them (chart values left out). */
export function stackOutputs(fake: FakeIssuer, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    mode: "single",
    enterpriseManager: {
      issuer: fake.issuer,
      audience: DEFAULT_AUDIENCES.enterpriseManager,
      requiredScope: REQUIRED_SCOPE,
      jwksUri: fake.jwksUri,
      clientId: "0oa1clinative",
    },
    cloudUi: {
      issuer: fake.issuer,
      audience: DEFAULT_AUDIENCES.cloudUi,
      jwksUri: fake.jwksUri,
      clientId: "0oa2cloudui",
      clientSecret: "cloud-ui-client-secret-do-not-print",
    },
    registryServer: {
      providers: [
        { name: REGISTRY_PROVIDER_NAME.cliDesktop, issuerUrl: fake.issuer, audience: DEFAULT_AUDIENCES.enterpriseManager },
        { name: REGISTRY_PROVIDER_NAME.cloudUi, issuerUrl: fake.issuer, audience: DEFAULT_AUDIENCES.cloudUi },
      ],
    },
    ...overrides,
  };
}

/**
 * The same outputs as `pulumi stack output --json` prints them, without
 * --show-secrets: the outputs the stack exports as secrets (cloudUi,
 * chartValues, chartValuesYaml) are whole-value secrets and print as "[secret]".
 */
export function printedStackOutputs(fake: FakeIssuer, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return stackOutputs(fake, { cloudUi: "[secret]", chartValues: "[secret]", chartValuesYaml: "[secret]", ...overrides });
}
