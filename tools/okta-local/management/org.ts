/**
 * Org-wide endpoints: `/.well-known/okta-organization` (the pipeline probe
 * terraform-provider-okta makes before binding an app's sign-on policy),
 * org-level policies (`GET /api/v1/policies?type=ACCESS_POLICY`, where exactly
 * one entry has `system: true`; the provider dereferences it), and the
 * default user schema.
 */
import { z } from "zod";
import { notEmulated, validationFailed } from "../errors";
import type { OktaJson, OrgState } from "../store";
import { lookup, params, parseBody, query, selfLink, timestamp, type ManagementContext, type ManagementRoutes } from "./shared";

/** An OIE org's system app sign-on policy (the provider needs one `system: true` ACCESS_POLICY). */
export function defaultAccessPolicy(id: string): OktaJson {
  const now = timestamp();
  return {
    id,
    status: "ACTIVE",
    name: "Default Policy",
    description: "The default app sign-on policy",
    priority: 1,
    system: true,
    conditions: null,
    created: now,
    lastUpdated: now,
    type: "ACCESS_POLICY",
  };
}

/**
 * The default user schema's base profile, as Okta's management API spec and the
 * recorded schema show it (`definitions.base.required` = login, firstName, email).
 */
const BASE_PROPERTIES: OktaJson = {
  login: { title: "Username", type: "string", required: true, mutability: "READ_WRITE", scope: "NONE", minLength: 5, maxLength: 100, permissions: [{ principal: "SELF", action: "READ_ONLY" }], master: { type: "PROFILE_MASTER" }, pattern: ".+" },
  firstName: { title: "First name", type: "string", required: true, mutability: "READ_WRITE", scope: "NONE", minLength: 1, maxLength: 50, permissions: [{ principal: "SELF", action: "READ_WRITE" }], master: { type: "PROFILE_MASTER" } },
  lastName: { title: "Last name", type: "string", required: false, mutability: "READ_WRITE", scope: "NONE", minLength: 1, maxLength: 50, permissions: [{ principal: "SELF", action: "READ_WRITE" }], master: { type: "PROFILE_MASTER" } },
  email: { title: "Primary email", type: "string", required: true, format: "email", mutability: "READ_WRITE", scope: "NONE", permissions: [{ principal: "SELF", action: "READ_WRITE" }], master: { type: "PROFILE_MASTER" } },
};

const CUSTOM_PROPERTY_TYPES = ["string", "boolean", "number", "integer", "array"] as const;
const customProperty = z.looseObject({
  title: z.string({ message: "The field cannot be left blank" }).min(1, "The field cannot be left blank"),
  type: z.enum(CUSTOM_PROPERTY_TYPES, { message: `type must be one of ${CUSTOM_PROPERTY_TYPES.join(", ")}` }),
  description: z.string().optional(),
  required: z.boolean().optional(),
  mutability: z.enum(["READ_WRITE", "READ_ONLY", "IMMUTABLE"]).optional(),
  items: z.looseObject({}).optional(),
});
const schemaBody = z.looseObject({
  definitions: z.looseObject({
    custom: z.looseObject({ properties: z.record(z.string(), customProperty.nullable()).optional() }).optional(),
    base: z.unknown().optional(),
  }),
});

/** ASSUMPTION: custom property names follow Okta's variable-name rule (letter first, then letters, digits, `_`). */
const PROPERTY_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

export function renderUserSchema(ctx: ManagementContext, state: OrgState): OktaJson {
  const properties = state.userSchemaCustomProperties;
  const required = Object.entries(properties).filter(([, p]) => p.required === true).map(([name]) => name);
  const custom: OktaJson = { id: "#custom", type: "object", properties };
  // Recorded: `required: []` appears beside custom properties; an emptied custom schema is `{id, type, properties: {}}`.
  if (Object.keys(properties).length) custom.required = required;
  return {
    id: `${ctx.orgUrl()}/meta/schemas/user/default`,
    $schema: "http://json-schema.org/draft-04/schema#",
    name: "user",
    title: "User",
    description: "Okta user profile template with default permission settings",
    lastUpdated: state.userSchemaMeta.lastUpdated,
    created: state.userSchemaMeta.created,
    definitions: {
      custom,
      base: { id: "#base", type: "object", properties: BASE_PROPERTIES, required: ["login", "firstName", "email"] },
    },
    type: "object",
    properties: { profile: { allOf: [{ $ref: "#/definitions/custom" }, { $ref: "#/definitions/base" }] } },
    _links: { self: selfLink(ctx, "/api/v1/meta/schemas/user/default", ["GET", "POST"]), type: selfLink(ctx, "/api/v1/meta/types/user/default") },
  };
}

export const orgRoutes: ManagementRoutes = (app, ctx) => {
  const { store } = ctx;

  // `pipeline: "idx"` is an Identity Engine org; the provider then binds the app's sign-on policy.
  app.get("/.well-known/okta-organization", () => ({
    id: store.state.org.id,
    pipeline: "idx",
    _links: { organization: { href: ctx.orgUrl() }, alternate: { href: ctx.orgUrl() } },
  }));

  app.get("/api/v1/policies", (request) => {
    const type = query(request).type;
    // ASSUMPTION: only app sign-on policies (ACCESS_POLICY) are emulated; other types answer 501, not an empty list.
    if (type !== "ACCESS_POLICY") throw notEmulated("GET", `/api/v1/policies?type=${type ?? ""}`);
    return Object.values(store.state.orgPolicies).filter((p) => p.type === type).map((p) => ({ ...p, _links: { self: selfLink(ctx, `/api/v1/policies/${String(p.id)}`) } }));
  });

  app.get("/api/v1/policies/:policyId", (request) => {
    const policy = lookup(store.state.orgPolicies, params(request).policyId ?? "", "Policy");
    return { ...policy, _links: { self: selfLink(ctx, `/api/v1/policies/${String(policy.id)}`) } };
  });

  app.get("/api/v1/meta/schemas/user/default", () => renderUserSchema(ctx, store.state));

  /**
   * The provider's `okta_user_schema_property` POSTs `definitions.custom.properties`
   * as a merge patch: a property set to `null` is removed (recorded); the answer is
   * the whole schema, serialising each property as the GET does (the provider
   * compares them with reflect.DeepEqual). Recorded: the property gains
   * `mutability: "READ_WRITE"`.
   */
  app.post("/api/v1/meta/schemas/user/default", (request) => {
    const body = parseBody(schemaBody, request.body);
    if (body.definitions.base !== undefined) throw notEmulated("POST", "/api/v1/meta/schemas/user/default with definitions.base");
    const patch = body.definitions.custom?.properties ?? {};
    const badNames = Object.keys(patch).filter((name) => !PROPERTY_NAME.test(name));
    if (badNames.length) throw validationFailed(badNames.map((name) => ({ field: `definitions.custom.properties.${name}`, message: "a property name starts with a letter and holds letters, digits and _" })));
    store.mutate((s) => {
      for (const [name, property] of Object.entries(patch)) {
        if (property === null) delete s.userSchemaCustomProperties[name];
        else s.userSchemaCustomProperties[name] = { ...property, mutability: property.mutability ?? "READ_WRITE" };
      }
      s.userSchemaMeta.lastUpdated = timestamp();
    });
    return renderUserSchema(ctx, store.state);
  });
};
