/**
 * Okta's token shapes, signed with the server's RS256 key (header `alg`,
 * `kid`), and checks of tokens okta-local itself issued.
 *
 * Access token (Okta's former OIDC reference and its access-policy guide):
 * `ver` 1, `jti` "AT.…", `iss`, `aud` = the server's one audience as a
 * string, `iat`, `exp` (the rule's access-token lifetime), `cid`, `uid`,
 * `scp` (an array), `auth_time`, `sub`, then the server's RESOURCE claims.
 * ID token: `sub` = the user id, `aud` = the client_id, `ver`, `jti` "ID.…",
 * `amr`, `idp`, `auth_time`, `nonce`, `at_hash`, a fixed 60-minute lifetime,
 * then IDENTITY claims.
 */
import { createHash, randomBytes } from "node:crypto";
import { SignJWT, importJWK, jwtVerify, type CryptoKey, type JWTPayload } from "jose";
import type { OrgState, SigningKey } from "../store";
import { notEmulated } from "./errors";

/** The ID token's lifetime is fixed at 60 minutes (Okta's former OIDC reference). */
export const ID_TOKEN_LIFETIME_SECONDS = 3600;

/** Imported keys by `kid`: the kid is the key's RFC 7638 thumbprint, so one kid is one key. */
const importedKeys = new Map<string, { privateKey: CryptoKey; publicKey: CryptoKey }>();

function signingKeyOf(state: OrgState, serverId: string): SigningKey {
  const key = state.signingKeys[serverId];
  if (key === undefined) {
    // Every server gets a key when created; only a hand-edited state file lacks one.
    throw notEmulated(`an authorization server without a signing key ('${serverId}'; its state file lost it)`);
  }
  return key;
}

async function importedKey(key: SigningKey): Promise<{ privateKey: CryptoKey; publicKey: CryptoKey }> {
  const cached = importedKeys.get(key.kid);
  if (cached !== undefined) return cached;
  const privateKey = (await importJWK({ ...key.privateJwk, alg: "RS256" }, "RS256")) as CryptoKey;
  const publicKey = (await importJWK({ ...key.publicJwk, alg: "RS256" }, "RS256")) as CryptoKey;
  const entry = { privateKey, publicKey };
  importedKeys.set(key.kid, entry);
  return entry;
}

/** `/v1/keys`: `{"keys":[{"alg":"RS256","e","n","kid","kty":"RSA","use":"sig"}]}` (Okta's OAuth spec). */
export function jwksOf(state: OrgState, serverId: string): { keys: object[] } {
  const key = state.signingKeys[serverId];
  if (key === undefined) return { keys: [] };
  const { kty, n, e } = key.publicJwk;
  return { keys: [{ alg: "RS256", e, n, kid: key.kid, kty, use: "sig" }] };
}

/** Okta's token ids: a prefix and 22+ url-safe characters. */
export function tokenId(prefix: "AT." | "ID."): string {
  return prefix + randomBytes(24).toString("base64url");
}

/** An opaque value (refresh tokens, codes, the org server's access tokens). */
export function opaqueToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

export async function signJwt(state: OrgState, serverId: string, claims: JWTPayload): Promise<string> {
  const key = signingKeyOf(state, serverId);
  const { privateKey } = await importedKey(key);
  return new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: key.kid }).sign(privateKey);
}

/** OIDC Core 3.1.3.6: the left half of SHA-256 of the access token, base64url. */
export function atHash(accessToken: string): string {
  return createHash("sha256").update(accessToken, "ascii").digest().subarray(0, 16).toString("base64url");
}

/**
 * Verifies a JWT okta-local issued for this server: signature by its key,
 * `iss`, and (unless `allowExpired`) `exp`. Undefined when any check fails.
 */
export async function verifyOwnJwt(
  state: OrgState,
  serverId: string,
  issuer: string,
  token: string,
  options: { allowExpired?: boolean; now: number },
): Promise<JWTPayload | undefined> {
  const key = state.signingKeys[serverId];
  if (key === undefined) return undefined;
  try {
    const { publicKey } = await importedKey(key);
    const { payload } = await jwtVerify(token, publicKey, {
      issuer,
      algorithms: ["RS256"],
      currentDate: new Date(options.now * 1000),
      // An expired ID token is still a fine hint for logout (ASSUMPTION: Okta accepts it).
      clockTolerance: options.allowExpired === true ? Number.MAX_SAFE_INTEGER / 1000 : 0,
    });
    return payload;
  } catch {
    return undefined;
  }
}

/**
 * True for an access token issued with a refresh-token family that reuse
 * detection revoked ("Okta immediately invalidates … all access tokens issued
 * since the user authenticated", developer.okta.com refresh-tokens guide).
 * `key` is a JWT's `jti`, or the org server's opaque token itself.
 */
export function revokedByReuse(state: OrgState, key: unknown): boolean {
  if (typeof key !== "string") return false;
  const record = state.oauth.familyAccessTokens?.[key];
  return record !== undefined && state.oauth.revokedFamilies?.[record.familyId] !== undefined;
}
