// @ts-check
/**
 * Okta on Pulumi's mock engine: placeholder ids and the outputs the real
 * provider computes (issuer URLs, client IDs, a client secret), plus a
 * recorder of every registration with its resource options.
 *
 * Plain CommonJS on purpose: it is preloaded before Pulumi's nodejs runtime
 * registers ts-node (test/support/preload.cjs), so it cannot be TypeScript
 * (nor import components/facts.ts). The offline plan and the tests use the
 * same file.
 */
"use strict";

const crypto = require("node:crypto");
const oktaSdk = require("@pulumi/okta");
const pulumi = require("@pulumi/pulumi");

/**
 * The type tokens, read from the `@pulumi/okta` classes that register them
 * (each sets a static `__pulumiType`), rather than written out again.
 * @param {unknown} resourceClass
 */
const tokenOf = (resourceClass) => /** @type {{ __pulumiType: string }} */ (resourceClass).__pulumiType;
const TYPE = {
  authServer: tokenOf(oktaSdk.auth.Server),
  authServerDefault: tokenOf(oktaSdk.AuthServerDefault),
  oauthApp: tokenOf(oktaSdk.app.OAuth),
  appGroupAssignments: tokenOf(oktaSdk.AppGroupAssignments),
  userSchemaProperty: tokenOf(oktaSdk.UserSchemaProperty),
};

/** Okta id prefixes, so placeholders look like what the org returns. */
const ID_PREFIX = {
  [TYPE.authServer]: "aus",
  [tokenOf(oktaSdk.auth.ServerScope)]: "scp",
  [tokenOf(oktaSdk.auth.ServerClaim)]: "ocl",
  [tokenOf(oktaSdk.auth.ServerPolicy)]: "00p",
  [tokenOf(oktaSdk.auth.ServerPolicyRule)]: "0pr",
  [TYPE.oauthApp]: "0oa",
  [tokenOf(oktaSdk.group.Group)]: "00g",
};

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/**
 * A deterministic Okta-like id (prefix + 17 characters): the same program
 * and config always produce the same placeholders.
 * @param {string} prefix
 * @param {string} seed
 */
function placeholderId(prefix, seed) {
  return prefix + crypto.createHash("sha256").update(seed).digest("hex").slice(0, 17);
}

/**
 * The org host the placeholders use: `okta:orgName` + `okta:baseUrl` when the
 * stack sets them, else example.okta.com.
 * @param {Record<string, unknown>} config full config map (`ns:key` -> value)
 */
function orgHostFromConfig(config) {
  const org = config["okta:orgName"];
  const base = config["okta:baseUrl"];
  return typeof org === "string" && org ? `${org}.${typeof base === "string" && base ? base : "okta.com"}` : "example.okta.com";
}

/**
 * @typedef {{ description?: string, audiences?: string[], issuerMode?: string }} DefaultServerState
 *   `audiences` or `issuerMode` left out: Okta's answer carries none (`issuerMode: ""` likewise).
 * @typedef {{
 *   type: string, name: string, custom: boolean, id: string,
 *   inputs: Record<string, any>, state: Record<string, any>,
 * }} Registration
 * @typedef {{
 *   orgHost?: string,
 *   defaultServer?: DefaultServerState,
 *   defaultServerError?: string,
 *   everyoneGroupId?: string,
 * }} OktaMockOptions
 */

/**
 * An invoke failure as the engine reports it: the SDK reads the message from
 * the gRPC status `details`, so a plain Error would arrive empty.
 * @param {string} message
 */
function invokeError(message) {
  return Object.assign(new Error(message), { details: message });
}

/**
 * @param {OktaMockOptions} [options]
 */
