/**
 * The report as an operator reads it in a terminal. The token itself is a
 * bearer credential and is never printed; its claims are.
 */
import { duration, isoTime } from "./claim-checks";
import type { Finding } from "./findings";
import type { ComponentReport, TokenReport, VerificationReport } from "./verify";

const FORMAT_TEXT: Record<TokenReport["format"], string> = {
  jwt: "JWT",
  opaque: "opaque token (not a JWT)",
  encrypted: "encrypted JWT (JWE)",
  malformed: "not a token",
  empty: "empty input",
};

const TIME_CLAIMS = new Set(["iat", "nbf", "exp"]);

export function renderReport(report: VerificationReport, nowSeconds: number = Date.now() / 1000): string {
  const lines: string[] = [];
  lines.push(tokenHeadline(report.token));
  if (report.token.format === "jwt") {
    const width = Math.max(...report.token.shownClaims.map((n) => n.length));
    for (const name of report.token.shownClaims) {
      lines.push(`  ${name.padEnd(width)}  ${claimText(name, report.token.claims[name], nowSeconds)}`);
    }
  }
  for (const component of report.components) {
    lines.push("", ...componentLines(component));
  }
  lines.push("", resultLine(report));
  return lines.map(printable).join("\n") + "\n";
}

/**
 * Claims are whatever the token's author wrote; escape control characters so
 * a crafted claim cannot move the cursor, recolour or clear the terminal.
 */
function printable(line: string): string {
  // eslint-disable-next-line no-control-regex
  return line.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function tokenHeadline(token: TokenReport): string {
  const details: string[] = [];
  if (typeof token.header?.alg === "string") details.push(`alg ${token.header.alg}`);
  if (typeof token.header?.kid === "string") details.push(`kid ${token.header.kid}`);
  return `Token: ${FORMAT_TEXT[token.format]}${details.length > 0 ? ` (${details.join(", ")})` : ""}`;
}

function claimText(name: string, value: unknown, nowSeconds: number): string {
  if (value === undefined) return "(absent)";
  if (TIME_CLAIMS.has(name) && typeof value === "number" && Number.isFinite(value)) {
    const delta = value - nowSeconds;
    return `${isoTime(value)} (${delta >= 0 ? `in ${duration(delta)}` : `${duration(delta)} ago`})`;
  }
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) {
    return value.length === 0 ? "[] (empty)" : value.join(", ");
  }
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

function componentLines(component: ComponentReport): string[] {
  const verdict = component.verdict === "not_checked" ? "NOT CHECKED" : component.verdict === "accepted" ? "accepted" : "REJECTED";
  const provider = component.provider !== undefined && component.verdict === "accepted" ? ` (provider ${component.provider})` : "";
  const lines = [`${component.title}: ${verdict}${provider}`];
  for (const expected of component.expected) {
    const scope = component.requiredScope !== undefined ? `, scp contains ${component.requiredScope}` : "";
    const via = expected.provider !== undefined ? ` [provider ${expected.provider}]` : "";
    lines.push(`  expects iss ${expected.issuer}, aud ${expected.audience}${scope}${via}`);
  }
  if (component.expectedFrom !== undefined) lines.push(`  expected values from ${component.expectedFrom}`);
  for (const f of component.findings) lines.push(...findingLines(f));
  return lines;
}

function findingLines(f: Finding): string[] {
  return [`  ${f.severity} ${f.code}: ${f.message}`, `      fix: ${f.fix}`];
}

function resultLine(report: VerificationReport): string {
  if (report.accepted) return "Result: accepted by every component checked.";
  const titles = (verdict: string) => report.components.filter((c) => c.verdict === verdict).map((c) => c.title);
  const parts: string[] = [];
  if (titles("rejected").length > 0) parts.push(`rejected by ${titles("rejected").join(", ")}`);
  if (titles("not_checked").length > 0) parts.push(`not checked for ${titles("not_checked").join(", ")}`);
  return `Result: ${parts.join("; ")}.`;
}
