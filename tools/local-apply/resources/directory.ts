/**
 * Groups and the user profile schema, as terraform-provider-okta
 * (okta/services/idaas/, v6.12.0) calls Okta's Groups and Schemas APIs:
 * https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Group/
 * https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Schema/
 */
import { isDeepStrictEqual } from "node:util";
import type { Json } from "../http";
import {
  applyDefaults,
  asJson,
  bool,
  omitEmpty,
  pathId,
  str,
  type Props,
  type ProviderSession,
  type ResourceMapping,
} from "../provider";

// --- okta_group: resource_okta_group.go (v2 SDK) -----------------------------

/** buildGroup: the profile's name, description and any custom attributes. */
export function groupBody(inputs: Props): Json {
  let custom: Json = {};
  const raw = str(inputs, "customProfileAttributes");
  if (raw !== "") {
    try {
      custom = asJson(JSON.parse(raw));
    } catch {
      custom = {};
    }
  }
  return { profile: omitEmpty({ ...custom, name: str(inputs, "name"), description: str(inputs, "description") }) };
}

export function groupState(group: Json): Props {
  const { name, description, ...custom } = asJson(group["profile"]);
  return {
    name: name ?? "",
    description: description ?? "",
    ...(Object.keys(custom).length > 0 ? { customProfileAttributes: JSON.stringify(custom) } : {}),
  };
}

async function readGroup(session: ProviderSession, id: string, olds: Props): Promise<Props | undefined> {
  const group = await session.http.getOrUndefined(`/api/v1/groups/${pathId(id)}`);
  return group === undefined ? undefined : { ...olds, ...groupState(group) };
}

export const group: ResourceMapping = {
  type: "okta:group/group:Group",
  source: "okta/services/idaas/resource_okta_group.go",
  inputs: ["customProfileAttributes", "description", "name"],
  withDefaults: (inputs) => applyDefaults(inputs, { description: "" }),
  replaceKeys: [],
  setKeys: [],
  async create(session, news) {
    const created = await session.http.send<Json>("POST", "/api/v1/groups", groupBody(news));
    const id = String(created.body["id"]);
    // The provider polls (backoff up to 10 s) until the new group reads back, then reads it.
    const deadline = Date.now() + 10_000;
    while ((await session.http.getOrUndefined(`/api/v1/groups/${pathId(id)}`)) === undefined) {
      if (Date.now() > deadline) throw new Error(`group '${id}' hasn't been created after multiple checks`);
      await new Promise((done) => setTimeout(done, 200));
    }
    return { id, outputs: (await readGroup(session, id, news)) ?? news };
  },
  read: readGroup,
  async update(session, id, _olds, news) {
    await session.http.send("PUT", `/api/v1/groups/${pathId(id)}`, groupBody(news));
    return (await readGroup(session, id, news)) ?? news;
  },
  async delete(session, id) {
    await session.http.send("DELETE", `/api/v1/groups/${pathId(id)}`); // a 404 fails, as in the provider
  },
};

// --- okta_user_schema_property: resource_okta_user_custom_schema_property.go + user_schema_property.go ---

/** buildUserCustomSchemaAttribute, for the inputs this emulation maps. */
export function userSchemaAttribute(inputs: Props): Json {
  const master = str(inputs, "master");
  const arrayType = str(inputs, "arrayType");
  return omitEmpty({
    title: str(inputs, "title"),
    type: str(inputs, "type"),
    description: str(inputs, "description"),
    required: bool(inputs, "required"),
    permissions: [{ action: str(inputs, "permissions"), principal: "SELF" }],
    scope: str(inputs, "scope"),
    master: master === "" ? undefined : { type: master },
    items: arrayType === "" ? undefined : { type: arrayType },
    externalName: str(inputs, "externalName"),
    externalNamespace: str(inputs, "externalNamespace"),
    unique: str(inputs, "unique"),
    ...(typeof inputs["minLength"] === "number" && inputs["minLength"] !== 0 ? { minLength: inputs["minLength"] } : {}),
    ...(typeof inputs["maxLength"] === "number" && inputs["maxLength"] !== 0 ? { maxLength: inputs["maxLength"] } : {}),
  });
}

/** BuildCustomUserSchema: a one-property partial schema; `null` removes the property (a merge-patch delete). */
export function userSchemaBody(index: string, attribute: Json | null): Json {
  return { definitions: { custom: { id: "#custom", type: "object", properties: { [index]: attribute } } } };
}

