/**
 * The claim checks each component makes (issuer, audience, expiry, scope,
 * authorization claims), as pure
 * functions of the decoded claims. Each returns every finding, not the first.
 */
import type { JWTPayload } from "jose";
import { ReasonCode, finding, type Finding } from "./findings";
import { isOrgServerIssuer } from "./token";

export function checkIssuer(iss: unknown, expected: string, fixForComponent: string): Finding[] {
  const findings: Finding[] = [];
  if (isOrgServerIssuer(expected)) {
    findings.push(
      finding(
        ReasonCode.orgServerIssuer,
        `the expected issuer ${expected} is an org authorization server (no /oauth2/<id>): ` +
          "its access tokens cannot be validated by the components",
      ),
    );
  }
  if (iss === undefined) {
    findings.push(finding(ReasonCode.claimMissing, "the token has no iss claim", { claim: "iss" }));
    return findings;
  }
  if (typeof iss !== "string") {
    findings.push(finding(ReasonCode.claimInvalid, `iss is ${typeName(iss)}, not a string`, { claim: "iss" }));
    return findings;
  }
  if (iss === expected) return findings;

  findings.push(
    finding(ReasonCode.issuerMismatch, `iss is "${iss}"; expected "${expected}"${issuerDifference(iss, expected)}`, {
      claim: "iss",
      fix: fixForComponent,
    }),
  );
  if (isOrgServerIssuer(iss) && !isOrgServerIssuer(expected)) {
    findings.push(
      finding(
        ReasonCode.orgServerIssuer,
        `the token comes from the org authorization server ${iss} (no /oauth2/<id>); its access tokens ` +
          "are for Okta's own APIs, not yours",
        { claim: "iss" },
      ),
    );
  }
  return findings;
}

function issuerDifference(actual: string, expected: string): string {
  const trim = (s: string) => s.replace(/\/+$/, "");
  if (trim(actual) === trim(expected)) return " (they differ only by a trailing slash, and issuers compare exactly)";
  const server = (s: string) => /\/oauth2\/([^/]+)\/?$/.exec(s)?.[1];
  const actualServer = server(actual);
  const expectedServer = server(expected);
  if (actualServer !== undefined && expectedServer !== undefined && actualServer !== expectedServer) {
    return ` (another authorization server: "${actualServer}" instead of "${expectedServer}")`;
  }
  return "";
}

export interface AcceptedAudience {
  audience: string;
  /** The Registry Server provider that accepts it. */
  provider?: string;
}

export interface AudienceResult {
  findings: Finding[];
  matched?: AcceptedAudience;
}

/** Who the audience check is for, and who else accepts which audience. */
export interface AudienceContext {
  /** "the Enterprise Manager" */
  component: string;
  /** The issuer this component trusts, which the token must carry to be accepted. */
  issuer: string;
  /** Other components' issuer/audience pairs. */
  others: readonly { title: string; issuer: string; audience: string }[];
  fix: string;
}

export function checkAudience(
  aud: unknown,
  accepted: readonly AcceptedAudience[],
  claims: JWTPayload,
  context: AudienceContext,
): AudienceResult {
  if (aud === undefined) {
    return { findings: [finding(ReasonCode.claimMissing, "the token has no aud claim", { claim: "aud" })] };
  }
  const values = audienceValues(aud);
  if (values === undefined) {
    return {
      findings: [
        finding(ReasonCode.claimInvalid, `aud is ${typeName(aud)}; expected a string or an array of strings`, {
          claim: "aud",
        }),
      ],
    };
  }
  if (values.length === 0) {
    return { findings: [finding(ReasonCode.claimInvalid, "aud is an empty array", { claim: "aud" })] };
  }
  // Either shape is accepted (RFC 7519 section 4.1.3: `aud` is a string or an
  // array): Okta sends a string, some providers an array; the component
  // accepts an array that holds its audience.
  const matched = accepted.find((a) => values.includes(a.audience));
  if (matched !== undefined) return { findings: multipleAudienceFindings(values, matched.audience, context), matched };

  const expectedText =
    accepted.length === 1 ? `"${accepted[0]?.audience}"` : `one of ${accepted.map((a) => `"${a.audience}"`).join(", ")}`;
  const findings = [
    finding(ReasonCode.audienceMismatch, `aud is ${JSON.stringify(aud)}; expected ${expectedText}`, {
      claim: "aud",
      fix: context.fix,
    }),
  ];
  for (const value of values) {
    for (const { audience } of accepted) {
      const difference = audienceNearMiss(value, audience);
      if (difference !== undefined) {
        findings.push(
          finding(
            ReasonCode.audiencePrefixHint,
            `aud ${JSON.stringify(value)} differs from the expected ${JSON.stringify(audience)} only by ${difference}`,
            { severity: "hint", claim: "aud" },
          ),
        );
      }
    }
  }
  if (looksLikeIdToken(claims)) {
    findings.push(
      finding(
        ReasonCode.looksLikeIdToken,
        "this looks like an ID token (no scp or cid, and it has ID-token claims such as nonce, at_hash or amr), " +
          "whose aud is the client ID",
        { severity: "hint" },
      ),
    );
  }
  return { findings };
}