function createOktaMocks(options = {}) {
  const orgHost = options.orgHost ?? "example.okta.com";
  // What an org's `default` looks like before anyone adopts it (the provider's
  // test cassette TestAccResourceOktaAuthServerDefault_crud). Its id is an
  // `aus…` id like any server's: `default` is only the name the provider
  // looks it up by (GET /authorizationServers/default), and it stores the id.
  const defaultServer = options.defaultServer ?? {
    description: "Default Authorization Server for your Applications",
    audiences: ["api://default"],
    issuerMode: "ORG_URL",
  };
  const defaultServerId = placeholderId("aus", "default authorization server");
  /** @type {Registration[]} */
  const registrations = [];
  /** @type {{ token: string, inputs: Record<string, any> }[]} */
  const invocations = [];

  /** @type {pulumi.runtime.Mocks} */
  const mocks = {
    newResource(args) {
      const { type, name, inputs } = args;
      const seed = `${type}::${name}::${inputs["name"] ?? inputs["label"] ?? ""}`;
      /** @type {string} */
      let id;
      /** @type {Record<string, any>} */
      let state = { ...inputs };
      switch (type) {
        case TYPE.authServerDefault:
          id = defaultServerId;
          state = { ...inputs, issuer: `https://${orgHost}/oauth2/default`, kid: placeholderId("kid", seed) };
          break;
        case TYPE.authServer:
          id = placeholderId("aus", seed);
          state = { ...inputs, issuer: `https://${orgHost}/oauth2/${id}`, kid: placeholderId("kid", seed) };
          break;
        case TYPE.oauthApp:
          id = placeholderId("0oa", seed);
          state = {
            ...inputs,
            clientId: id,
            // Okta issues a secret to confidential clients only.
            clientSecret: inputs["tokenEndpointAuthMethod"] === "none" ? "" : `placeholder-secret-${placeholderId("", seed)}`,
          };
          break;
        case TYPE.appGroupAssignments:
          id = String(inputs["appId"]); // the provider's id is the app's
          break;
        case TYPE.userSchemaProperty:
          id = String(inputs["index"]);
          break;
        default: {
          const prefix = /** @type {Record<string, string>} */ (ID_PREFIX)[type];
          id = prefix ? placeholderId(prefix, seed) : `${name}-id`;
        }
      }
      registrations.push({ type, name, custom: args.custom ?? true, id, inputs, state });
      return { id, state };
    },
    call(args) {
      invocations.push({ token: args.token, inputs: args.inputs });
      switch (args.token) {
        case "okta:auth/getServer:getServer":
          // As Okta answers an org without API Access Management, or a token without the scope.
          if (options.defaultServerError) throw invokeError(options.defaultServerError);
          return {
            id: defaultServerId,
            name: "default",
            description: defaultServer.description ?? "",
            ...(defaultServer.audiences === undefined ? {} : { audiences: defaultServer.audiences }),
            issuer: `https://${orgHost}/oauth2/default`,
            ...(defaultServer.issuerMode === undefined ? {} : { issuerMode: defaultServer.issuerMode }),
            status: "ACTIVE",
            kid: "placeholder",
            credentialsLastRotated: "",
            credentialsNextRotation: "",
            credentialsRotationMode: "AUTO",
          };
        case "okta:group/getEveryoneGroup:getEveryoneGroup":
          return { id: options.everyoneGroupId ?? placeholderId("00g", "Everyone"), name: "Everyone", description: "All users in your organization" };
        default:
          throw invokeError(`the mock Okta org has no answer for invoke ${args.token}`);
      }
    },
  };
  return { mocks, registrations, invocations };
}

/**
 * Records every resource's options as the SDK applies them (protect,
 * replaceOnChanges, deleteBeforeReplace, retainOnDelete, dependsOn, parent).
 * A legacy stack transformation, because it runs inside the SDK: the mock
 * engine has no callback server for the newer transforms.
 */
function createOptionsRecorder() {
  /** @type {{ type: string, name: string, resource: pulumi.Resource, opts: pulumi.ResourceOptions }[]} */
  const entries = [];
  /** @type {pulumi.ResourceTransformation} */
  const transformation = (args) => {
    entries.push({ type: args.type, name: args.name, resource: args.resource, opts: args.opts });
    return undefined;
  };
  return { entries, transformation };
}

/**
 * Turns an engine value into plain JSON, recording where secrets were.
 * @param {unknown} value
 * @param {string} path
 * @param {string[]} secretPaths
 * @returns {unknown}
 */
function decodeEngineValue(value, path, secretPaths) {
  if (Array.isArray(value)) return value.map((v, i) => decodeEngineValue(v, `${path}[${i}]`, secretPaths));
  if (value && typeof value === "object") {
    const record = /** @type {Record<string, unknown>} */ (value);
    if (record[SECRET_SIG_KEY] === SECRET_SIG) {
      secretPaths.push(path);
      return decodeEngineValue(record["value"], path, secretPaths);
    }
    /** @type {Record<string, unknown>} */
    const out = {};
    for (const [k, v] of Object.entries(record)) out[k] = decodeEngineValue(v, path ? `${path}.${k}` : k, secretPaths);
    return out;
  }
  return value;
}