/** syncCustomUserSchema (with syncBaseUserSchema): what a GET of the schema puts in state. */
export function userSchemaState(attribute: Json): Props {
  const permissions = attribute["permissions"];
  const first = Array.isArray(permissions) ? asJson(permissions[0]) : {};
  const items = asJson(attribute["items"]);
  return {
    title: attribute["title"] ?? "",
    type: attribute["type"] ?? "",
    description: attribute["description"] ?? "",
    required: attribute["required"] === true,
    ...(first["action"] === undefined ? {} : { permissions: first["action"] }),
    ...(attribute["master"] === undefined ? {} : { master: asJson(attribute["master"])["type"] ?? "" }),
    scope: attribute["scope"] ?? "",
    externalName: attribute["externalName"] ?? "",
    externalNamespace: attribute["externalNamespace"] ?? "",
    unique: attribute["unique"] ?? "",
    ...(typeof attribute["minLength"] === "number" ? { minLength: attribute["minLength"] } : {}),
    ...(typeof attribute["maxLength"] === "number" ? { maxLength: attribute["maxLength"] } : {}),
    ...(items["type"] === undefined ? {} : { arrayType: items["type"] }),
  };
}

function schemaPath(inputs: Props): string {
  // GetUserTypeSchemaID: the default type's schema is `default` without a lookup.
  const userType = str(inputs, "userType");
  if (userType !== "default") throw new Error(`user_type "${userType}" is not emulated (only "default")`);
  return "/api/v1/meta/schemas/user/default";
}

function customProperty(schema: Json, index: string): Json | undefined {
  const properties = asJson(asJson(asJson(schema["definitions"])["custom"])["properties"]);
  const property = properties[index];
  return property && typeof property === "object" ? (property as Json) : undefined;
}

/**
 * alterCustomUserSchema: POST the partial schema, then GET it until the
 * property reads back exactly as the POST answered it (the provider retries
 * for up to 120 s; here a few times, as okta-local is consistent at once).
 */
async function alterSchema(session: ProviderSession, inputs: Props, index: string, attribute: Json | null): Promise<Json | undefined> {
  const path = schemaPath(inputs);
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const updated = await session.http.send<Json>("POST", path, userSchemaBody(index, attribute));
    const current = customProperty((await session.http.send<Json>("GET", path)).body, index);
    if (attribute === null && current === undefined) return undefined;
    if (attribute !== null && current !== undefined && isDeepStrictEqual(current, customProperty(updated.body, index))) return current;
  }
  throw new Error(`failed to create or update user custom schema property ${index}: failed to apply changes after several retries`);
}

export const userSchemaProperty: ResourceMapping = {
  type: "okta:index/userSchemaProperty:UserSchemaProperty",
  source: "okta/services/idaas/resource_okta_user_custom_schema_property.go",
  inputs: [
    "arrayType", "description", "externalName", "externalNamespace", "index", "master", "maxLength", "minLength", "permissions",
    "required", "scope", "title", "type", "unique", "userType",
  ],
  withDefaults: (inputs) =>
    applyDefaults(inputs, { permissions: "READ_ONLY", userType: "default", scope: "NONE", master: "PROFILE_MASTER", required: false, description: "" }),
  replaceKeys: ["arrayType", "externalName", "externalNamespace", "unique", "index", "type"],
  setKeys: [],
  async create(session, news) {
    const index = str(news, "index");
    const attribute = await alterSchema(session, news, index, userSchemaAttribute(news));
    // The id is the property's index; the state comes from the schema just read.
    return { id: index, outputs: { ...news, ...userSchemaState(attribute ?? {}) } };
  },
  async read(session, id, olds) {
    const schema = (await session.http.send<Json>("GET", schemaPath(olds))).body;
    const attribute = customProperty(schema, id);
    return attribute === undefined ? undefined : { ...olds, ...userSchemaState(attribute) };
  },
  async update(session, _id, _olds, news) {
    const attribute = await alterSchema(session, news, str(news, "index"), userSchemaAttribute(news));
    return { ...news, ...userSchemaState(attribute ?? {}) };
  },
  async delete(session, id, olds) {
    await alterSchema(session, olds, id, null);
  },
};
