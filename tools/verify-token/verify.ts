/**
 * Would each component accept this access token, and if not, why: the
 * signature against the keys of the issuer the component trusts, then the
 * claims the component checks (claim-checks.ts). Every reason is reported,
 * not only the first; the function never throws on bad tokens.
 */
import { compactVerify, errors, type CompactVerifyGetKey, type CryptoKey } from "jose";
import { checkAudience, checkAuthorizationClaims, checkIssuer, checkLifetime, checkScope, type AcceptedAudience } from "./claim-checks";
import {
  REGISTRY_AUTHORIZATION_CLAIMS,
  componentTitle,
  mcpServerName,
  type ComponentExpectation,
  type ComponentId,
  type PlatformComponentId,
} from "./expectations";
import { ReasonCode, finding, hasErrors, type Finding } from "./findings";
import { KeySourceError, errorText, type JwksLocation } from "./key-source";
import { ALLOWED_ALGORITHMS, parseToken, type ParsedToken, type TokenFormat } from "./token";

/** Allowed difference between this machine's clock and the issuer's, for exp and nbf. */
export const DEFAULT_CLOCK_SKEW_SECONDS = 60;

export interface VerifyOptions {
  /** Seconds since 1970; defaults to now. */
  now?: number;
  clockSkewSeconds?: number;
}

/** Where keys come from; JwksCache is the real one. */
export interface KeySetProvider {
  keySetFor(location: JwksLocation): { getKey: CompactVerifyGetKey<CryptoKey>; describe(): string };
}

export type Verdict = "accepted" | "rejected" | "not_checked";

export interface ExpectedPair {
  issuer: string;
  audience: string;
  provider?: string;
}

export interface ComponentReport {
  component: ComponentId;
  title: string;
  verdict: Verdict;
  expected: ExpectedPair[];
  requiredScope?: string;
  /** Registry Server: the provider whose issuer and audience the verdict is about. */
  provider?: string;
  /** Where the expected values came from, when not from the component's own stack output. */
  expectedFrom?: string;
  findings: Finding[];
}

export interface TokenReport {
  format: TokenFormat;
  header?: { alg?: unknown; kid?: unknown; typ?: unknown };
  /** The claims shown to the operator, in order; absent ones are not in `claims`. */
  shownClaims: string[];
  claims: Record<string, unknown>;
}

export interface VerificationReport {
  /** True when every component checked accepts the token. */
  accepted: boolean;
  token: TokenReport;
  components: ComponentReport[];
}

/** The claims a 401 is usually about (the list), before the authorization claims. */
const SHOWN_CLAIMS = ["iss", "aud", "scp", "cid", "uid", "iat", "nbf", "exp"] as const;

/** Where to fix a mismatch, per component: the stack config key and the chart value it feeds. */
const COMPONENT_FIX: Record<PlatformComponentId, { issuer: string; audience: string }> = {
  "enterprise-manager": {
    issuer:
      "The CLI must sign in against the Enterprise Manager's issuer: stack output enterpriseManager.issuer, " +
      "chart value enterprise-manager.idpConfig.issuer. In per-component mode, a token minted for another " +
      "component's server is meant to fail here.",
    audience:
      "Make the authorization server's audience (stack config stacklok-identity:audiences.enterpriseManager) " +
      "and chart value enterprise-manager.idpConfig.audience the same string, and have the CLI request a " +
      "token from the server that carries it.",
  },
  "cloud-ui": {
    issuer:
      "Chart value toolhive-cloud-ui.oidc.issuerUrl must be the issuer the Cloud UI's tokens come from " +
      "(stack output cloudUi.issuer).",
    audience:
      "Make the authorization server's audience (stack config stacklok-identity:audiences.cloudUi) and the " +
      "audience the Cloud UI is deployed with the same string.",
  },
  "registry-server": {
    issuer:
      "Add the token's issuer to the registry's providers (toolhive-registry-server.upstream.config.auth." +
      "oauth.providers, stack output registryServer.providers), or get the token from an issuer listed there.",
    audience:
      "The registry accepts a token whose aud equals the audience of a provider with the same issuer " +
      "(stack output registryServer.providers): the CLI's and the Cloud UI's pairs. Add the missing pair " +
      "or fix stacklok-identity:audiences.*.",
  },
};

