/**
 * `/api/v1/authorizationServers/{as}/scopes`. Shape recorded in
 * terraform-provider-okta's `TestAccResourceOktaAuthServerScope_crud/oie-00`;
 * name rules from Okta's authorization server API reference ("Scopes are
 * unique per authorization server"; printable ASCII without space, `"` or `\`;
 * not starting with `okta.` or `okta:`, not `okta` or `*`).
 */
import { z } from "zod";
import { forbidden, validationFailed } from "../errors";
import type { OktaJson, OrgState } from "../store";
import { requireServerId, serverPath } from "./authorizationServers";
import { ALREADY_EXISTS, lookup, params, parseBody, selfLink, type ManagementContext, type ManagementRoutes } from "./shared";

/**
 * The system scopes every new server has, `"system": true`, with the display
 * names and descriptions Okta shows on its consent screen (recorded on the
 * default server, `TestAccDataSourceOktaAuthServerScopes_read`).
 * ASSUMPTION: a custom server's system scopes read the same.
 */
const SYSTEM_SCOPES: [name: string, displayName: string, description: string][] = [
  ["openid", "openid", "Signals that a request is an OpenID request."],
  ["profile", "View your profile information.", "The exact data varies based on what profile information you have provided, such as: name, time zone, picture, or birthday."],
  ["email", "View your email address.", "This allows the app to view your email address."],
  ["address", "View your address.", "This allows the app to view your address, such as: street address, city, state, and zip code."],
  ["phone", "View your phone number.", "This allows the app to view your phone number."],
  ["offline_access", "Keep you signed in to the app.", "This keeps you signed in to the app, even when you are not using it."],
  ["device_sso", "Request device secret.", "This allows you to single sign on between native client applications on your device."],
];

export function systemScopes(): OktaJson[] {
  // Recorded: IMPLICIT consent and published to all clients.
  return SYSTEM_SCOPES.map(([name, displayName, description]) => ({
    name,
    displayName,
    description,
    system: true,
    metadataPublish: "ALL_CLIENTS",
    consent: "IMPLICIT",
    optional: false,
    apiResourceId: null,
    default: false,
  }));
}

export function scopeNameProblem(name: string): string | undefined {
  if (name === "okta" || name === "*") return `"${name}" is reserved`;
  if (name.startsWith("okta.") || name.startsWith("okta:")) return "a scope name must not start with okta. or okta:";
  if (!/^[\x21-\x7e]+$/.test(name) || /["\\]/.test(name)) return 'a scope name is printable ASCII without spaces, " or \\';
  return undefined;
}

const scopeBody = z.looseObject({
  name: z.string({ message: "The field cannot be left blank" }).min(1, "The field cannot be left blank").max(300),
  displayName: z.string().max(255).optional(),
  description: z.string().max(1000).optional(),
  consent: z.enum(["REQUIRED", "IMPLICIT", "FLEXIBLE"]).optional(),
  metadataPublish: z.enum(["ALL_CLIENTS", "NO_CLIENTS"]).optional(),
  default: z.boolean().optional(),
  optional: z.boolean().optional(),
});

function assertScope(state: OrgState, serverId: string, name: string, exceptId?: string): void {
  const problem = scopeNameProblem(name);
  if (problem) throw validationFailed([{ field: "name", message: `${problem} (got ${JSON.stringify(name)})` }]);
  // ASSUMPTION: Okta's response to a duplicate is not recorded; it is refused the way Okta refuses other duplicate fields.
  const taken = Object.values(state.scopes[serverId] ?? {}).some((s) => s.id !== exceptId && s.name === name);
  if (taken) throw validationFailed([{ field: "name", message: ALREADY_EXISTS }]);
}

function render(ctx: ManagementContext, serverHref: string, scope: OktaJson): OktaJson {
  return { ...scope, _links: { self: selfLink(ctx, `${serverHref}/scopes/${String(scope.id)}`, ["GET", "PUT", "DELETE"]) } };
}

export const scopeRoutes: ManagementRoutes = (app, ctx) => {
  const { store } = ctx;
  const base = "/api/v1/authorizationServers/:serverId/scopes";

  app.get(base, (request) => {
    const serverId = requireServerId(store.state, params(request).serverId ?? "");
    return Object.values(store.state.scopes[serverId] ?? {}).map((s) => render(ctx, serverPath(request), s));
  });

  app.post(base, (request, reply) => {
    const body = parseBody(scopeBody, request.body);
    const scope = store.mutate((s) => {
      const serverId = requireServerId(s, params(request).serverId ?? "");
      assertScope(s, serverId, body.name);
      const id = store.newId("scp");
      const scope: OktaJson = {
        id,
        name: body.name,
        ...(body.displayName !== undefined ? { displayName: body.displayName } : {}),
        ...(body.description !== undefined ? { description: body.description } : {}),
        system: false,
        // Defaults: management API spec (`metadataPublish` NO_CLIENTS, `consent` IMPLICIT).
        metadataPublish: body.metadataPublish ?? "NO_CLIENTS",
        consent: body.consent ?? "IMPLICIT",
        optional: body.optional ?? false,
        apiResourceId: null,
        default: body.default ?? false,
      };
      (s.scopes[serverId] ??= {})[id] = scope;
      return scope;
    });
    return reply.code(201).send(render(ctx, serverPath(request), scope));
  });

  app.get(`${base}/:scopeId`, (request) => {
    const serverId = requireServerId(store.state, params(request).serverId ?? "");
    return render(ctx, serverPath(request), lookup(store.state.scopes[serverId], params(request).scopeId ?? "", "OAuth2Scope"));
  });

  app.put(`${base}/:scopeId`, (request) => {
    const body = parseBody(scopeBody, request.body);
    const scope = store.mutate((s) => {
      const serverId = requireServerId(s, params(request).serverId ?? "");
      const current = lookup(s.scopes[serverId], params(request).scopeId ?? "", "OAuth2Scope");
      // ASSUMPTION: a system scope keeps its name (Okta's admin console does not let it be renamed).
      if (current.system === true && body.name !== current.name) throw forbidden(`system scope ${String(current.name)} cannot be renamed`);
      assertScope(s, serverId, body.name, String(current.id));
      Object.assign(current, {
        name: body.name,
        ...(body.displayName !== undefined ? { displayName: body.displayName } : {}),
        ...(body.description !== undefined ? { description: body.description } : {}),
        metadataPublish: body.metadataPublish ?? current.metadataPublish,
        consent: body.consent ?? current.consent,
        optional: body.optional ?? current.optional,
        default: body.default ?? current.default,
      });
      return current;
    });
    return render(ctx, serverPath(request), scope);
  });

  app.delete(`${base}/:scopeId`, (request, reply) => {
    store.mutate((s) => {
      const serverId = requireServerId(s, params(request).serverId ?? "");
      const current = lookup(s.scopes[serverId], params(request).scopeId ?? "", "OAuth2Scope");
      // ASSUMPTION: system scopes cannot be deleted (Okta's admin console offers no delete for them).
      if (current.system === true) throw forbidden(`system scope ${String(current.name)} cannot be deleted`);
      delete s.scopes[serverId]?.[String(current.id)];
    });
    return reply.code(204).send();
  });
};