/**
 * An accepted token whose `aud` holds other audiences too: every component
 * that accepts one of them from the same issuer accepts the same token, so a
 * token minted for (or leaked from) one component works at the others. An
 * Okta authorization server carries exactly one audience ("Okta currently
 * supports only one audience") and sends it as a string, so such a token comes
 * from some other issuer or tool.
 */
function multipleAudienceFindings(values: readonly string[], matched: string, context: AudienceContext): Finding[] {
  const extra = [...new Set(values)].filter((value) => value !== matched);
  if (extra.length === 0) return [];
  const alsoAcceptedBy = extra.map((value) => {
    const titles = [
      ...new Set(context.others.filter((o) => o.audience === value && o.issuer === context.issuer).map((o) => o.title)),
    ];
    return titles.length > 0
      ? `${titles.join(" and ")} (audience ${JSON.stringify(value)})`
      : `any other API that accepts ${JSON.stringify(value)} from this issuer`;
  });
  return [
    finding(
      ReasonCode.audienceMultiple,
      `aud holds ${values.length} values, ${JSON.stringify(values)}: ${context.component} accepts it for ` +
        `${JSON.stringify(matched)}, and so would ${alsoAcceptedBy.join(", and ")}. A token minted for one ` +
        "component is then accepted by the others: per-component isolation is lost",
      { severity: "warning", claim: "aud" },
    ),
  ];
}

function audienceValues(aud: unknown): string[] | undefined {
  if (typeof aud === "string") return [aud];
  if (Array.isArray(aud) && aud.every((v): v is string => typeof v === "string")) return aud;
  return undefined;
}

const SCHEME_PREFIX = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * How two audiences that compare unequal are still "the same" to a human
 * (the runbook's `api://` trap, stray whitespace from a copy and paste,
 * a trailing slash, letter case); undefined when they are really different.
 */
export function audienceNearMiss(actual: string, expected: string): string | undefined {
  if (actual === expected) return undefined;
  const strip = (s: string) => s.trim().replace(SCHEME_PREFIX, "").replace(/\/+$/, "");
  if (strip(actual).toLowerCase() !== strip(expected).toLowerCase()) return undefined;

  const differences: string[] = [];
  if (actual !== actual.trim() || expected !== expected.trim()) differences.push("whitespace");
  const actualPrefix = SCHEME_PREFIX.exec(actual.trim())?.[0] ?? "";
  const expectedPrefix = SCHEME_PREFIX.exec(expected.trim())?.[0] ?? "";
  if (actualPrefix !== expectedPrefix) {
    differences.push(`the prefix ${JSON.stringify(actualPrefix || expectedPrefix)}`);
  }
  const slash = (s: string) => /\/$/.test(s.trim());
  if (slash(actual) !== slash(expected)) differences.push("a trailing slash");
  if (strip(actual) !== strip(expected)) differences.push("letter case");
  return differences.join(" and ");
}

function looksLikeIdToken(claims: JWTPayload): boolean {
  return (
    claims.scp === undefined &&
    claims.cid === undefined &&
    (claims.nonce !== undefined || claims.at_hash !== undefined || claims.amr !== undefined)
  );
}

