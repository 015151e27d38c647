/**
 * `/api/v1/authorizationServers`: custom authorization servers and the
 * pre-provisioned `default` server.
 * Shapes and statuses follow the recorded exchanges in terraform-provider-okta's
 * VCR cassettes (`TestAccResourceOktaAuthServer_fullStack/classic-00.yaml`) and
 * Okta's management API spec (okta-management-openapi-spec, AuthorizationServer).
 */
import { z } from "zod";
import { forbidden, notFound, validationFailed } from "../errors";
import { createSigningKey } from "../keys";
import type { OktaJson, OrgState, SigningKey } from "../store";
import { ALREADY_EXISTS, page, params, parseBody, query, selfLink, timestamp, type ManagementContext, type ManagementRoutes } from "./shared";
import { systemClaims } from "./claims";
import { systemScopes } from "./scopes";

/**
 * `audiences`: "Okta currently supports only one audience" (management API spec);
 * recorded 400 cause `audiences: 'audiences' must be an array with exactly one value.`
 * (reedship/simpleokta `auth_servers/invalid_create_auth_server.yml`).
 */
const ONE_AUDIENCE = "'audiences' must be an array with exactly one value.";

const authorizationServerBody = z.looseObject({
  // Recorded cause order: audiences before name.
  audiences: z.array(z.string().min(1, "an audience cannot be empty"), { message: ONE_AUDIENCE }).length(1, ONE_AUDIENCE),
  name: z.string({ message: "The field cannot be left blank" }).trim().min(1, "The field cannot be left blank").max(128, "name must be at most 128 characters"),
  description: z.string().max(1024).optional(),
  issuerMode: z.enum(["ORG_URL", "CUSTOM_URL", "DYNAMIC"]).optional(),
  credentials: z
    .looseObject({ signing: z.looseObject({ rotationMode: z.enum(["AUTO", "MANUAL"]).optional() }).optional() })
    .optional(),
});

/** Okta's AUTO rotation: `nextRotation` = `lastRotated` + 90 days (recorded). */
const AUTO_ROTATION_DAYS = 90;

export function signingCredentials(key: SigningKey, rotationMode: "AUTO" | "MANUAL", lastRotated: string): OktaJson {
  const signing: OktaJson = { kid: key.kid, rotationMode, lastRotated };
  // "only returned when rotationMode is AUTO" (management API spec); MANUAL has none (recorded).
  if (rotationMode === "AUTO") signing.nextRotation = new Date(Date.parse(lastRotated) + AUTO_ROTATION_DAYS * 86_400_000).toISOString();
  return { signing };
}

/** `default` reaches the server flagged `"default": true`; its real id is an `aus…` id (recorded). */
export function resolveServerId(state: OrgState, idOrAlias: string): string | undefined {
  if (Object.hasOwn(state.authorizationServers, idOrAlias)) return idOrAlias;
  if (idOrAlias === "default") return Object.values(state.authorizationServers).find((s) => s.default === true)?.id as string | undefined;
  return undefined;
}

export function requireServerId(state: OrgState, idOrAlias: string): string {
  const id = resolveServerId(state, idOrAlias);
  if (!id) throw notFound(idOrAlias, "AuthorizationServer");
  return id;
}

/**
 * The server's management path as the request named it (`default` stays the alias), for the
 * `_links` of what hangs off a server: scopes, claims, policies.
 */
export function serverPath(request: { params: unknown }): string {
  return `/api/v1/authorizationServers/${(request.params as { serverId: string }).serverId}`;
}

export function issuerFor(orgUrl: string, server: { id: string; default?: boolean }): string {
  // The default server's issuer uses the alias: `https://{org}/oauth2/default` (recorded).
  return `${orgUrl}/oauth2/${server.default ? "default" : server.id}`;
}

