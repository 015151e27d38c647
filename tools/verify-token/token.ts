/**
 * What the token is before any key is involved: a JWT at all, its header,
 * its claims. Decoding is jose's; nothing here touches base64 itself.
 */
import { decodeJwt, decodeProtectedHeader, type JWTPayload, type ProtectedHeaderParameters } from "jose";
import { ReasonCode, finding, type Finding } from "./findings";
import { errorText } from "./key-source";

/**
 * The JWS algorithms a component can verify with an issuer's published public
 * keys. Okta signs with RS256; the other asymmetric ones are listed so that a
 * non-Okta issuer is judged on its claims. `none` and HS* are absent on
 * purpose: with HS256 a forger signs with the public key as the HMAC secret.
 */
export const ALLOWED_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519",
] as const;

const ALLOWED = new Set<string>(ALLOWED_ALGORITHMS);

/**
 * Longer than any access token a component would see: Okta caps the groups
 * claim at 100 groups, and proxies in front of the components refuse headers
 * far smaller than this.
 */
export const MAX_TOKEN_LENGTH = 64 * 1024;

/** Shortest string worth calling an opaque token rather than noise. */
const MIN_OPAQUE_LENGTH = 16;

/** RFC 6750's b64token: what an opaque bearer token is made of. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

export type TokenFormat = "jwt" | "opaque" | "encrypted" | "malformed" | "empty";

export interface ParsedToken {
  format: TokenFormat;
  /** The compact JWT, whitespace and a `Bearer ` prefix removed. Set when format is `jwt`. */
  compact?: string;
  header?: ProtectedHeaderParameters;
  claims?: JWTPayload;
  /** Whether the header names an algorithm the components accept; signatures are checked only then. */
  algorithmAllowed: boolean;
  /** Findings that hold for every component: the token's shape and algorithm. */
  findings: Finding[];
}

export function parseToken(input: string): ParsedToken {
  // Operators paste from terminals and HTTP logs: line wraps, spaces, and
  // the Authorization header's `Bearer ` are not part of the token.
  const token = input.replace(/^\s*bearer\s+/i, "").replace(/\s+/g, "");
  if (token.length === 0) {
    return notJwt("empty", "no token was given (the input is empty or only whitespace)");
  }
  if (token.length > MAX_TOKEN_LENGTH) {
    return notJwt(
      "malformed",
      `the input is ${token.length} characters long, more than any access token (limit ${MAX_TOKEN_LENGTH})`,
    );
  }
  const parts = token.split(".").length;
  if (parts === 5) {
    return notJwt("encrypted", "the token is an encrypted JWT (JWE, five parts); the components need a signed JWT");
  }
  if (parts === 1) {
    if (token.length >= MIN_OPAQUE_LENGTH && B64TOKEN.test(token)) {
      return {
        format: "opaque",
        algorithmAllowed: false,
        findings: [
          finding(
            ReasonCode.opaqueToken,
            `the token is an opaque string of ${token.length} characters, not a JWT; Okta's org authorization ` +
              "server (issuer https://<org>, no /oauth2/<id>) issues tokens meant for introspection only, " +
              "and the components validate JWTs locally",
          ),
        ],
      };
    }
    return notJwt("malformed", `the input is not a token: ${describeShape(token)}`);
  }
  if (parts !== 3) {
    return notJwt("malformed", `a JWT has three dot-separated parts; this input has ${parts}`);
  }

  let header: ProtectedHeaderParameters;
  let claims: JWTPayload;
  try {
    header = decodeProtectedHeader(token);
  } catch (error) {
    return notJwt("malformed", `the first part is not a JWT header (base64url-encoded JSON): ${errorText(error)}`);
  }
  try {
    claims = decodeJwt(token);
  } catch (error) {
    return notJwt("malformed", `the second part is not a JWT claims set: ${errorText(error)}`);
  }

  const findings: Finding[] = [];
  const alg = header.alg;
  const algorithmAllowed = typeof alg === "string" && ALLOWED.has(alg);
  if (!algorithmAllowed) findings.push(algorithmFinding(alg));
  return { format: "jwt", compact: token, header, claims, algorithmAllowed, findings };
}

function algorithmFinding(alg: unknown): Finding {
  if (typeof alg !== "string" || alg.length === 0) {
    return finding(ReasonCode.algNotAllowed, "the token header names no signature algorithm (alg)");
  }
  if (alg.toLowerCase() === "none") {
    return finding(
      ReasonCode.algNotAllowed,
      'alg is "none": the token is unsigned, so anyone could have written it',
    );
  }
  if (/^HS\d+$/i.test(alg)) {
    return finding(
      ReasonCode.algNotAllowed,
      `alg is "${alg}", an HMAC with a shared secret; components verify with the issuer's public keys, ` +
        "and an HMAC token keyed with a public key is a known forgery (algorithm confusion)",
    );
  }
  return finding(
    ReasonCode.algNotAllowed,
    `alg is ${JSON.stringify(alg)}; accepted are the asymmetric algorithms ${ALLOWED_ALGORITHMS.join(", ")}`,
  );
}

function notJwt(format: TokenFormat, message: string): ParsedToken {
  return { format, algorithmAllowed: false, findings: [finding(ReasonCode.notJwt, message)] };
}

function describeShape(token: string): string {
  if (token.length < MIN_OPAQUE_LENGTH) return `${token.length} characters, too short to be a token`;
  return `${token.length} characters including some that never appear in a bearer token`;
}

/**
 * True for an Okta org authorization server issuer: `https://<org>` with no
 * `/oauth2/<id>` path. Its access tokens are not for your own APIs.
 */
export function isOrgServerIssuer(issuer: string): boolean {
  if (!URL.canParse(issuer)) return false;
  const url = new URL(issuer);
  return (url.protocol === "https:" || url.protocol === "http:") && (url.pathname === "/" || url.pathname === "");
}
