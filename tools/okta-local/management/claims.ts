/**
 * `/api/v1/authorizationServers/{as}/claims`. Shapes recorded in
 * terraform-provider-okta's `TestAccResourceOktaAuthServerClaim_create`,
 * `_groupType` and `…ClaimDefault_crud` (oie-00): `conditions` normalised to
 * `{"scopes": […]}`, `group_filter_type` (snake_case) only on GROUPS claims.
 */
import { z } from "zod";
import { forbidden, validationFailed } from "../errors";
import { compileGroupRegex } from "../oauth/claims";
import type { OktaJson, OrgState } from "../store";
import { requireServerId, serverPath } from "./authorizationServers";
import { lookup, params, parseBody, selfLink, type ManagementContext, type ManagementRoutes } from "./shared";

/**
 * The claims every new server has, all `"system": true`, in the order Okta
 * lists them (recorded: `TestAccDataSourceOktaAuthServerClaim_read`,
 * `TestAccResourceOktaAuthServerClaimDefault_crud`; the same order in both).
 * `sub` is the one RESOURCE claim; the IDENTITY ones are SYSTEM claims without
 * a `value` (recorded), included always only for `name`, `preferred_username`
 * and `email`.
 */
const SUB_VALUE = "(appuser != null) ? appuser.userName : app.clientId";
const SYSTEM_CLAIMS: [name: string, scope: string | undefined, alwaysIncludeInToken: boolean][] = [
  ["middle_name", "profile", false],
  ["zoneinfo", "profile", false],
  ["website", "profile", false],
  ["updated_at", "profile", false],
  ["profile", "profile", false],
  ["preferred_username", "profile", true],
  ["picture", "profile", false],
  ["phone_number", "phone", false],
  ["nickname", "profile", false],
  ["name", "profile", true],
  ["sub", undefined, true],
  ["locale", "profile", false],
  ["given_name", "profile", false],
  ["gender", "profile", false],
  ["family_name", "profile", false],
  ["email_verified", "email", false],
  ["email", "email", true],
  ["birthdate", "profile", false],
  ["address", "address", false],
];

export function systemClaims(): OktaJson[] {
  return SYSTEM_CLAIMS.map(([name, scope, alwaysIncludeInToken]) =>
    scope === undefined
      ? { name, status: "ACTIVE", claimType: "RESOURCE", valueType: "EXPRESSION", value: SUB_VALUE, conditions: { scopes: [] }, system: true, alwaysIncludeInToken, apiResourceId: null }
      : { name, status: "ACTIVE", claimType: "IDENTITY", valueType: "SYSTEM", conditions: { scopes: [scope] }, system: true, alwaysIncludeInToken, apiResourceId: null },
  );
}

const claimBody = z.looseObject({
  name: z.string({ message: "The field cannot be left blank" }).min(1, "The field cannot be left blank").max(255),
  status: z.enum(["ACTIVE", "INACTIVE"]).optional(),
  claimType: z.enum(["RESOURCE", "IDENTITY"], { message: "claimType must be RESOURCE or IDENTITY" }),
  valueType: z.enum(["EXPRESSION", "GROUPS", "SYSTEM"], { message: "valueType must be EXPRESSION, GROUPS or SYSTEM" }),
  value: z.string().max(1024).optional(),
  conditions: z.looseObject({ scopes: z.array(z.string()).optional() }).optional(),
  alwaysIncludeInToken: z.boolean().optional(),
  // ASSUMPTION: an empty filter type (clients that send every field) means none.
  group_filter_type: z.preprocess((v) => (v === "" ? undefined : v), z.enum(["STARTS_WITH", "EQUALS", "CONTAINS", "REGEX"]).optional()),
});
type ClaimBody = z.infer<typeof claimBody>;