/** An MCP server's fix names its own output and config entry. */
function componentFix(component: ComponentId): { issuer: string; audience: string } {
  const name = mcpServerName(component);
  if (name === undefined) return COMPONENT_FIX[component as PlatformComponentId];
  return {
    issuer:
      `MCP server ${name} accepts tokens from the issuer of its MCPOIDCConfig (stack output mcpServers.${name}.issuer, ` +
      "mcpManifestsYaml): the CLI must get its token from that server.",
    audience:
      `Make the MCPServer's oidcConfigRef.audience, the audience of stacklok-<environment>-mcp-${name} and ` +
      `stacklok-identity:mcpServers (audience, else resourceUrl) for ${name} the same string.`,
  };
}

export async function verifyAccessToken(
  token: string,
  expectations: readonly ComponentExpectation[],
  keys: KeySetProvider,
  options: VerifyOptions = {},
): Promise<VerificationReport> {
  const parsed = parseToken(typeof token === "string" ? token : "");
  const context: Context = {
    parsed,
    keys,
    now: options.now ?? Date.now() / 1000,
    skew: options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS,
    signatures: new Map(),
  };
  const components = await Promise.all(expectations.map((expectation) => judgeComponent(expectation, context)));
  return {
    accepted: components.length > 0 && components.every((c) => c.verdict === "accepted"),
    token: tokenReport(parsed, expectations),
    components,
  };
}

interface Context {
  parsed: ParsedToken;
  keys: KeySetProvider;
  now: number;
  skew: number;
  /** One signature check per key set and token, shared by the components that trust the same issuer. */
  signatures: Map<object, Promise<Finding[]>>;
}

/** The audiences a component accepts from one issuer. */
interface IssuerGroup {
  issuer: string;
  jwks: JwksLocation;
  accepted: AcceptedAudience[];
}

async function judgeComponent(expectation: ComponentExpectation, context: Context): Promise<ComponentReport> {
  const { component } = expectation;
  const report: ComponentReport = {
    component,
    title: componentTitle(component),
    verdict: "rejected",
    expected: expectation.trusts.map(({ issuer, audience, provider }) =>
      provider === undefined ? { issuer, audience } : { issuer, audience, provider },
    ),
    findings: [],
  };
  if (expectation.requiredScope !== undefined) report.requiredScope = expectation.requiredScope;
  if (expectation.expectedFrom !== undefined) report.expectedFrom = expectation.expectedFrom;

  if (expectation.unavailable !== undefined || expectation.trusts.length === 0) {
    report.verdict = "not_checked";
    report.findings = [
      finding(
        ReasonCode.expectationMissing,
        `the ${report.title}'s expected values are unknown: ${expectation.unavailable ?? "it trusts no issuer"}`,
      ),
    ];
    return report;
  }

  const outcomes = await Promise.all(groupByIssuer(expectation).map((group) => judgeIssuerGroup(group, expectation, context)));
  const chosen = chooseOutcome(outcomes, context.parsed.claims?.iss);
  report.verdict = hasErrors(chosen.findings) ? "rejected" : "accepted";
  report.findings = chosen.findings;
  if (component === "registry-server") {
    const provider = chosen.matched?.provider ?? chosen.group.accepted.map((a) => a.provider).join(", ");
    if (provider !== "") report.provider = provider;
  }
  return report;
}

function groupByIssuer(expectation: ComponentExpectation): IssuerGroup[] {
  const groups = new Map<string, IssuerGroup>();
  for (const trusted of expectation.trusts) {
    let group = groups.get(trusted.issuer);
    if (group === undefined) {
      group = { issuer: trusted.issuer, jwks: trusted.jwks, accepted: [] };
      groups.set(trusted.issuer, group);
    }
    group.accepted.push(trusted.provider === undefined ? { audience: trusted.audience } : { audience: trusted.audience, provider: trusted.provider });
  }
  return [...groups.values()];
}

interface Outcome {
  group: IssuerGroup;
  findings: Finding[];
  matched?: AcceptedAudience;
}

/**
 * The Registry Server tries its providers in turn and takes the first that
 * validates the token. When none does, the most useful explanation is the
 * one for the provider with the token's issuer, else the closest one.
 */