export function checkLifetime(claims: JWTPayload, nowSeconds: number, skewSeconds: number): Finding[] {
  const findings: Finding[] = [];
  const { exp, nbf } = claims;
  if (exp === undefined) {
    // Okta always sets exp; a token without one would never expire.
    findings.push(finding(ReasonCode.claimMissing, "the token has no exp claim", { claim: "exp" }));
  } else if (!isTimestamp(exp)) {
    findings.push(finding(ReasonCode.claimInvalid, `exp is ${typeName(exp)}; expected seconds since 1970`, { claim: "exp" }));
  } else if (nowSeconds - skewSeconds >= exp) {
    findings.push(
      finding(
        ReasonCode.expired,
        `the token expired at ${isoTime(exp)}, ${duration(nowSeconds - exp)} ago (clock skew allowed: ${skewSeconds} s)`,
        { claim: "exp" },
      ),
    );
  }
  if (nbf !== undefined) {
    if (!isTimestamp(nbf)) {
      findings.push(finding(ReasonCode.claimInvalid, `nbf is ${typeName(nbf)}; expected seconds since 1970`, { claim: "nbf" }));
    } else if (nbf > nowSeconds + skewSeconds) {
      findings.push(
        finding(
          ReasonCode.notYetValid,
          `the token is valid only from ${isoTime(nbf)}, ${duration(nbf - nowSeconds)} from now ` +
            `(clock skew allowed: ${skewSeconds} s)`,
          { claim: "nbf" },
        ),
      );
    }
  }
  return findings;
}

export function checkScope(scp: unknown, requiredScope: string): Finding[] {
  if (scp === undefined) {
    return [
      finding(
        ReasonCode.scopeMissing,
        `the token has no scp claim, so not ${requiredScope}: the client did not request it, or no access ` +
          "policy rule granted it",
        { claim: "scp" },
      ),
    ];
  }
  // Okta sends an array; a space-separated string is the OAuth `scope` form.
  const scopes =
    typeof scp === "string"
      ? scp.split(" ").filter((s) => s.length > 0)
      : Array.isArray(scp) && scp.every((s): s is string => typeof s === "string")
        ? scp
        : undefined;
  if (scopes === undefined) {
    return [finding(ReasonCode.claimInvalid, `scp is ${typeName(scp)}; expected an array of scope names`, { claim: "scp" })];
  }
  if (scopes.includes(requiredScope)) return [];
  return [
    finding(
      ReasonCode.scopeMissing,
      `scp is ${JSON.stringify(scopes)}; it lacks ${requiredScope}, which the Enterprise Manager requires`,
      { claim: "scp" },
    ),
  ];
}

/**
 * Claims a component authorizes on. They do not decide whether the token is
 * accepted (the Registry Server authenticates without them), so their
 * absence is a warning: the user gets in, and is denied every role-bound entry.
 */
export function checkAuthorizationClaims(claims: JWTPayload, names: readonly string[], component: string): Finding[] {
  const findings: Finding[] = [];
  for (const name of names) {
    const value = claims[name];
    const consequence = `${component} authorizes on it, so access bound to this claim's values will be denied`;
    if (value === undefined) {
      findings.push(
        finding(ReasonCode.claimMissing, `the token has no ${name} claim; ${consequence}`, {
          severity: "warning",
          claim: name,
        }),
      );
    } else if (typeof value === "string") {
      if (value.length === 0) {
        findings.push(
          finding(ReasonCode.claimEmpty, `${name} is an empty string; ${consequence}`, { severity: "warning", claim: name }),
        );
      }
    } else if (Array.isArray(value) && value.every((v) => typeof v === "string")) {
      if (value.length === 0) {
        findings.push(
          finding(ReasonCode.claimEmpty, `${name} is an empty array; ${consequence}`, { severity: "warning", claim: name }),
        );
      }
    } else {
      findings.push(
        finding(ReasonCode.claimInvalid, `${name} is ${typeName(value)}; expected an array of strings`, {
          severity: "warning",
          claim: name,
        }),
      );
    }
  }
  return findings;
}

function isTimestamp(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/** Dates beyond what Date can show still get a readable answer. */
export function isoTime(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? `${seconds} s since 1970` : date.toISOString();
}

export function duration(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  if (s < 120) return `${s} s`;
  if (s < 2 * 3600) return `${Math.round(s / 60)} min`;
  if (s < 2 * 86400) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} days`;
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array of mixed values";
  return `a ${typeof value}`;
}
