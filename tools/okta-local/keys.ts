/**
 * Signing keys: RS256 (the only algorithm Okta's authorization servers
 * publish in `/v1/keys`), kid = the RFC 7638 JWK thumbprint.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from "jose";
import type { SigningKey } from "./store";

export async function createSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateJwk = await exportJWK(privateKey);
  return {
    kid,
    privateJwk: { ...privateJwk, kid, alg: "RS256", use: "sig" },
    publicJwk: { ...publicJwk, kid, alg: "RS256", use: "sig" },
  };
}