/**
 * A duplicate name is refused with 400 `Api validation failed: name` (Okta's
 * own okta-cli treats exactly that answer as "claim exists":
 * `DefaultAuthorizationServerConfigureService.java`).
 * ASSUMPTION: names are unique per claim type, since Okta lets an ID-token
 * claim and an access-token claim share a name (e.g. `groups` in both).
 */
function assertUniqueName(state: OrgState, serverId: string, body: ClaimBody, exceptId?: string): void {
  const taken = Object.values(state.claims[serverId] ?? {}).some((c) => c.id !== exceptId && c.name === body.name && c.claimType === body.claimType);
  if (taken) throw validationFailed([{ field: "name", message: `a ${body.claimType} claim named ${JSON.stringify(body.name)} already exists` }]);
}

/**
 * Claim names Okta reserves for the tokens it mints. Access tokens: `ver`,
 * `jti`, `iss`, `aud`, `sub`, `iat`, `exp`, `cid`, `uid`, `scp`, `auth_time`,
 * `acr` (Okta's access-token reference, "Reserved claims in the payload
 * section"), plus `amr`, `as_uri`, `rpt`, `rsi`, `username`, `token_type`
 * (Okta support, "OIDC Bearer Tokens: List of Reserved Claims",
 * support.okta.com/help/s/article/list-of-reserved-claim-names). That
 * article also lists `groups`, but Okta's own groups-claim guide creates an
 * access-token claim named `groups`, so okta-local accepts it. ID tokens: the
 * claims Okta sets itself (OpenID Connect Core 2 and Okta's ID token
 * reference): `iss`, `sub`, `aud`, `exp`, `iat`, `auth_time`, `nonce`, `acr`,
 * `amr`, `azp`, `at_hash`, `c_hash`, `jti`, `ver`, `idp`.
 * ASSUMPTION: Okta refuses them with E0000001 on `name`; the exact text is not recorded.
 */
