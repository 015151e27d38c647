/**
 * The plan for people (text), for scripts (json) and for pull requests
 * (mermaid). Renderers only format: every decision is in model.ts and
 * wiring.ts, and every secret is already masked.
 */
import { COMPONENT_KEYS, COMPONENT_TITLE } from "../../components/platform";
import type { PlanDocument, PlanNode } from "./model";

export const FORMATS = ["text", "json", "mermaid"] as const;
export type Format = (typeof FORMATS)[number];

function show(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? "(none)" : value.map(show).join(", ");
  if (value === undefined || value === null) return "unset";
  return typeof value === "string" ? value : JSON.stringify(value);
}

function renderNode(node: PlanNode, prefix: string, last: boolean, lines: string[], depth: number): void {
  const branch = depth === 0 ? "" : last ? "└── " : "├── ";
  const flags = node.flags.length > 0 ? `  [${node.flags.join(", ")}]` : "";
  lines.push(`${prefix}${branch}${node.name}  ${node.type}${flags}`);
  const childPrefix = depth === 0 ? "" : prefix + (last ? "    " : "│   ");
  const detailPrefix = childPrefix + (node.children.length > 0 ? "│     " : "      ");
  for (const [key, value] of Object.entries(node.details)) {
    if (value !== undefined) lines.push(`${detailPrefix}${key}: ${show(value)}`);
  }
  node.children.forEach((child, i) => renderNode(child, childPrefix, i === node.children.length - 1, lines, depth + 1));
}

export function renderText(plan: PlanDocument): string {
  const lines: string[] = [
    `Offline plan for ${plan.project}/${plan.stack} (mode ${plan.mode}): placeholder ids, nothing sent to Okta.`,
    "",
    `Resources: ${plan.resourceCount} Okta objects`,
  ];
  for (const root of plan.resources) renderNode(root, "", true, lines, 0);

  lines.push("", "Token flow");
  for (const flow of plan.tokenFlows) {
    lines.push(
      `  ${flow.clientLabel}  (client ${flow.clientId})`,
      `    gets tokens from  ${flow.issuer}${flow.serverName ? `  (server ${flow.serverName})` : ""}`,
      `    audience          ${flow.audience}`,
      `    scopes            ${flow.issued ? flow.scopes.join(" ") : `none: Okta would refuse the request for ${flow.requestedScopes.join(" ")}`}`,
      `    accepted by       ${flow.acceptedBy.length > 0 ? flow.acceptedBy.join(", ") : "no component"}`,
    );
  }

  lines.push("", "Chart values (chartValuesYaml; placeholder ids, secret masked)");
  lines.push(...plan.chartValuesYaml.trimEnd().split("\n").map((line) => `  ${line}`));

  for (const [output, yamlText] of Object.entries(plan.manifests)) {
    if (yamlText === "") continue;
    lines.push("", `Kubernetes manifests (${output})`);
    lines.push(...yamlText.trimEnd().split("\n").map((line) => `  ${line}`));
  }

  lines.push("");
  if (plan.wiring.ok) {
    lines.push("Wiring: OK. Every client's tokens are issued and accepted by the components that need them.");
  } else {
    lines.push(`Wiring: ${plan.wiring.problems.length} problem(s). A component would reject its client's tokens:`);
    for (const problem of plan.wiring.problems) lines.push(`  - [${problem.code}] ${problem.message}`);
  }
  return `${lines.join("\n")}\n`;
}

/** Mermaid labels: quotes and angle brackets must be entities; `<br/>` is ours. */
function label(...parts: string[]): string {
  const escape = (s: string) => s.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");
  return `"${parts.map(escape).join("<br/>")}"`;
}

export function renderMermaid(plan: PlanDocument): string {
  const lines = ["flowchart LR"];
  const serverIds = new Map<string, string>();
  const serverId = (issuer: string) => {
    let id = serverIds.get(issuer);
    if (!id) {
      id = `server${serverIds.size + 1}`;
      serverIds.set(issuer, id);
    }
    return id;
  };
  // Node ids are the components' output keys; the flows name components by title.
  const componentIds = new Map<string, string>(COMPONENT_KEYS.map((key) => [COMPONENT_TITLE[key] as string, key]));
  // MCP servers: one node each, id from its name (Mermaid ids take no dash).
  for (const flow of plan.tokenFlows) {
    if (!componentIds.has(flow.component)) componentIds.set(flow.component, `mcp_${flow.component.split(" ").pop()?.replace(/-/g, "_") ?? ""}`);
  }
  for (const [name, id] of componentIds) lines.push(`  ${id}[${label(name)}]`);
  for (const flow of plan.tokenFlows) {
    const sid = serverId(flow.issuer);
    const cid = `client_${flow.client}`;
    lines.push(`  ${cid}[${label(flow.clientLabel)}]`);
    lines.push(`  ${sid}((${label(flow.serverName ?? "no planned server", flow.issuer)}))`);
    const request = label(`aud ${flow.audience}`, `scp ${flow.requestedScopes.join(" ")}`);
    lines.push(flow.issued ? `  ${cid} -->|${request}| ${sid}` : `  ${cid} -.-x|${request}| ${sid}`);
    for (const component of flow.acceptedBy) {
      lines.push(`  ${sid} -->|${label(`${flow.clientLabel.split(" (")[0] ?? flow.client} token`)}| ${componentIds.get(component)}`);
    }
  }
  plan.wiring.problems.forEach((problem, i) => {
    lines.push(`  problem${i}[${label(`⚠ ${problem.code}`, problem.message)}]:::problem`);
  });
  if (plan.wiring.problems.length > 0) lines.push("  classDef problem fill:#fdd,stroke:#c00,color:#600");
  return `${lines.join("\n")}\n`;
}

export function render(plan: PlanDocument, format: Format): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(plan, null, 2)}\n`;
    case "mermaid":
      return renderMermaid(plan);
    case "text":
      return renderText(plan);
  }
}