export function renderServer(ctx: ManagementContext, server: OktaJson): OktaJson {
  const pathId = server.default ? "default" : String(server.id);
  const base = `/api/v1/authorizationServers/${pathId}`;
  const issuer = `${ctx.orgUrl()}/oauth2/${pathId}`;
  return {
    ...server,
    _links: {
      rotateKey: { href: `${ctx.orgUrl()}${base}/credentials/lifecycle/keyRotate`, hints: { allow: ["POST"] } },
      metadata: [
        { name: "oauth-authorization-server", href: `${issuer}/.well-known/oauth-authorization-server`, hints: { allow: ["GET"] } },
        { name: "openid-configuration", href: `${issuer}/.well-known/openid-configuration`, hints: { allow: ["GET"] } },
      ],
      keys: selfLink(ctx, `${base}/credentials/keys`, ["GET"]),
      claims: selfLink(ctx, `${base}/claims`, ["GET", "POST"]),
      policies: selfLink(ctx, `${base}/policies`, ["GET", "POST"]),
      self: selfLink(ctx, base, ["GET", "DELETE", "PUT"]),
      scopes: selfLink(ctx, `${base}/scopes`, ["GET", "POST"]),
      ...(server.status === "ACTIVE"
        ? { deactivate: selfLink(ctx, `${base}/lifecycle/deactivate`, ["POST"]) }
        : { activate: selfLink(ctx, `${base}/lifecycle/activate`, ["POST"]) }),
    },
  };
}

/**
 * ASSUMPTION: server names are unique in an org, like group names; Okta's
 * docs do not say, and a duplicate is refused the way Okta refuses other
 * duplicate fields.
 */
function assertUniqueName(state: OrgState, name: string, exceptId?: string): void {
  const taken = Object.values(state.authorizationServers).some((s) => s.id !== exceptId && String(s.name).toLowerCase() === name.toLowerCase());
  if (taken) throw validationFailed([{ field: "name", message: ALREADY_EXISTS }]);
}

/** Adds a server with everything a new one has: system scopes and claims, a signing key, no policies (recorded). */
export function addAuthorizationServer(
  state: OrgState,
  ctx: { orgUrl: () => string; newId: (prefix: string) => string },
  input: { name: string; description?: string; audiences: string[]; issuerMode?: string; rotationMode: "AUTO" | "MANUAL"; isDefault?: boolean },
  key: SigningKey,
): OktaJson {
  const id = ctx.newId("aus");
  const now = timestamp();
  const server: OktaJson = {
    id,
    name: input.name,
    // Recorded: a server created without a description has `"description": null`.
    description: input.description ?? null,
    audiences: input.audiences,
    issuer: issuerFor(ctx.orgUrl(), { id, default: input.isDefault }),
    issuerMode: input.issuerMode ?? "ORG_URL",
    // The request carries no status; a new server is ACTIVE (recorded).
    status: "ACTIVE",
    created: now,
    lastUpdated: now,
    credentials: signingCredentials(key, input.rotationMode, now),
    default: input.isDefault === true,
  };
  state.authorizationServers[id] = server;
  state.signingKeys[id] = key;
  state.scopes[id] = {};
  for (const scope of systemScopes()) {
    const scopeId = ctx.newId("scp");
    state.scopes[id][scopeId] = { id: scopeId, ...scope };
  }
  state.claims[id] = {};
  for (const claim of systemClaims()) {
    const claimId = ctx.newId("ocl");
    state.claims[id][claimId] = { id: claimId, ...claim };
  }
  state.policies[id] = {};
  return server;
}