/**
 * @typedef {{
 *   urn: string, type: string, name: string, custom: boolean, id: string,
 *   inputs: Record<string, unknown>, outputs: Record<string, unknown>,
 *   options: {
 *     parent?: string, protect?: boolean, deleteBeforeReplace?: boolean, retainOnDelete?: boolean,
 *     replaceOnChanges?: string[], dependsOn: string[],
 *   },
 * }} RecordedResource
 * @typedef {{
 *   resources: RecordedResource[],
 *   stackOutputs?: Record<string, unknown>,
 *   secretOutputPaths: string[],
 *   invocations: { token: string, inputs: Record<string, any> }[],
 * }} RunReport
 */

/**
 * A resource's URN as the Pulumi engine forms it: the types of its ancestors
 * below the root stack, then its own, joined by `$`. (The mock monitor only
 * keeps the immediate parent's type, which would hide a change further up.)
 * @param {Map<pulumi.Resource, { type: string, name: string, opts: pulumi.ResourceOptions }>} byResource
 * @param {{ type: string, name: string, opts: pulumi.ResourceOptions }} entry
 */
function engineUrn(byResource, entry) {
  const stack = pulumi.getStack();
  const project = pulumi.getProject();
  const chain = [entry.type];
  let parent = entry.opts.parent ? byResource.get(entry.opts.parent) : undefined;
  while (parent && parent.type !== "pulumi:pulumi:Stack") {
    chain.unshift(parent.type);
    parent = parent.opts.parent ? byResource.get(parent.opts.parent) : undefined;
  }
  return `urn:pulumi:${stack}::${project}::${chain.join("$")}::${entry.name}`;
}

/**
 * Assembles what a run registered: every resource with its URN, inputs,
 * placeholder outputs and options, and the stack outputs as the engine got
 * them (with the paths that arrived as secrets).
 * @param {ReturnType<typeof createOktaMocks>} okta
 * @param {ReturnType<typeof createOptionsRecorder>} recorder
 * @returns {Promise<RunReport>}
 */
async function collectReport(okta, recorder) {
  const monitor = /** @type {any} */ (pulumi.runtime.getMonitor());
  /** @type {Map<string, { urn: string, state: any }>} */
  const registered = monitor && typeof monitor.getRegisteredResources === "function" ? monitor.getRegisteredResources() : new Map();

  const byResource = new Map(recorder.entries.map((e) => [e.resource, e]));
  const byKey = new Map(recorder.entries.map((e) => [`${e.type}::${e.name}`, e]));
  /** @param {unknown} resource */
  const urnOf = (resource) => {
    const entry = byResource.get(/** @type {pulumi.Resource} */ (resource));
    return entry ? engineUrn(byResource, entry) : undefined;
  };

  /** @type {RecordedResource[]} */
  const resources = okta.registrations.map((reg) => {
    const entry = byKey.get(`${reg.type}::${reg.name}`);
    /** @type {pulumi.CustomResourceOptions} */
    const opts = entry?.opts ?? {};
    const dependsOn = opts.dependsOn === undefined ? [] : Array.isArray(opts.dependsOn) ? opts.dependsOn : [opts.dependsOn];
    const parent = urnOf(opts.parent);
    return {
      // The root stack registers before the recorder exists; its URN is fixed.
      urn: entry ? engineUrn(byResource, entry) : `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${reg.type}::${reg.name}`,
      type: reg.type,
      name: reg.name,
      custom: reg.custom,
      id: reg.id,
      inputs: reg.inputs,
      outputs: reg.state,
      options: {
        ...(parent === undefined ? {} : { parent }),
        ...(opts.protect === undefined ? {} : { protect: opts.protect }),
        ...(opts.deleteBeforeReplace === undefined ? {} : { deleteBeforeReplace: opts.deleteBeforeReplace }),
        ...(opts.retainOnDelete === undefined ? {} : { retainOnDelete: opts.retainOnDelete }),
        ...(opts.replaceOnChanges === undefined ? {} : { replaceOnChanges: opts.replaceOnChanges }),
        dependsOn: dependsOn.map(urnOf).filter((urn) => urn !== undefined),
      },
    };
  });

  /** @type {string[]} */
  const secretOutputPaths = [];
  const stackEntry = [...registered.values()].find((r) => r.urn.split("::")[2] === "pulumi:pulumi:Stack");
  const state = stackEntry?.state;
  const stackOutputs =
    state && typeof state.toJavaScript === "function"
      ? /** @type {Record<string, unknown>} */ (decodeEngineValue(state.toJavaScript(), "", secretOutputPaths))
      : undefined;
  return {
    resources,
    ...(stackOutputs === undefined ? {} : { stackOutputs }),
    secretOutputPaths,
    invocations: okta.invocations,
  };
}

module.exports = { createOktaMocks, createOptionsRecorder, collectReport, orgHostFromConfig };
