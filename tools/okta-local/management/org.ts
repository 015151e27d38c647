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

/**
 * The app sign-on policies (ACCESS_POLICY) every new Identity Engine org has,
 * in the order Okta lists them: recorded in orgs created from 2025-06 to
 * 2026-01 (`GET /api/v1/policies?type=ACCESS_POLICY` in the
 * terraform-provider-okta cassettes), each created with the org, priority 1,
 * `conditions: null`. "Any two factors" is the org's default (`system: true`),
 * the one terraform-provider-okta binds new apps to.
 */
const PRESET_ACCESS_POLICIES: { name: string; description?: string; system?: true; resourceType?: string }[] = [
  { name: "Okta Admin Console" },
  { name: "Okta Dashboard" },
  { name: "Okta Browser Plugin" },
  { name: "Any two factors", description: "Require two factors to access.", system: true },
  {
    name: "Okta Account Management Policy",
    description:
      "This policy defines how users must authenticate for authenticator enrollment, password reset, or unlock account. Password policy rules control whether to enforce this policy for password reset and unlock account.",
    resourceType: "END_USER_ACCOUNT_MANAGEMENT",
  },
];

export function presetAccessPolicies(newId: (prefix: string) => string): OktaJson[] {
  const now = timestamp();
  return PRESET_ACCESS_POLICIES.map((preset) => ({
    id: newId("rst"),
    status: "ACTIVE",
    name: preset.name,
    ...(preset.description === undefined ? {} : { description: preset.description }),
    priority: 1,
    system: preset.system === true,
    conditions: null,
    created: now,
    lastUpdated: now,
    _embedded: { resourceType: preset.resourceType ?? "APP" },
    type: "ACCESS_POLICY",
  }));
}

/**
 * The default user schema's base profile as a new org has it (recorded, most
 * recently in `TestAccResourceOktaUser_customProfileAttributes`, 2026): 31
 * string properties, `READ_WRITE`, scope `NONE`, mastered by the profile
 * master; login, firstName, lastName and email required. Each row: name,
 * title, what the user may do with it themselves (`SELF`), and its other keys.
 */
const BASE_PROPERTY_ROWS: [name: string, title: string, self: "READ_ONLY" | "READ_WRITE" | "HIDE", extra?: OktaJson][] = [
  ["login", "Username", "READ_ONLY", { required: true, minLength: 5, maxLength: 100 }],
  ["firstName", "First name", "READ_WRITE", { required: true, minLength: 1, maxLength: 50 }],
  ["lastName", "Last name", "READ_WRITE", { required: true, minLength: 1, maxLength: 50 }],
  ["middleName", "Middle name", "READ_ONLY"],
  ["honorificPrefix", "Honorific prefix", "READ_ONLY"],
  ["honorificSuffix", "Honorific suffix", "READ_ONLY"],
  ["email", "Primary email", "READ_WRITE", { required: true, format: "email" }],
  ["title", "Title", "READ_ONLY"],
  ["displayName", "Display name", "READ_ONLY"],
  ["nickName", "Nickname", "READ_ONLY"],
  ["profileUrl", "Profile Url", "READ_ONLY", { format: "uri" }],
  ["secondEmail", "Secondary email", "READ_WRITE", { format: "email" }],
  ["mobilePhone", "Mobile phone", "READ_WRITE", { maxLength: 100 }],
  ["primaryPhone", "Primary phone", "HIDE", { maxLength: 100 }],
  ["streetAddress", "Street address", "HIDE"],
  ["city", "City", "HIDE"],
  ["state", "State", "HIDE"],
  ["zipCode", "Zip code", "HIDE"],
  ["countryCode", "Country code", "HIDE", { format: "country-code" }],
  ["postalAddress", "Postal Address", "HIDE"],
  ["preferredLanguage", "Preferred language", "READ_ONLY", { format: "language-code" }],
  ["locale", "Locale", "READ_ONLY", { format: "locale" }],
  ["timezone", "Time zone", "READ_ONLY", { format: "timezone" }],
  ["userType", "User type", "READ_ONLY"],
  ["employeeNumber", "Employee number", "READ_ONLY"],
  ["costCenter", "Cost center", "READ_ONLY"],
  ["organization", "Organization", "READ_ONLY"],
  ["division", "Division", "READ_ONLY"],
  ["department", "Department", "READ_ONLY"],
  ["managerId", "ManagerId", "READ_ONLY"],
  ["manager", "Manager", "READ_ONLY"],
];

function baseProperties(): OktaJson {
  return Object.fromEntries(
    BASE_PROPERTY_ROWS.map(([name, title, self, extra = {}]) => {
      const { required, ...limits } = extra;
      return [name, { title, type: "string", ...(required === undefined ? {} : { required }), ...limits, mutability: "READ_WRITE", scope: "NONE", permissions: [{ principal: "SELF", action: self }], master: { type: "PROFILE_MASTER" } }];
    }),
  );
}

const BASE_REQUIRED = BASE_PROPERTY_ROWS.filter(([, , , extra]) => extra?.required === true).map(([name]) => name);

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
      base: { id: "#base", type: "object", properties: baseProperties(), required: BASE_REQUIRED },
    },
    type: "object",
    properties: { profile: { allOf: [{ $ref: "#/definitions/custom" }, { $ref: "#/definitions/base" }] } },
    _links: { self: selfLink(ctx, "/api/v1/meta/schemas/user/default", ["GET", "POST"]), type: selfLink(ctx, "/api/v1/meta/types/user/default") },
  };
}

export const orgRoutes: ManagementRoutes = (app, ctx) => {
  const { store } = ctx;

  // `pipeline: "idx"` is an Identity Engine org; the provider then binds the app's sign-on policy.
  // `cell` and `settings` as most recordings show them (terraform-provider-okta cassettes, 2025-26).
  // ASSUMPTION: cell `op3`; the settings flags of add-ons (Identity Threat Protection `itpEnabled`,
  // Platform SSO `pssoEnabled`, Desktop MFA `desktopMFAEnabled`) are off, as in an org without them.
  app.get("/.well-known/okta-organization", () => ({
    id: store.state.org.id,
    cell: "op3",
    _links: { organization: { href: ctx.orgUrl() } },
    pipeline: "idx",
    settings: { analyticsCollectionEnabled: false, bugReportingEnabled: true, omEnabled: false, pssoEnabled: false, desktopMFAEnabled: false, itpEnabled: false },
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
   * `mutability: "READ_WRITE"` and loses `required: false`.
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
        else {
          // Recorded: `required: false` is not kept (the property comes back without `required`).
          const { required, ...kept } = property;
          s.userSchemaCustomProperties[name] = { ...kept, ...(required === true ? { required } : {}), mutability: property.mutability ?? "READ_WRITE" };
        }
      }
      s.userSchemaMeta.lastUpdated = timestamp();
    });
    return renderUserSchema(ctx, store.state);
  });
};
