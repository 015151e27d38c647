/**
 * What sign-in shows: the access token's header and claims (never the
 * signature or the token itself, a bearer credential), the verdict of the
 * project's verifier (tools/verify-token) for each component, and what the
 * token grants (Registry Server roles, platform role), from the same stack
 * outputs.
 */
import { decodeJwt, decodeProtectedHeader } from "jose";
import {
  COMPONENTS,
  JwksCache,
  buildExpectations,
  describeGrants,
  renderReport,
  verifyAccessToken,
  type ComponentId,
  type TokenGrants,
  type VerificationReport,
} from "../verify-token/index";
import { APP_TITLE, type SignInResult } from "./flow";

export interface DecodedToken {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

export function decodeToken(token: string): DecodedToken {
  return { header: { ...decodeProtectedHeader(token) }, claims: { ...decodeJwt(token) } };
}

/** Runs verify-token on the access token for the given components (all three by default). */
export async function verifyForComponents(
  accessToken: string,
  rawOutputs: Record<string, unknown>,
  components: readonly ComponentId[] = COMPONENTS,
  keys: JwksCache = new JwksCache(),
): Promise<VerificationReport> {
  const expectations = buildExpectations({ outputs: rawOutputs }, components);
  return verifyAccessToken(accessToken, expectations, keys);
}

export function renderSignIn(result: SignInResult, decoded: DecodedToken, report: VerificationReport, grants: TokenGrants): string {
  const lines = [
    `Signed in through the ${APP_TITLE[result.app]} app (client ${result.clientId}) at ${result.issuer}`,
    `Requested scopes: ${result.scopes.join(" ")}${result.grantedScope === undefined ? "" : `; granted: ${result.grantedScope}`}`,
    `Refresh token: ${result.refreshToken === undefined ? "none" : "received (not shown)"}`,
    "",
    "Access token header:",
    indent(JSON.stringify(decoded.header, null, 2)),
    "Access token claims:",
    indent(JSON.stringify(decoded.claims, null, 2)),
    "",
    "verify-token:",
  ];
  const granted = describeGrants(grants);
  const grantLines = [
    "What the token grants (registryServer.authz, platformRoleBindingsYaml):",
    `  Registry Server roles: ${granted.registry}`,
    `  Platform role: ${granted.platform}`,
    ...grants.problems.map((problem) => `  (${problem})`),
  ];
  return `${lines.join("\n")}\n${renderReport(report)}\n${grantLines.join("\n")}\n`;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");
}
