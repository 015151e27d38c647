/**
 * The doctor's report for people (text) and for scripts (`--json`). Neither
 * holds a secret: findings carry ids, names and markers; commands carry
 * `$OKTA_API_TOKEN`, never the token.
 */
import type { DoctorReport } from "./index";

export function renderJson(report: DoctorReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export function renderText(report: DoctorReport): string {
  const lines: string[] = [];
  const where = report.source === "local-apply" ? "local-apply state" : "Pulumi state";
  if (report.error) {
    lines.push(`doctor: ${report.error}`);
    return `${lines.join("\n")}\n`;
  }
  lines.push(`Stack ${report.project ?? "?"}/${report.stack} (${where}) against ${report.orgUrl ?? "?"}`);
  for (const line of report.fixed) lines.push(`  fixed: ${line}`);
  if (report.findings.length === 0) {
    lines.push(report.fixed.length > 0 ? "Nothing left to repair." : "No findings: the state and the org agree.");
  } else {
    lines.push(`${report.findings.length} finding(s)${report.fixed.length > 0 ? " left after --fix" : ""}:`);
    report.findings.forEach((finding, index) => {
      lines.push("", `${index + 1}. [${finding.kind}] ${finding.message}`);
      if (finding.urn) lines.push(`   resource: ${finding.urn}`);
      if (finding.advice) lines.push(`   advice: ${finding.advice}`);
      for (const command of finding.commands) lines.push(`   $ ${command}`);
    });
    if (report.repairs.steps.length > 0) {
      lines.push("", "To repair, in this order:");
      for (const step of report.repairs.steps) lines.push(`  ${step}`);
      if (report.repairs.importFile) lines.push("", "(--import-file <path> writes the imports as one file for pulumi import --file; --fix runs the safe repairs.)");
    }
  }
  for (const note of report.notes) lines.push(`note: ${note}`);
  return `${lines.join("\n")}\n`;
}
