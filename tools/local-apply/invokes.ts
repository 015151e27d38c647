/**
 * The data sources the program reads, answered from the org the way
 * terraform-provider-okta's data sources query it.
 */
import type { Json } from "./http";
import { asJson, type Props, type ProviderSession } from "./provider";
import { authServerState } from "./resources/authServer";

/** An invoke failure as the engine reports it: the SDK reads the message from `details`. */
export class InvokeError extends Error {
  readonly details: string;
  constructor(message: string) {
    super(message);
    this.details = message;
  }
}

/**
 * okta/services/idaas/data_source_okta_auth_server.go: a `q=<name>` search
 * (limit 200), then the entry whose name matches exactly.
 */
async function getServer(session: ProviderSession, args: Props): Promise<Props> {
  const name = typeof args["name"] === "string" ? args["name"] : "";
  const servers = await session.http.send<Json[]>("GET", `/api/v1/authorizationServers?q=${encodeURIComponent(name)}&limit=200`);
  const server = [...(servers.body ?? [])].reverse().find((s) => s["name"] === name);
  if (!server) throw new InvokeError(`authorization server with name '${name}' does not exist`);
  return { ...authServerState(server), id: server["id"] };
}

/**
 * okta/services/idaas/data_source_okta_group.go findGroup: `q=<name>` is a
 * starts-with search; one hit is taken as is, several need an exact name
 * (and type, when given).
 */
async function findGroup(session: ProviderSession, name: string, type: string | undefined): Promise<Json> {
  const query = `q=${encodeURIComponent(name)}` + (type === undefined ? "" : `&filter=${encodeURIComponent(`type eq "${type}"`)}`);
  const groups = (await session.http.send<Json[]>("GET", `/api/v1/groups?${query}`)).body ?? [];
  const label = type === undefined ? `name "${name}"` : `name "${name}" and type "${type}"`;
  if (groups.length < 1) throw new InvokeError(`group with ${label} does not exist`);
  if (groups.length === 1) return groups[0] as Json;
  const exact = groups.find((g) => asJson(g["profile"])["name"] === name && (type === undefined || g["type"] === type));
  if (!exact) throw new InvokeError(`group starting with ${label} matches ${groups.length} groups, select a more precise name parameter`);
  return exact;
}

/** okta/services/idaas/data_source_okta_everyone_group.go: findGroup("Everyone"). */
async function getEveryoneGroup(session: ProviderSession, args: Props): Promise<Props> {
  if (args["includeUsers"] === true) throw new InvokeError("getEveryoneGroup with includeUsers is not emulated");
  const group = await findGroup(session, "Everyone", undefined);
  return { id: group["id"], description: asJson(group["profile"])["description"] ?? "", includeUsers: false };
}

async function getGroup(session: ProviderSession, args: Props): Promise<Props> {
  if (args["includeUsers"] === true) throw new InvokeError("getGroup with includeUsers is not emulated");
  if (typeof args["id"] === "string" && args["id"] !== "") {
    throw new InvokeError("getGroup by id is not emulated; look the group up by name");
  }
  const name = typeof args["name"] === "string" ? args["name"] : "";
  const type = typeof args["type"] === "string" ? args["type"] : undefined;
  const group = await findGroup(session, name, type);
  const profile = asJson(group["profile"]);
  return { id: group["id"], name: profile["name"] ?? "", description: profile["description"] ?? "", type: group["type"] ?? "", includeUsers: false };
}

export const INVOKES: Record<string, (session: ProviderSession, args: Props) => Promise<Props>> = {
  "okta:auth/getServer:getServer": getServer,
  "okta:group/getEveryoneGroup:getEveryoneGroup": getEveryoneGroup,
  "okta:group/getGroup:getGroup": getGroup,
};