export const authorizationServerRoutes: ManagementRoutes = (app, ctx) => {
  const { store } = ctx;
  const base = "/api/v1/authorizationServers";

  app.get(base, (request, reply) => {
    // `q` "searches the name and audiences" (management API spec); ASSUMPTION: a case-insensitive prefix match, like groups' `q`.
    const q = query(request).q?.toLowerCase();
    const servers = Object.values(store.state.authorizationServers).filter(
      (s) => q === undefined || String(s.name).toLowerCase().startsWith(q) || (s.audiences as string[]).some((a) => a.toLowerCase().startsWith(q)),
    );
    return page(request, reply, ctx, servers, { defaultLimit: 200, maxLimit: 200 }).map((s) => renderServer(ctx, s));
  });

  app.post(base, async (request, reply) => {
    const body = parseBody(authorizationServerBody, request.body);
    // Checked before the (slow) key is made, and again inside the change for a racing create.
    assertUniqueName(store.state, body.name);
    const key = await createSigningKey();
    const server = store.mutate((s) => {
      assertUniqueName(s, body.name);
      return addAuthorizationServer(s, { orgUrl: ctx.orgUrl, newId: (p) => store.newId(p) }, {
        name: body.name,
        description: body.description,
        audiences: body.audiences,
        issuerMode: body.issuerMode,
        // Recorded (`TestAccResourceOktaAuthServer_gh299`): a create asking for MANUAL gets AUTO; only a PUT sets
        // MANUAL, which is why terraform-provider-okta's create follows a MANUAL server with an update.
        rotationMode: "AUTO",
      }, key);
    });
    return reply.code(201).send(renderServer(ctx, server));
  });

  app.get(`${base}/:serverId`, (request) => {
    const id = requireServerId(store.state, params(request).serverId ?? "");
    return renderServer(ctx, store.state.authorizationServers[id] ?? {});
  });

  app.put(`${base}/:serverId`, (request) => {
    const body = parseBody(authorizationServerBody, request.body);
    const server = store.mutate((s) => {
      const id = requireServerId(s, params(request).serverId ?? "");
      const current = s.authorizationServers[id] ?? {};
      assertUniqueName(s, body.name, id);
      const signing = (current.credentials as { signing: OktaJson }).signing;
      const key = s.signingKeys[id];
      const rotationMode = body.credentials?.signing?.rotationMode ?? (signing.rotationMode as "AUTO" | "MANUAL");
      const updated: OktaJson = {
        ...current,
        name: body.name,
        description: body.description ?? current.description,
        audiences: body.audiences,
        issuerMode: body.issuerMode ?? current.issuerMode,
        credentials: key ? signingCredentials(key, rotationMode, String(signing.lastRotated)) : current.credentials,
        lastUpdated: timestamp(),
      };
      s.authorizationServers[id] = updated;
      return updated;
    });
    return renderServer(ctx, server);
  });

  app.delete(`${base}/:serverId`, (request, reply) => {
    store.mutate((s) => {
      const id = requireServerId(s, params(request).serverId ?? "");
      // ASSUMPTION: the pre-provisioned default server cannot be deleted (Okta's admin console offers no delete for it).
      if (s.authorizationServers[id]?.default === true) throw forbidden("the default authorization server cannot be deleted");
      for (const policyId of Object.keys(s.policies[id] ?? {})) delete s.policyRules[policyId];
      delete s.authorizationServers[id];
      delete s.scopes[id];
      delete s.claims[id];
      delete s.policies[id];
      delete s.signingKeys[id];
    });
    return reply.code(204).send();
  });

  // Recorded: `POST …/lifecycle/deactivate` answers 204 with no body.
  for (const [action, status] of [["activate", "ACTIVE"], ["deactivate", "INACTIVE"]] as const) {
    app.post(`${base}/:serverId/lifecycle/${action}`, (request, reply) => {
      store.mutate((s) => {
        const id = requireServerId(s, params(request).serverId ?? "");
        const server = s.authorizationServers[id];
        if (server && server.status !== status) Object.assign(server, { status, lastUpdated: timestamp() });
      });
      return reply.code(204).send();
    });
  }

  // The keys `/v1/keys` publishes, with their status (management API spec); okta-local keeps one ACTIVE key per server.
  app.get(`${base}/:serverId/credentials/keys`, (request) => {
    const id = requireServerId(store.state, params(request).serverId ?? "");
    const key = store.state.signingKeys[id];
    return key ? [{ ...key.publicJwk, status: "ACTIVE" }] : [];
  });
};