function chooseOutcome(outcomes: Outcome[], iss: unknown): Outcome {
  const accepted = outcomes.find((o) => !hasErrors(o.findings));
  if (accepted !== undefined) return accepted;
  const sameIssuer = outcomes.find((o) => o.group.issuer === iss);
  if (sameIssuer !== undefined) return sameIssuer;
  const errorCount = (o: Outcome) => o.findings.filter((f) => f.severity === "error").length;
  return outcomes.reduce((best, o) => (errorCount(o) < errorCount(best) ? o : best));
}

async function judgeIssuerGroup(group: IssuerGroup, expectation: ComponentExpectation, context: Context): Promise<Outcome> {
  const { parsed } = context;
  const findings: Finding[] = [...parsed.findings];
  if (parsed.format !== "jwt" || parsed.claims === undefined || parsed.compact === undefined) {
    return { group, findings };
  }
  if (parsed.algorithmAllowed) findings.push(...(await signatureFindings(parsed.compact, group.jwks, context)));

  const claims = parsed.claims;
  const fix = componentFix(expectation.component);
  findings.push(...checkIssuer(claims.iss, group.issuer, fix.issuer));
  const others = (expectation.otherAudiences ?? []).map(({ component, issuer, audience }) => ({
    title: `the ${componentTitle(component)}`,
    issuer,
    audience,
  }));
  const audience = checkAudience(claims.aud, group.accepted, claims, {
    component: `the ${componentTitle(expectation.component)}`,
    issuer: group.issuer,
    others,
    fix: fix.audience,
  });
  findings.push(...audience.findings);
  findings.push(...checkLifetime(claims, context.now, context.skew));
  if (expectation.requiredScope !== undefined) findings.push(...checkScope(claims.scp, expectation.requiredScope));
  findings.push(...checkAuthorizationClaims(claims, expectation.authorizationClaims, `the ${componentTitle(expectation.component)}`));

  const outcome: Outcome = { group, findings };
  if (audience.matched !== undefined) outcome.matched = audience.matched;
  return outcome;
}

function signatureFindings(compact: string, location: JwksLocation, context: Context): Promise<Finding[]> {
  const keySet = context.keys.keySetFor(location);
  let pending = context.signatures.get(keySet);
  if (pending === undefined) {
    pending = compactVerify(compact, keySet.getKey, { algorithms: [...ALLOWED_ALGORITHMS] }).then(
      () => [],
      (error: unknown) => [signatureFailure(error, keySet.describe(), context.parsed)],
    );
    context.signatures.set(keySet, pending);
  }
  return pending;
}

function signatureFailure(error: unknown, keySetText: string, parsed: ParsedToken): Finding {
  if (error instanceof KeySourceError) return finding(error.code, error.message);
  const kid = typeof parsed.header?.kid === "string" ? ` with key "${parsed.header.kid}"` : "";
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return finding(
      ReasonCode.badSignature,
      `the signature does not verify${kid} from ${keySetText}: the header or claims were changed after signing, ` +
        "or another issuer signed it with a key id this issuer also uses",
    );
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return finding(ReasonCode.algNotAllowed, `the signature algorithm is not usable: ${error.message}`);
  }
  if (error instanceof errors.JWSInvalid) {
    return finding(ReasonCode.badSignature, `the token is not a valid signed JWT: ${error.message}`);
  }
  return finding(ReasonCode.badSignature, `the signature could not be verified${kid} from ${keySetText}: ${errorText(error)}`);
}

function tokenReport(parsed: ParsedToken, expectations: readonly ComponentExpectation[]): TokenReport {
  const authorizationClaims = expectations.flatMap((e) => e.authorizationClaims);
  const shownClaims = [
    ...new Set<string>([
      ...SHOWN_CLAIMS,
      ...(authorizationClaims.length > 0 ? authorizationClaims : [REGISTRY_AUTHORIZATION_CLAIMS.groups, REGISTRY_AUTHORIZATION_CLAIMS.roles]),
    ]),
  ];
  const claims: Record<string, unknown> = {};
  for (const name of shownClaims) {
    const value = parsed.claims?.[name];
    if (value !== undefined) claims[name] = value;
  }
  const report: TokenReport = { format: parsed.format, shownClaims, claims };
  if (parsed.header !== undefined) {
    const { alg, kid, typ } = parsed.header;
    report.header = { alg, kid, typ };
  }
  return report;
}
