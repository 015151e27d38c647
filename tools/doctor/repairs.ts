/**
 * The exact commands that repair each finding, the order to run them in,
 * and the import file `pulumi import --file` takes. Commands never hold a
 * secret: the API token is `$OKTA_API_TOKEN` in them.
 *
 * Pulumi v3.274.1 facts the order rests on:
 * - pending creates are cleared non-interactively only by
 *   `pulumi refresh --clear-pending-creates --yes` (a plain `refresh --yes`
 *   leaves them; `--import-pending-creates` was seen to drop them without
 *   importing); a refresh also drops objects gone from the org and clears
 *   other pending operations;
 * - `pulumi import` needs `--yes` without a terminal, and its `--parent`
 *   is `name=urn` with the parent's URN from the state (it exists only after
 *   an `up` registered it; a preview records nothing);
 * - the import file is `{nameTable: {name: urn}, resources: [{type, name, id, parent}]}`
 *   (pkg/cmd/pulumi/operations/import.go importFile).
 */
import type { Finding, ImportSpec } from "./findings";
import { killCommand } from "./plugins";
import type { StackSnapshot } from "./stack";

export interface ImportFile {
  nameTable: Record<string, string>;
  resources: { type: string; name: string; id: string; parent?: string }[];
}

export interface RepairPlan {
  /** Commands to run, in order. */
  steps: string[];
  /** For `pulumi import --file`, when anything is to be imported. */
  importFile?: ImportFile;
}

const quote = (value: string): string => (/^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`);

export function importCommand(spec: ImportSpec, stack: string): string {
  return [
    "pulumi import",
    spec.type,
    quote(spec.name),
    quote(spec.id),
    ...(spec.parentUrn ? ["--parent", quote(`parent=${spec.parentUrn}`)] : []),
    "--protect=false --generate-code=false --yes --stack",
    quote(stack),
  ].join(" ");
}

export function importFileOf(specs: ImportSpec[]): ImportFile {
  const nameTable: Record<string, string> = {};
  const parents = new Map<string, string>();
  for (const spec of specs) {
    if (spec.parentUrn && !parents.has(spec.parentUrn)) {
      const key = `parent${parents.size}`;
      parents.set(spec.parentUrn, key);
      nameTable[key] = spec.parentUrn;
    }
  }
  return {
    nameTable,
    resources: specs.map((spec) => ({ type: spec.type, name: spec.name, id: spec.id, ...(spec.parentUrn ? { parent: parents.get(spec.parentUrn) } : {}) })),
  };
}

function deleteAppCommands(orgUrl: string, appId: string): string[] {
  const auth = `-H "Authorization: SSWS $OKTA_API_TOKEN"`;
  return [`curl -fsS -X POST ${auth} ${orgUrl}/api/v1/apps/${appId}/lifecycle/deactivate`, `curl -fsS -X DELETE ${auth} ${orgUrl}/api/v1/apps/${appId}`];
}

/** Imports that can go ahead together: one per URN (two candidates for one resource are left to a person). */
export function importable(findings: Finding[]): ImportSpec[] {
  const specs = findings.filter((f) => f.importSpec && (f.kind === "pending_create_succeeded" || f.kind === "orphan")).map((f) => f.importSpec as ImportSpec);
  const count = new Map<string, number>();
  for (const spec of specs) count.set(`${spec.type} ${spec.name}`, (count.get(`${spec.type} ${spec.name}`) ?? 0) + 1);
  return specs.filter((spec) => count.get(`${spec.type} ${spec.name}`) === 1);
}

/** The commands for one finding. */
export function commandsFor(finding: Finding, snapshot: StackSnapshot, orgUrl: string): string[] {
  const stack = quote(snapshot.stack);
  const local = snapshot.source === "local-apply";
  switch (finding.kind) {
    case "plugins_running":
      return finding.processes ? [killCommand(finding.processes)] : [];
    case "lock":
      return finding.lock?.stale === false ? [] : [`pulumi cancel --yes --stack ${stack}`];
    case "pending_create_succeeded":
      return finding.importSpec ? [`pulumi refresh --clear-pending-creates --yes --stack ${stack}`, importCommand(finding.importSpec, snapshot.stack)] : [];
    case "pending_create_absent":
      return [`pulumi refresh --clear-pending-creates --yes --stack ${stack}`];
    case "pending_create_ambiguous":
      return [`pulumi refresh --clear-pending-creates --yes --stack ${stack}`];
    case "pending_operation":
      return local ? [`npm run local:apply -- --stack ${stack} --org ${orgUrl}`] : [`pulumi refresh --yes --stack ${stack}`];
    case "missing":
      return local ? [`npm run local:apply -- --stack ${stack} --org ${orgUrl}`] : [`pulumi refresh --yes --stack ${stack}`, `pulumi up --stack ${stack}`];
    case "orphan":
    case "name_taken":
      if (finding.importSpec && !local) return [importCommand(finding.importSpec, snapshot.stack)];
      if (finding.oktaId && finding.type === "okta:app/oAuth:OAuth" && finding.kind === "orphan") return deleteAppCommands(orgUrl, finding.oktaId);
      return [];
    case "duplicate":
      return finding.oktaId && finding.type === "okta:app/oAuth:OAuth" ? deleteAppCommands(orgUrl, finding.oktaId) : [];
    default:
      return [];
  }
}

/** All the commands, de-duplicated, in the order they must run; imports gathered into one file. */
export function repairPlan(findings: Finding[], snapshot: StackSnapshot, orgUrl: string, importFilePath?: string): RepairPlan {
  const stack = quote(snapshot.stack);
  const steps: string[] = [];
  const add = (command: string) => {
    if (!steps.includes(command)) steps.push(command);
  };
  const has = (...kinds: Finding["kind"][]) => findings.some((f) => kinds.includes(f.kind));
  for (const finding of findings.filter((f) => f.kind === "plugins_running")) for (const command of commandsFor(finding, snapshot, orgUrl)) add(command);
  if (findings.some((f) => f.kind === "lock" && f.lock?.stale !== false)) add(`pulumi cancel --yes --stack ${stack}`);
  if (snapshot.source === "pulumi") {
    if (has("pending_create_succeeded", "pending_create_absent", "pending_create_ambiguous")) add(`pulumi refresh --clear-pending-creates --yes --stack ${stack}`);
    else if (has("missing", "pending_operation")) add(`pulumi refresh --yes --stack ${stack}`);
    const specs = importable(findings);
    if (specs.length > 0) {
      if (importFilePath) add(`pulumi import --file ${quote(importFilePath)} --protect=false --generate-code=false --yes --stack ${stack}`);
      else for (const spec of specs) add(importCommand(spec, snapshot.stack));
    }
  } else {
    for (const finding of findings.filter((f) => f.kind === "missing" || f.kind === "pending_operation")) for (const command of commandsFor(finding, snapshot, orgUrl)) add(command);
  }
  for (const finding of findings.filter((f) => f.kind === "duplicate" || (f.kind === "orphan" && !f.importSpec))) for (const command of commandsFor(finding, snapshot, orgUrl)) add(command);
  if (steps.length > 0) add(snapshot.source === "pulumi" ? `pulumi up --stack ${stack}` : `npm run local:apply -- --stack ${stack} --org ${orgUrl}`);
  const specs = importable(findings);
  return { steps, ...(specs.length > 0 && snapshot.source === "pulumi" ? { importFile: importFileOf(specs) } : {}) };
}