const RESERVED_CLAIM_NAMES: Record<"RESOURCE" | "IDENTITY", ReadonlySet<string>> = {
  RESOURCE: new Set(["ver", "jti", "iss", "aud", "sub", "iat", "exp", "cid", "uid", "scp", "auth_time", "acr", "amr", "as_uri", "rpt", "rsi", "username", "token_type"]),
  IDENTITY: new Set(["iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "azp", "at_hash", "c_hash", "jti", "ver", "idp"]),
};

function claimFields(body: ClaimBody, current?: OktaJson): OktaJson {
  const problems: { field: string; message: string }[] = [];
  if (current?.system !== true && RESERVED_CLAIM_NAMES[body.claimType].has(body.name)) {
    problems.push({ field: "name", message: `${JSON.stringify(body.name)} is a reserved claim name in ${body.claimType === "RESOURCE" ? "access" : "ID"} tokens` });
  }
  if (body.valueType === "SYSTEM" && current?.system !== true) problems.push({ field: "valueType", message: "SYSTEM is reserved for Okta's system claims" });
  if ((body.valueType === "EXPRESSION" || body.valueType === "GROUPS") && !body.value) problems.push({ field: "value", message: "The field cannot be left blank" });
  // ASSUMPTION: a GROUPS claim needs its filter type (Okta's admin console requires one).
  if (body.valueType === "GROUPS" && !body.group_filter_type) problems.push({ field: "group_filter_type", message: "a GROUPS claim needs STARTS_WITH, EQUALS, CONTAINS or REGEX" });
  // ASSUMPTION: Okta compiles a REGEX filter when the claim is saved and refuses one Java cannot compile with E0000001 on `value`.
  // A Java construct okta-local cannot translate is accepted here, as Okta accepts it, and answered 501 at the token endpoint.
  if (body.valueType === "GROUPS" && body.group_filter_type === "REGEX" && body.value) {
    const compiled = compileGroupRegex(body.value);
    if (compiled.kind === "invalid") problems.push({ field: "value", message: `not a valid regular expression: ${compiled.reason} (got ${JSON.stringify(body.value)})` });
  }
  if (problems.length) throw validationFailed(problems);
  const fields: OktaJson = {
    name: body.name,
    status: body.status ?? "ACTIVE",
    claimType: body.claimType,
    valueType: body.valueType,
    value: body.value ?? "",
    conditions: { scopes: body.conditions?.scopes ?? [] },
    // "always TRUE for access token Claims" (management API spec, OAuth2Claim.alwaysIncludeInToken).
    // ASSUMPTION: an ID-token claim sent without it is included always, the admin console's default.
    alwaysIncludeInToken: body.claimType === "RESOURCE" ? true : (body.alwaysIncludeInToken ?? true),
    apiResourceId: null,
  };
  if (body.valueType === "GROUPS") fields.group_filter_type = body.group_filter_type;
  return fields;
}

function render(ctx: ManagementContext, serverHref: string, claim: OktaJson): OktaJson {
  return { ...claim, _links: { self: selfLink(ctx, `${serverHref}/claims/${String(claim.id)}`, ["GET", "PUT", "DELETE"]) } };
}

export const claimRoutes: ManagementRoutes = (app, ctx) => {
  const { store } = ctx;
  const base = "/api/v1/authorizationServers/:serverId/claims";

  app.get(base, (request) => {
    const serverId = requireServerId(store.state, params(request).serverId ?? "");
    return Object.values(store.state.claims[serverId] ?? {}).map((c) => render(ctx, serverPath(request), c));
  });

  app.post(base, (request, reply) => {
    const body = parseBody(claimBody, request.body);
    const claim = store.mutate((s) => {
      const serverId = requireServerId(s, params(request).serverId ?? "");
      assertUniqueName(s, serverId, body);
      const id = store.newId("ocl");
      const claim: OktaJson = { id, ...claimFields(body), system: false };
      (s.claims[serverId] ??= {})[id] = claim;
      return claim;
    });
    return reply.code(201).send(render(ctx, serverPath(request), claim));
  });

  app.get(`${base}/:claimId`, (request) => {
    const serverId = requireServerId(store.state, params(request).serverId ?? "");
    return render(ctx, serverPath(request), lookup(store.state.claims[serverId], params(request).claimId ?? "", "OAuth2Claim"));
  });

  // Recorded: PUT may change name, status and value, and system claims can be updated (e.g. `address` made always-included).
  app.put(`${base}/:claimId`, (request) => {
    const body = parseBody(claimBody, request.body);
    const claim = store.mutate((s) => {
      const serverId = requireServerId(s, params(request).serverId ?? "");
      const current = lookup(s.claims[serverId], params(request).claimId ?? "", "OAuth2Claim");
      assertUniqueName(s, serverId, body, String(current.id));
      const fields = claimFields(body, current);
      if (current.system === true) {
        // ASSUMPTION: a system claim keeps its name, type and value; its status, scopes and inclusion can change.
        const updated = { ...current, status: fields.status, conditions: fields.conditions, alwaysIncludeInToken: body.alwaysIncludeInToken ?? current.alwaysIncludeInToken };
        (s.claims[serverId] ??= {})[String(current.id)] = updated;
        return updated;
      }
      const updated: OktaJson = { id: current.id, ...fields, system: false };
      (s.claims[serverId] ??= {})[String(current.id)] = updated;
      return updated;
    });
    return render(ctx, serverPath(request), claim);
  });

  app.delete(`${base}/:claimId`, (request, reply) => {
    store.mutate((s) => {
      const serverId = requireServerId(s, params(request).serverId ?? "");
      const current = lookup(s.claims[serverId], params(request).claimId ?? "", "OAuth2Claim");
      // ASSUMPTION: system claims cannot be deleted (terraform-provider-okta skips the delete for them).
      if (current.system === true) throw forbidden(`system claim ${String(current.name)} cannot be deleted`);
      delete s.claims[serverId]?.[String(current.id)];
    });
    return reply.code(204).send();
  });
};
