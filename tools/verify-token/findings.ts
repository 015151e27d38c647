/**
 * What the verifier can say about a token. Codes are stable: scripts read them
 * from `--json`, and docs/verify-token.md has one row per code (a test keeps
 * the two in step).
 */

export const ReasonCode = {
  notJwt: "not_jwt",
  opaqueToken: "opaque_token",
  orgServerIssuer: "org_server_issuer",
  algNotAllowed: "alg_not_allowed",
  badSignature: "bad_signature",
  unknownKid: "unknown_kid",
  jwksUnreachable: "jwks_unreachable",
  jwksInvalid: "jwks_invalid",
  discoveryFailed: "discovery_failed",
  issuerMismatch: "issuer_mismatch",
  audienceMismatch: "audience_mismatch",
  audiencePrefixHint: "audience_prefix_hint",
  audienceMultiple: "audience_multiple",
  looksLikeIdToken: "looks_like_id_token",
  scopeMissing: "scope_missing",
  expired: "expired",
  notYetValid: "not_yet_valid",
  claimMissing: "claim_missing",
  claimEmpty: "claim_empty",
  claimInvalid: "claim_invalid",
  expectationMissing: "expectation_missing",
} as const;

export type ReasonCode = (typeof ReasonCode)[keyof typeof ReasonCode];

/**
 * `error`: the component rejects the token (401). `warning`: the component
 * accepts it, but something downstream will fail (e.g. role-bound access).
 * `hint`: explains a nearby error; never decides a verdict on its own.
 */
export type Severity = "error" | "warning" | "hint";

export interface Finding {
  code: ReasonCode;
  severity: Severity;
  /** What is wrong with this token, with the values involved. */
  message: string;
  /** What to change, in Okta or in the stack config, so it stops happening. */
  fix: string;
  /** The claim the finding is about, when there is one. */
  claim?: string;
}

/** The fix for each code when the caller has nothing more specific to say. */
export const DEFAULT_FIX: Record<ReasonCode, string> = {
  not_jwt:
    "Pass the access token itself (three base64url parts separated by dots, starting with eyJ). " +
    "If your client only ever gets a short random string, it is talking to Okta's org authorization " +
    "server: use the custom server's issuer https://<org>/oauth2/<id> (default included).",
  opaque_token:
    "Okta's org authorization server (issuer https://<org>, no /oauth2/...) issues access tokens that " +
    "are not for your own APIs, and Stacklok validates JWTs locally without introspection. Point the " +
    "client and the components at a custom authorization server, https://<org>/oauth2/<id> " +
    "(stack outputs enterpriseManager.issuer / cloudUi.issuer).",
  org_server_issuer:
    "Use the custom authorization server's issuer https://<org>/oauth2/<id> (stack outputs " +
    "enterpriseManager.issuer, cloudUi.issuer) in the client and in every chart; the org server's " +
    "access tokens cannot be validated by your own APIs.",
  alg_not_allowed:
    "Only asymmetric signatures verified against the issuer's published keys are acceptable. A token " +
    "with alg none or HS* was not issued by Okta's authorization server: find out who minted it.",
  bad_signature:
    "The token was altered, or signed by a key of another issuer. Take a fresh token from the " +
    "issuer the component trusts; do not edit tokens by hand.",
  unknown_kid:
    "The token was signed with a key the issuer does not publish: it comes from another authorization " +
    "server (per-component mode: another component's server), another Okta org, or a key that was " +
    "rotated out. Get a token from the issuer the component is configured with.",
  jwks_unreachable:
    "Check the issuer URL and the network path to it (proxy, DNS, firewall). The components fetch the " +
    "same URL, so while it is unreachable they reject every token.",
  jwks_invalid:
    "The key set URL answered something that is not a JSON Web Key Set of public keys: check that " +
    "jwksUri / --jwks-uri points at <issuer>/v1/keys.",
  discovery_failed:
    "Check the issuer: <issuer>/.well-known/openid-configuration must answer with a discovery document " +
    "that has a jwks_uri. A 404 usually means a wrong authorization server id in /oauth2/<id>.",
  issuer_mismatch:
    "Make the client get its token from the issuer the component is configured with (stack output " +
    "<component>.issuer), or fix the component's issuer in its chart values. In per-component mode a " +
    "token minted for one component is meant to be rejected by the others.",
  audience_mismatch:
    "The audience the authorization server put in the token must equal the component's audience " +
    "exactly: stack config stacklok-identity:audiences.* and the component's chart value.",
  audience_prefix_hint:
    "Use the same exact string on the authorization server (stacklok-identity:audiences.*) and in the " +
    "component's chart; Okta's default server ships with api://default, which is a different audience.",
  audience_multiple:
    "Give each component tokens only it accepts: per-component mode (stack config stacklok-identity:mode " +
    "per-component) gives the Enterprise Manager and the Cloud UI one authorization server each, with one " +
    "issuer and one audience. An Okta authorization server has exactly one audience and sends it as a " +
    "string, so a token with several did not come from a server this program set up: check its iss.",
  looks_like_id_token:
    "Send the access token, not the ID token: the ID token's aud is the client ID and it has no scp.",
  scope_missing:
    "The client must request the scope (scope=openid toolhive:config:read on its authorize request), " +
    "the scope must exist on the authorization server, and the access policy rule must allow it for " +
    "this client; then sign in again to get a new token.",
  expired:
    "Sign in again or refresh the token. If fresh tokens already look expired, check the clocks of " +
    "this machine and of the component (NTP).",
  not_yet_valid:
    "The token's validity starts in the future: the clock of this machine (or of the component) is " +
    "behind. Fix the clock (NTP); raise --clock-skew only to confirm the diagnosis.",
  claim_missing:
    "Add the claim on the authorization server (Claims tab, token type Access Token, included in any " +
    "scope) and make sure the user has a value: Okta leaves out claims whose value is null.",
  claim_empty:
    "The claim is present but empty: give the user the groups or roles the claim selects (group " +
    "membership, or the roles profile attribute).",
  claim_invalid:
    "The claim has the wrong type for what the component reads: fix its value type or expression on " +
    "the authorization server's Claims tab.",
  expectation_missing:
    "Give the expected values: run `pulumi stack output --json > outputs.json` (no --show-secrets needed) " +
    "and pass --outputs outputs.json, or pass --issuer (and --audience) on the command line.",
};

export function finding(
  code: ReasonCode,
  message: string,
  extra: { severity?: Severity; fix?: string; claim?: string } = {},
): Finding {
  const result: Finding = {
    code,
    severity: extra.severity ?? "error",
    message,
    fix: extra.fix ?? DEFAULT_FIX[code],
  };
  if (extra.claim !== undefined) result.claim = extra.claim;
  return result;
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === "error");
}
