/**
 * What a stack's state says, from either source the doctor reads: a Pulumi
 * checkpoint (`pulumi stack export`, apitype.UntypedDeployment with a v3
 * deployment: `deployment.resources`, `deployment.pending_operations`), or
 * local-apply's state file (tools/local-apply/state.ts). Both become one
 * snapshot of resources and pending operations; secrets are never needed
 * and stay as the source holds them.
 */
import { readFileSync } from "node:fs";
import { isRecord } from "../../components/contract";
import type { StackState } from "../local-apply/state";

export interface StateResource {
  urn: string;
  type: string;
  /** The Pulumi (logical) name: the URN's last part. */
  name: string;
  custom: boolean;
  id?: string;
  parent?: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  protect: boolean;
}

/** Pulumi's pending operation kinds (apitype.OperationType). */
export type PendingKind = "creating" | "updating" | "deleting" | "reading" | "importing";

export interface PendingOperation {
  kind: PendingKind;
  resource: StateResource;
}

export interface StackSnapshot {
  source: "pulumi" | "local-apply";
  project: string;
  stack: string;
  resources: StateResource[];
  pendingOperations: PendingOperation[];
  /** local-apply only: the org the state was applied to. */
  orgUrl?: string;
}

export class StackReadError extends Error {}

/** `urn:pulumi:<stack>::<project>::<parent types $ type>::<name>` (Pulumi's URN format). */
export function parseUrn(urn: string): { stack: string; project: string; type: string; qualifiedType: string; name: string } {
  const match = /^urn:pulumi:([^:]+)::([^:]+)::(.+?)::(.+)$/.exec(urn);
  if (!match) throw new StackReadError(`not a Pulumi URN: ${urn}`);
  const [, stack = "", project = "", qualifiedType = "", name = ""] = match;
  return { stack, project, qualifiedType, type: qualifiedType.split("$").pop() ?? qualifiedType, name };
}

const record = (value: unknown): Record<string, unknown> => (isRecord<unknown>(value) ? value : {});

function exportedResource(value: unknown): StateResource {
  const r = record(value);
  const urn = typeof r["urn"] === "string" ? r["urn"] : "";
  const { name } = parseUrn(urn);
  return {
    urn,
    type: typeof r["type"] === "string" ? r["type"] : parseUrn(urn).type,
    name,
    custom: r["custom"] === true,
    ...(typeof r["id"] === "string" && r["id"] !== "" ? { id: r["id"] } : {}),
    ...(typeof r["parent"] === "string" && r["parent"] !== "" ? { parent: r["parent"] } : {}),
    inputs: record(r["inputs"]),
    outputs: record(r["outputs"]),
    protect: r["protect"] === true,
  };
}

const PENDING_KINDS: readonly PendingKind[] = ["creating", "updating", "deleting", "reading", "importing"];

/** A `pulumi stack export` document (deployment version 3). */
export function snapshotFromExport(document: unknown, stackName: string): StackSnapshot {
  const root = record(document);
  const deployment = record(root["deployment"]);
  if (root["version"] !== 3 || !Array.isArray(deployment["resources"] ?? [])) {
    throw new StackReadError(`the export of stack ${stackName} is not a version 3 deployment (got version ${JSON.stringify(root["version"])})`);
  }
  const resources = ((deployment["resources"] as unknown[] | undefined) ?? []).map(exportedResource);
  const pending = Array.isArray(deployment["pending_operations"]) ? deployment["pending_operations"] : [];
  const pendingOperations = pending.map((op): PendingOperation => {
    const entry = record(op);
    const kind = entry["type"];
    if (typeof kind !== "string" || !PENDING_KINDS.includes(kind as PendingKind)) throw new StackReadError(`unknown pending operation type ${JSON.stringify(kind)}`);
    return { kind: kind as PendingKind, resource: exportedResource(entry["resource"]) };
  });
  const stackResource = resources.find((r) => r.type === "pulumi:pulumi:Stack");
  const named = stackResource ? parseUrn(stackResource.urn) : undefined;
  return { source: "pulumi", project: named?.project ?? "", stack: named?.stack ?? stackName, resources, pendingOperations };
}

/**
 * local-apply's state file. It has no pending operations; an old copy of a
 * replaced resource still to be deleted (`pendingDelete`) is reported as a
 * pending delete.
 */
export function snapshotFromLocalApply(state: StackState): StackSnapshot {
  const resources: StateResource[] = [];
  const pendingOperations: PendingOperation[] = [];
  for (const r of state.resources) {
    const resource: StateResource = {
      urn: r.urn,
      type: r.type,
      name: parseUrn(r.urn).name,
      custom: r.custom,
      ...(r.id === undefined ? {} : { id: r.id }),
      ...(r.parent === undefined ? {} : { parent: r.parent }),
      inputs: r.inputs,
      outputs: r.outputs,
      protect: r.protect === true,
    };
    if (r.pendingDelete) pendingOperations.push({ kind: "deleting", resource });
    else resources.push(resource);
  }
  return { source: "local-apply", project: state.project, stack: state.stack, resources, pendingOperations, orgUrl: state.orgUrl };
}

export function readLocalApplyState(path: string): StackSnapshot {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new StackReadError(`cannot read local-apply state ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new StackReadError(`local-apply state ${path} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const state = record(parsed);
  if (state["version"] !== 1 || !Array.isArray(state["resources"])) throw new StackReadError(`${path} is not a local-apply state file (version 1)`);
  return snapshotFromLocalApply(parsed as StackState);
}

/** A resource's string property, outputs first (what the provider read), then inputs. */
export function prop(resource: StateResource, key: string): string | undefined {
  for (const source of [resource.outputs, resource.inputs]) {
    const value = source[key];
    if (typeof value === "string" && value !== "") return value;
  }
  return undefined;
}
