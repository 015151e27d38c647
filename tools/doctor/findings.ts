/**
 * The diagnosis: the stack's state held against the org. Every finding names
 * what is wrong, the Okta object and Pulumi resource involved, and the repair
 * (`repairs.ts` turns it into commands). Pure apart from the org reads.
 */
import { OktaType } from "../../components/facts";
import { markerIn, type StackMarker } from "../../components/naming";
import { GROUPS_CLAIM_LIMIT, groupMatchesFilter } from "../okta-local/oauth/claims";
import type { DesiredResource } from "./desired";
import type { LockFile } from "./lock";
import type { ProcessEntry } from "./plugins";
import type { Json, OrgReader } from "./org";
import { prop, type PendingOperation, type StackSnapshot, type StateResource } from "./stack";

/** Every kind of finding, as `--json` names it. */
export const FINDING_KINDS = [
  "plugins_running",
  "lock",
  "pending_create_succeeded",
  "pending_create_absent",
  "pending_create_ambiguous",
  "pending_operation",
  "missing",
  "orphan",
  "duplicate",
  "name_taken",
  "policy_shadowed",
  "claim_conflict",
  "default_server_taken",
  "groups_claim_overflow",
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

/** What a resource would be imported as: `pulumi import <type> <name> <id> --parent <urn>`. */
export interface ImportSpec {
  type: string;
  name: string;
  /** The import id in the form the provider's importer takes (docs/operations.md). */
  id: string;
  parentUrn?: string;
}

export interface Finding {
  kind: FindingKind;
  message: string;
  /** The Pulumi resource concerned (state, pending operation, or the program's declaration). */
  urn?: string;
  type?: string;
  name?: string;
  /** The Okta object concerned. */
  oktaId?: string;
  /** For `pending_create_succeeded` and `orphan`: what to import. */
  importSpec?: ImportSpec;
  /** For a duplicate app `--fix` may delete: the proof is the stack's marker and another app in the state. */
  deletableApp?: boolean;
  /** For `lock`. */
  lock?: LockFile;
  /** For `plugins_running`: the plugins a killed CLI left running. */
  processes?: ProcessEntry[];
  /** Free-form advice where no command repairs it. */
  advice?: string;
}

export interface DiagnosisInput {
  snapshot: StackSnapshot;
  /** What the program declares (absent when its config cannot be read). */
  desired?: DesiredResource[];
  org: OrgReader;
  locks?: LockFile[];
}

const T = OktaType;
const OKTA_TYPES = new Set<string>(Object.values(T));
const str = (value: unknown): string => (typeof value === "string" ? value : "");

/** The org object a state or pending resource stands for, found by what identifies it. */
async function candidates(org: OrgReader, type: string, inputs: Record<string, unknown>): Promise<Json[]> {
  const serverId = str(inputs["authServerId"]);
  const name = str(inputs["name"]);
  switch (type) {
    case T.authServer:
      return (await org.servers()).filter((s) => s["name"] === name);
    case T.authServerDefault:
      return (await org.servers()).filter((s) => s["default"] === true);
    case T.serverScope:
      return (await org.serverChildren(serverId, "scopes")).filter((s) => s["name"] === name);
    case T.serverClaim:
      return (await org.serverChildren(serverId, "claims")).filter((c) => c["name"] === name && c["claimType"] === str(inputs["claimType"]));
    case T.serverPolicy:
      return (await org.serverChildren(serverId, "policies")).filter((p) => p["name"] === name);
    case T.serverPolicyRule:
      return (await org.rules(serverId, str(inputs["policyId"]))).filter((r) => r["name"] === name);
    case T.oauthApp:
      return org.appsLabelled(str(inputs["label"]));
    case T.appGroupAssignments: {
      const appId = str(inputs["appId"]);
      return (await org.appGroups(appId)).length > 0 ? [{ id: appId }] : [];
    }
    case T.group:
      return (await org.groupsNamed(name)).filter((g) => g["type"] === "OKTA_GROUP");
    case T.userSchemaProperty: {
      const index = str(inputs["index"]);
      return index in (await org.customProfileAttributes()) ? [{ id: index }] : [];
    }
    default:
      return [];
  }
}

/** Whether the object a state resource records is still in the org. */
async function exists(org: OrgReader, resource: StateResource): Promise<boolean> {
  const id = resource.id ?? "";
  const serverId = prop(resource, "authServerId") ?? "";
  switch (resource.type) {
    case T.authServer:
    case T.authServerDefault:
      return (await org.servers()).some((s) => s["id"] === id);
    case T.serverScope:
      return (await org.serverChildren(serverId, "scopes")).some((s) => s["id"] === id);
    case T.serverClaim:
      return (await org.serverChildren(serverId, "claims")).some((c) => c["id"] === id);
    case T.serverPolicy:
      return (await org.serverChildren(serverId, "policies")).some((p) => p["id"] === id);
    case T.serverPolicyRule:
      return (await org.rules(serverId, prop(resource, "policyId") ?? "")).some((r) => r["id"] === id);
    case T.oauthApp:
    case T.appGroupAssignments:
      return (await org.app(id)) !== undefined;
    case T.group:
      return (await org.group(id)) !== undefined;
    case T.userSchemaProperty:
      return (prop(resource, "index") ?? id) in (await org.customProfileAttributes());
    default:
      return true;
  }
}

/**
 * The id `pulumi import` takes for each type (terraform-provider-okta's
 * importers; docs/operations.md). For `default` it is the server's `aus…` id,
 * which is what a create records.
 */
export function importId(type: string, object: Json, inputs: Record<string, unknown>): string {
  const id = str(object["id"]);
  const serverId = str(inputs["authServerId"]);
  switch (type) {
    case T.serverScope:
    case T.serverClaim:
    case T.serverPolicy:
      return `${serverId}/${id}`;
    case T.serverPolicyRule:
      return `${serverId}/${str(inputs["policyId"])}/${id}`;
    default:
      return id;
  }
}

/** An object's marker: a server's, policy's or group's description, an app's admin note. */
function markerOf(object: Json): StackMarker | undefined {
  const description = object["description"] ?? (object["profile"] as Json | undefined)?.["description"];
  const note = ((object["settings"] as Json | undefined)?.["notes"] as Json | undefined)?.["admin"];
  return markerIn(typeof note === "string" ? note : typeof description === "string" ? description : undefined);
}

const describe = (type: string, object: Json): string => {
  const label = str(object["label"]) || str(object["name"]) || str((object["profile"] as Json | undefined)?.["name"]);
  return `${type.split(":").pop()} ${JSON.stringify(label)} (${str(object["id"])})`;
};

export async function diagnose(input: DiagnosisInput): Promise<Finding[]> {
  const { snapshot, org } = input;
  const stackId = `${snapshot.project}/${snapshot.stack}`;
  const findings: Finding[] = [];
  const desired = input.desired ?? [];
  const okta = (r: { type: string }) => OKTA_TYPES.has(r.type);
  const stateResources = snapshot.resources.filter((r) => r.custom && okta(r));
  /** Okta objects the state (or a pending create) accounts for, as `type id`. */
  const claimed = new Set(stateResources.map((r) => `${r.type} ${r.id ?? ""}`));
  const claim = (type: string, id: string) => claimed.add(`${type} ${id}`);
  const isClaimed = (type: string, id: string) => claimed.has(`${type} ${id}`) || (type === T.authServer && claimed.has(`${T.authServerDefault} ${id}`));

  for (const lock of input.locks ?? []) {
    findings.push({
      kind: "lock",
      lock,
      message:
        `the stack is locked by ${lock.user}@${lock.host} (pid ${lock.pid}) since ${lock.time}` +
        (lock.stale === true ? "; that process is gone, so the lock is stale" : lock.stale === false ? "; that process is still running: let it finish" : "; the doctor cannot tell from here whether that process still runs"),
    });
  }

  // Objects the state holds that the org no longer has.
  for (const resource of stateResources) {
    if (!(await exists(org, resource))) {
      findings.push({ kind: "missing", urn: resource.urn, type: resource.type, name: resource.name, ...(resource.id ? { oktaId: resource.id } : {}), message: `${resource.name} (${resource.type}, id ${resource.id ?? "?"}) is in the state but gone from the org` });
    }
  }

  // Interrupted operations.
  for (const op of snapshot.pendingOperations) findings.push(await pendingFinding(org, op, desired, isClaimed, claim));

  // The stack's objects the state does not know: by marker, then by the names the program uses.
  const relevantServers = await serversOfStack(org, stateResources, desired, snapshot.pendingOperations, stackId);
  const marked: { type: string; object: Json; marker: StackMarker }[] = [];
  for (const server of relevantServers) {
    const marker = markerOf(server);
    if (marker?.stackId === stackId) marked.push({ type: server["default"] === true ? T.authServerDefault : T.authServer, object: server, marker });
    for (const policy of await org.serverChildren(str(server["id"]), "policies")) {
      const policyMarker = markerOf(policy);
      if (policyMarker?.stackId === stackId) marked.push({ type: T.serverPolicy, object: { ...policy, authServerId: server["id"] }, marker: policyMarker });
    }
  }
  const labels = new Set([...stateResources, ...desired, ...snapshot.pendingOperations.map((p) => p.resource)].filter((r) => r.type === T.oauthApp).map((r) => str(r.inputs["label"])).filter(Boolean));
  const appsByLabel = new Map<string, Json[]>();
  for (const label of labels) appsByLabel.set(label, await org.appsLabelled(label));
  for (const apps of appsByLabel.values()) {
    for (const app of apps) {
      const marker = markerOf(app);
      if (marker?.stackId === stackId) marked.push({ type: T.oauthApp, object: app, marker });
    }
  }
  const groupNames = new Set([...stateResources, ...desired, ...snapshot.pendingOperations.map((p) => p.resource)].filter((r) => r.type === T.group).map((r) => str(r.inputs["name"])).filter(Boolean));
  const groupsByName = new Map<string, Json[]>();
  for (const name of groupNames) groupsByName.set(name, (await org.groupsNamed(name)).filter((g) => g["type"] === "OKTA_GROUP"));
  for (const groups of groupsByName.values()) {
    for (const group of groups) {
      const marker = markerOf(group);
      if (marker?.stackId === stackId) marked.push({ type: T.group, object: group, marker });
    }
  }

  for (const { type, object, marker } of marked) {
    const id = str(object["id"]);
    if (isClaimed(type, id)) continue;
    claim(type, id);
    const inState = marker.name === undefined ? undefined : stateResources.find((r) => r.name === marker.name && r.type === type);
    if (inState) {
      findings.push({
        kind: "duplicate",
        type,
        name: inState.name,
        urn: inState.urn,
        oktaId: id,
        // Deleted by --fix only when the state's own app is still there: the duplicate is then provably surplus.
        deletableApp: type === T.oauthApp && (await exists(org, inState)),
        message: `${describe(type, object)} carries this stack's marker for ${inState.name}, but the state holds ${inState.id ?? "another object"} for it: a duplicate the state does not own (a create that was retried, or interrupted and run again)`,
      });
      continue;
    }
    const declared = marker.name === undefined ? undefined : desired.find((r) => r.name === marker.name && r.type === type);
    if (declared) {
      findings.push({
        kind: "orphan",
        type,
        name: declared.name,
        urn: declared.urn,
        oktaId: id,
        importSpec: { type, name: declared.name, id: importId(type, object, { authServerId: object["authServerId"] }), ...(declared.parent ? { parentUrn: declared.parent } : {}) },
        message: `${describe(type, object)} carries this stack's marker for ${declared.name}, which the program declares, but the state does not know it`,
      });
    } else {
      findings.push({
        kind: "orphan",
        type,
        ...(marker.name === undefined ? {} : { name: marker.name }),
        oktaId: id,
        message: `${describe(type, object)} carries this stack's marker${marker.name ? ` for ${marker.name}` : ""}, but neither the state nor the program has it: a leftover of an earlier run`,
        advice: "delete it in the admin console once nothing uses it",
      });
    }
  }

  // The names the program uses, taken by objects nobody's marker claims for this stack.
  for (const resource of desired.filter((r) => r.type === T.authServer || r.type === T.oauthApp || r.type === T.group)) {
    if (stateResources.some((r) => r.urn === resource.urn) && resource.type !== T.oauthApp) continue;
    const found = resource.type === T.oauthApp ? (appsByLabel.get(str(resource.inputs["label"])) ?? []) : resource.type === T.group ? (groupsByName.get(str(resource.inputs["name"])) ?? []) : (await org.servers()).filter((s) => s["name"] === resource.inputs["name"]);
    for (const object of found) {
      const id = str(object["id"]);
      if (isClaimed(resource.type, id)) continue;
      claim(resource.type, id);
      const owner = markerOf(object)?.stackId;
      const inState = stateResources.find((r) => r.urn === resource.urn);
      findings.push({
        kind: "name_taken",
        type: resource.type,
        name: resource.name,
        urn: resource.urn,
        oktaId: id,
        message:
          `${describe(resource.type, object)} has the ${resource.type === T.oauthApp ? "label" : "name"} this stack gives ${resource.name}, ` +
          (owner ? `and carries stack ${owner}'s marker` : "and no stack's marker") +
          (inState ? `; the state holds ${inState.id ?? "another object"} for it` : ""),
        ...(inState || owner
          ? { advice: owner ? `two stacks use one environment name: give this stack another stacklok-identity:environment` : "if it is not this stack's, rename or delete it; Okta shows both to admins" }
          : { importSpec: { type: resource.type, name: resource.name, id, ...(resource.parent ? { parentUrn: resource.parent } : {}) }, advice: "if it is this stack's (made before markers, or by hand), import it; otherwise give this stack another stacklok-identity:environment" }),
      });
    }
  }

  findings.push(...(await tokenBlockers(org, stateResources, stackId)));
  return findings;
}

async function pendingFinding(
  org: OrgReader,
  op: PendingOperation,
  desired: DesiredResource[],
  isClaimed: (type: string, id: string) => boolean,
  claim: (type: string, id: string) => void,
): Promise<Finding> {
  const { resource } = op;
  const base = { urn: resource.urn, type: resource.type, name: resource.name };
  if (op.kind !== "creating" || !OKTA_TYPES.has(resource.type)) {
    return { kind: "pending_operation", ...base, message: `${resource.name} (${resource.type}) was interrupted while ${op.kind}; pulumi refresh reads it back and clears the operation` };
  }
  const found = (await candidates(org, resource.type, resource.inputs)).filter((o) => !isClaimed(resource.type, str(o["id"])));
  for (const object of found) claim(resource.type, str(object["id"]));
  const parentUrn = resource.parent ?? desired.find((r) => r.urn === resource.urn)?.parent;
  if (found.length === 0) {
    return { kind: "pending_create_absent", ...base, message: `${resource.name} (${resource.type}) was interrupted while creating, and nothing in the org matches it: the create did not happen` };
  }
  const [object] = found;
  if (found.length === 1 && object) {
    const id = importId(resource.type, object, resource.inputs);
    return {
      kind: "pending_create_succeeded",
      ...base,
      oktaId: str(object["id"]),
      importSpec: { type: resource.type, name: resource.name, id, ...(parentUrn ? { parentUrn } : {}) },
      message: `${resource.name} (${resource.type}) was interrupted while creating, and the org has it (${describe(resource.type, object)}): import it`,
    };
  }
  return {
    kind: "pending_create_ambiguous",
    ...base,
    message: `${resource.name} (${resource.type}) was interrupted while creating, and ${found.length} objects in the org match it: ${found.map((o) => describe(resource.type, o)).join(", ")}`,
    advice: "import the one that holds the settings you want (the oldest is the one the first attempt made) and delete the others",
  };
}

/** The servers the stack's objects hang on: in the state, named by the program or a pending create, or marked for the stack. */
async function serversOfStack(org: OrgReader, state: StateResource[], desired: DesiredResource[], pending: PendingOperation[], stackId: string): Promise<Json[]> {
  const ids = new Set(state.filter((r) => r.type === T.authServer || r.type === T.authServerDefault).map((r) => r.id));
  const names = new Set([...desired, ...pending.map((p) => p.resource)].filter((r) => r.type === T.authServer).map((r) => str(r.inputs["name"])));
  const adoptsDefault = [...state, ...desired].some((r) => r.type === T.authServerDefault);
  return (await org.servers()).filter((s) => ids.has(str(s["id"])) || names.has(str(s["name"])) || (adoptsDefault && s["default"] === true) || markerOf(s)?.stackId === stackId);
}

/** What stops tokens from working although `pulumi preview` is clean. */
async function tokenBlockers(org: OrgReader, state: StateResource[], stackId: string): Promise<Finding[]> {
  const findings: Finding[] = [];
  const clientIds = new Set(state.filter((r) => r.type === T.oauthApp).flatMap((r) => [r.id, prop(r, "clientId")]).filter((id): id is string => Boolean(id)));
  const servers = state.filter((r) => (r.type === T.authServer || r.type === T.authServerDefault) && r.id);

  for (const server of servers) {
    const serverId = server.id ?? "";
    const orgServer = (await org.servers()).find((s) => s["id"] === serverId);
    if (!orgServer) continue;
    const serverName = str(orgServer["name"]);

    if (server.type === T.authServerDefault) {
      const owner = markerOf(orgServer)?.stackId;
      if (owner !== undefined && owner !== stackId) {
        findings.push({
          kind: "default_server_taken",
          urn: server.urn,
          type: server.type,
          name: server.name,
          oktaId: serverId,
          message: `Okta's "default" server, which this stack's state adopts, carries stack ${owner}'s marker: that stack rewrites its audience, claims and policies`,
          advice: "decide which stack owns default; move the other to a custom authorizationServer or per-component mode (docs/operations.md, Adopting default)",
        });
      }
    }

    const policies = await org.serverChildren(serverId, "policies");
    const ours = state.filter((r) => r.type === T.serverPolicy && prop(r, "authServerId") === serverId).map((r) => policies.find((p) => p["id"] === r.id)).filter((p): p is Json => p !== undefined);
    const ourIds = new Set(ours.map((p) => p["id"]));
    const ourPriority = Math.min(...ours.map((p) => Number(p["priority"] ?? Infinity)));
    for (const other of ours.length === 0 ? [] : policies) {
      if (ourIds.has(other["id"]) || other["status"] !== "ACTIVE") continue;
      const include = ((other["conditions"] as Json | undefined)?.["clients"] as Json | undefined)?.["include"];
      const admitted = Array.isArray(include) ? include.map(String) : [];
      const covers = admitted.includes("ALL_CLIENTS") || admitted.some((c) => clientIds.has(c));
      if (covers && Number(other["priority"]) < ourPriority) {
        findings.push({
          kind: "policy_shadowed",
          oktaId: str(other["id"]),
          message: `on server ${serverName}, the active policy ${JSON.stringify(other["name"])} (priority ${String(other["priority"])}) is evaluated before this stack's (priority ${ourPriority}) and admits its apps (${admitted.includes("ALL_CLIENTS") ? "ALL_CLIENTS" : "by client ID"}): when one of its rules matches, its grants, scopes and lifetimes decide the tokens`,
          advice: `deactivate it, or narrow its clients, if the Stacklok apps must not get tokens from it (admin console: Security > API > Authorization Servers > ${serverName} > Access Policies)`,
        });
      }
    }

    const claims = await org.serverChildren(serverId, "claims");
    const ourClaims = state.filter((r) => r.type === T.serverClaim && prop(r, "authServerId") === serverId);
    for (const claimResource of ourClaims) {
      const name = prop(claimResource, "name");
      for (const other of claims) {
        if (other["name"] !== name || other["id"] === claimResource.id || other["system"] === true) continue;
        findings.push({
          kind: "claim_conflict",
          urn: claimResource.urn,
          oktaId: str(other["id"]),
          message: `on server ${serverName}, the ${String(other["claimType"])} claim ${JSON.stringify(name)} (${str(other["id"])}, ${String(other["status"])}) that the state does not hold has the name of this stack's claim ${claimResource.name}: tokens or userinfo carry that claim from another source`,
          advice: "delete or rename the other claim unless something relies on it",
        });
      }
    }

    findings.push(...(await groupsClaimOverflow(org, state, ourClaims, claims, serverName)));
  }
  return findings;
}

/** Users whose groups matching a groups claim's filter exceed Okta's 100: Okta fails their token requests. */
async function groupsClaimOverflow(org: OrgReader, state: StateResource[], ourClaims: StateResource[], claims: Json[], serverName: string): Promise<Finding[]> {
  const findings: Finding[] = [];
  const assignedGroups = [...new Set(state.filter((r) => r.type === T.appGroupAssignments).flatMap((r) => {
    const groups = r.outputs["groups"] ?? r.inputs["groups"];
    return Array.isArray(groups) ? groups.map((g) => str((g as Json)["id"])) : [];
  }))].filter(Boolean);
  for (const claimResource of ourClaims) {
    const claim = claims.find((c) => c["id"] === claimResource.id);
    if (!claim || claim["valueType"] !== "GROUPS" || claim["status"] !== "ACTIVE") continue;
    const filterType = str(claim["group_filter_type"]);
    const value = str(claim["value"]);
    const users = new Map<string, string>();
    for (const groupId of assignedGroups) {
      if (!(await org.group(groupId))) continue;
      for (const user of await org.groupMembers(groupId)) users.set(str(user["id"]), str((user["profile"] as Json | undefined)?.["login"]));
    }
    const over: string[] = [];
    for (const [userId, login] of users) {
      const names = (await org.userGroups(userId)).map((g) => str((g["profile"] as Json | undefined)?.["name"]));
      let matching: number;
      try {
        matching = names.filter((n) => groupMatchesFilter(n, filterType, value)).length;
      } catch {
        break; // A filter the doctor cannot evaluate (a Java-only regex construct): nothing to say.
      }
      if (matching > GROUPS_CLAIM_LIMIT) over.push(`${login} (${matching})`);
    }
    if (over.length > 0) {
      findings.push({
        kind: "groups_claim_overflow",
        urn: claimResource.urn,
        oktaId: str(claim["id"]),
        message: `on server ${serverName}, ${over.length} user(s) are in more than ${GROUPS_CLAIM_LIMIT} groups matching the ${claimResource.name} filter ${filterType} ${JSON.stringify(value)}, so Okta fails their token requests: ${over.slice(0, 10).join(", ")}${over.length > 10 ? ", …" : ""}`,
        advice: "narrow the claim, e.g. stacklok-identity:claims.groups.groupsRegex stacklok-.*, then pulumi up",
      });
    }
  }
  return findings;
}
