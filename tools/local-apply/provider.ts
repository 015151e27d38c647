/**
 * What an emulated Okta resource is: the terraform-provider-okta CRUD
 * functions for one resource type, reduced to the HTTP calls they make and
 * the JSON bodies they send, over Pulumi property names (`@pulumi/okta`'s
 * camelCase inputs and outputs).
 */
import { isDeepStrictEqual } from "node:util";
import type { Json, OktaHttp } from "./http";

/** Pulumi property values of one resource (inputs or outputs). */
export type Props = Record<string, unknown>;

/** Per-run provider state: the client, and what the provider caches or serialises. */
export class ProviderSession {
  private classicOrg: Promise<boolean> | undefined;
  private ruleQueue: Promise<unknown> = Promise.resolve();
  private started: Promise<void> | undefined;

  constructor(readonly http: OktaHttp) {}

  /**
   * The provider's configure step reads the caller twice
   * (`GET /api/v1/users/me`) before its first resource operation. Run
   * lazily, so a program that fails validation sends nothing to the org.
   */
  start(): Promise<void> {
    this.started ??= (async () => {
      await this.http.send("GET", "/api/v1/users/me");
      await this.http.send("GET", "/api/v1/users/me");
    })();
    return this.started;
  }

  /**
   * Classic engine or Identity Engine, asked once per provider process
   * (terraform-provider-okta okta/config/config.go, IsClassicOrg: `pipeline == "v1"`).
   * A failed probe counts as "not classic", as there.
   */
  isClassicOrg(): Promise<boolean> {
    this.classicOrg ??= this.http
      .send<Json>("GET", "/.well-known/okta-organization")
      .then((res) => res.body["pipeline"] === "v1")
      .catch(() => false);
    return this.classicOrg;
  }

  /**
   * Auth server policy rules are created, updated and deleted one at a time
   * (resource_okta_auth_server_policy_rule.go: oktaMutexKV.Lock on the resource name).
   */
  serialiseRule<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.ruleQueue.then(operation, operation);
    this.ruleQueue = run.catch(() => undefined);
    return run;
  }
}

export interface Created {
  id: string;
  outputs: Props;
}

export interface ResourceMapping {
  /** The Pulumi type token. */
  type: string;
  /** terraform-provider-okta source of the mapping. */
  source: string;
  /** Input names this emulation maps. Any other input is refused, never ignored. */
  inputs: readonly string[];
  /** The provider schema's defaults, applied as Pulumi's bridge does on check. */
  withDefaults(inputs: Props): Props;
  /** Inputs the schema marks ForceNew: a change replaces the resource. */
  replaceKeys: readonly string[];
  /** Inputs the schema holds as sets: compared without order. */
  setKeys: readonly string[];
  /** Outputs the engine marks secret. */
  secretOutputs?: readonly string[];
  create(session: ProviderSession, news: Props): Promise<Created>;
  /** The provider's Read: the state after a refresh, or undefined when the object is gone. */
  read(session: ProviderSession, id: string, olds: Props): Promise<Props | undefined>;
  /** `changed`: the inputs whose desired value differs from the refreshed state. */
  update(session: ProviderSession, id: string, olds: Props, news: Props, changed: readonly string[]): Promise<Props>;
  delete(session: ProviderSession, id: string, olds: Props): Promise<void>;
  /** A schema's own comparison for one input (a DiffSuppressFunc, a StateFunc); undefined falls back to the default. */
  sameInput?(key: string, desired: unknown, actual: unknown): boolean | undefined;
}

/** The inputs whose desired value differs from the (refreshed) state. */
export function changedInputs(mapping: ResourceMapping, news: Props, state: Props): string[] {
  return Object.keys(news).filter(
    (key) => !(mapping.sameInput?.(key, news[key], state[key]) ?? sameValue(news[key], state[key], mapping.setKeys.includes(key))),
  );
}

export function sameValue(desired: unknown, actual: unknown, isSet: boolean): boolean {
  if (isSet && Array.isArray(desired) && Array.isArray(actual)) {
    const sorted = (values: unknown[]) => values.map((v) => JSON.stringify(v)).sort();
    return isDeepStrictEqual(sorted(desired as unknown[]), sorted(actual as unknown[]));
  }
  // Unset and empty are one value to the provider (Terraform's zero values).
  if (isEmpty(desired) && isEmpty(actual)) return true;
  return isDeepStrictEqual(desired, actual);
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0);
}

// --- small readers over Pulumi property bags --------------------------------

export function str(props: Props, key: string): string {
  const value = props[key];
  if (typeof value === "string") return value;
  return typeof value === "number" || typeof value === "boolean" ? String(value) : "";
}

export function bool(props: Props, key: string): boolean {
  return props[key] === true;
}

export function int(props: Props, key: string): number {
  const value = props[key];
  return typeof value === "number" ? value : 0;
}

export function strings(props: Props, key: string): string[] {
  const value = props[key];
  return Array.isArray(value) ? value.map(String) : [];
}

/** `{...defaults, ...inputs}` where an input left undefined keeps the default. */
export function applyDefaults(inputs: Props, defaults: Props): Props {
  const out: Props = { ...defaults };
  for (const [key, value] of Object.entries(inputs)) if (value !== undefined) out[key] = value;
  return out;
}

/** Drops keys whose value is undefined, as Go's `omitempty` leaves out zero values. */
export function omitEmpty(body: Json): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined || value === "" || (Array.isArray(value) && value.length === 0)) continue;
    out[key] = value;
  }
  return out;
}

export function asJson(value: unknown): Json {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Json) : {};
}

export function pathId(id: string): string {
  return encodeURIComponent(id);
}
