/**
 * The issuers' public keys, one cache per key set.
 *
 * Not jose's createRemoteJWKSet: its cooldown starts at every fetch, the
 * first one included, so a key rotated in just after the cache was warmed
 * stays unknown for 30 s; and it knows neither OIDC discovery nor files.
 * Here a token with an unknown `kid` re-fetches the key set once (at most one
 * such re-fetch per cooldown, so a stream of forged kids cannot hammer the
 * issuer), and the keys themselves stay jose's (createLocalJWKSet imports
 * each JWK once and keeps the CryptoKey).
 */
import { readFile } from "node:fs/promises";
import { createLocalJWKSet, errors, type CryptoKey, type FlattenedJWSInput, type JSONWebKeySet, type JWSHeaderParameters, type LocalJWKSet } from "jose";
import { isHttpUrl, isRecord } from "../../components/contract";
import { OIDC_DISCOVERY_PATH } from "../../components/facts";
import type { ReasonCode } from "./findings";

/** Where a component finds its issuer's keys. */
export type JwksLocation =
  /** `<issuer>/.well-known/openid-configuration`, then its `jwks_uri` (what the components do). */
  | { kind: "discovery"; issuer: string }
  | { kind: "uri"; uri: string }
  | { kind: "file"; path: string };

export function describeJwksLocation(location: JwksLocation): string {
  switch (location.kind) {
    case "discovery":
      return `the key set named by ${discoveryUrl(location.issuer)}`;
    case "uri":
      return `the key set at ${location.uri}`;
    case "file":
      return `the key set in file ${location.path}`;
  }
}

function locationId(location: JwksLocation): string {
  switch (location.kind) {
    case "discovery":
      return `discovery ${location.issuer}`;
    case "uri":
      return `uri ${location.uri}`;
    case "file":
      return `file ${location.path}`;
  }
}

export function discoveryUrl(issuer: string): string {
  return issuer.replace(/\/+$/, "") + OIDC_DISCOVERY_PATH;
}

type KeySourceCode = Extract<ReasonCode, "jwks_unreachable" | "jwks_invalid" | "discovery_failed" | "unknown_kid">;

/** A key lookup that failed for a reason the report names. */
export class KeySourceError extends Error {
  constructor(
    readonly code: KeySourceCode,
    message: string,
  ) {
    super(message);
    this.name = "KeySourceError";
  }
}

export interface JwksCacheOptions {
  /** Per HTTP request. */
  timeoutMs?: number;
  /** Minimum time between two re-fetches caused by unknown kids. */
  unknownKidCooldownMs?: number;
  /** A loaded key set older than this is fetched again before use. */
  maxAgeMs?: number;
  /** Milliseconds; tests move it. */
  clock?: () => number;
}

const DEFAULTS = {
  timeoutMs: 5_000,
  unknownKidCooldownMs: 30_000,
  maxAgeMs: 10 * 60_000,
};

/** Largest discovery document or key set accepted; Okta's are a few KB. */
const MAX_DOCUMENT_BYTES = 1 << 20;

/** Hands out one IssuerKeySet per key-set location, so every component that trusts an issuer shares its keys. */
export class JwksCache {
  private readonly keySets = new Map<string, IssuerKeySet>();
  private readonly settings: Required<JwksCacheOptions>;

  constructor(options: JwksCacheOptions = {}) {
    this.settings = {
      timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
      unknownKidCooldownMs: options.unknownKidCooldownMs ?? DEFAULTS.unknownKidCooldownMs,
      maxAgeMs: options.maxAgeMs ?? DEFAULTS.maxAgeMs,
      clock: options.clock ?? Date.now,
    };
  }

  keySetFor(location: JwksLocation): IssuerKeySet {
    const id = locationId(location);
    let keySet = this.keySets.get(id);
    if (keySet === undefined) {
      keySet = new IssuerKeySet(location, this.settings);
      this.keySets.set(id, keySet);
    }
    return keySet;
  }
}

export class IssuerKeySet {
  /** How many times the key set itself was loaded (discovery not counted). */
  loads = 0;
  private local: LocalJWKSet | undefined;
  private kids: string[] = [];
  private loadedAt = Number.NEGATIVE_INFINITY;
  private lastUnknownKidReload = Number.NEGATIVE_INFINITY;
  private pendingLoad: Promise<void> | undefined;
  private discoveredJwksUri: string | undefined;

  constructor(
    readonly location: JwksLocation,
    private readonly settings: Required<JwksCacheOptions>,
  ) {}

  /** The key that verifies a token with this header; the signature of a jose key resolver. */
  readonly getKey = async (header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey> => {
    const stale = this.local === undefined || this.settings.clock() - this.loadedAt > this.settings.maxAgeMs;
    if (stale) await this.reload();
    try {
      return await this.lookup(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw translateJoseError(error);
    }
    // Key rotation: Okta publishes the next key before signing with it, so an
    // unknown kid usually means our copy is older than the issuer's.
    if (stale) {
      throw this.unknownKid(header, true);
    } else if (this.pendingLoad !== undefined) {
      await this.pendingLoad;
    } else if (this.settings.clock() - this.lastUnknownKidReload >= this.settings.unknownKidCooldownMs) {
      this.lastUnknownKidReload = this.settings.clock();
      await this.reload();
    } else {
      throw this.unknownKid(header, false);
    }
    try {
      return await this.lookup(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey) throw this.unknownKid(header, true);
      throw translateJoseError(error);
    }
  };

  /** Fetches the key set now (one fetch at a time; concurrent callers share it). */
  reload(): Promise<void> {
    this.pendingLoad ??= this.load().finally(() => {
      this.pendingLoad = undefined;
    });
    return this.pendingLoad;
  }

  describe(): string {
    if (this.location.kind === "discovery" && this.discoveredJwksUri !== undefined) {
      return `the key set at ${this.discoveredJwksUri} (from ${discoveryUrl(this.location.issuer)})`;
    }
    return describeJwksLocation(this.location);
  }

  private async lookup(header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey> {
    if (this.local === undefined) throw new KeySourceError("jwks_invalid", `${this.describe()} is not loaded`);
    try {
      return await this.local(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSMultipleMatchingKeys) {
        // Okta always names the key; a token without kid is not Okta's.
        throw new KeySourceError(
          "unknown_kid",
          `the token header has no kid and ${this.describe()} holds several keys that could have signed it`,
        );
      }
      throw error;
    }
  }

  private unknownKid(header: JWSHeaderParameters, refetched: boolean): KeySourceError {
    const known = this.kids.length > 0 ? this.kids.map((k) => `"${k}"`).join(", ") : "none";
    const subject =
      typeof header.kid === "string"
        ? `no key with kid "${header.kid}" (alg ${String(header.alg)})`
        : `no key for alg ${String(header.alg)}`;
    const when = refetched
      ? "as just fetched"
      : "(not fetched again: it was re-fetched for an unknown kid moments ago)";
    return new KeySourceError("unknown_kid", `${subject} in ${this.describe()} ${when}; it publishes kid ${known}`);
  }

  private async load(): Promise<void> {
    const jwks = await this.fetchKeySet();
    let local: LocalJWKSet;
    try {
      local = createLocalJWKSet(jwks as JSONWebKeySet);
    } catch (error) {
      throw new KeySourceError("jwks_invalid", `${this.describe()} is not a JSON Web Key Set: ${errorText(error)}`);
    }
    this.local = local;
    this.kids = (jwks as JSONWebKeySet).keys.flatMap((key) => (typeof key.kid === "string" ? [key.kid] : []));
    this.loadedAt = this.settings.clock();
    this.loads += 1;
  }

  private async fetchKeySet(): Promise<unknown> {
    switch (this.location.kind) {
      case "file":
        return readKeySetFile(this.location.path);
      case "uri":
        return fetchJson(this.location.uri, "jwks_unreachable", "jwks_invalid", this.settings.timeoutMs);
      case "discovery": {
        this.discoveredJwksUri ??= await discoverJwksUri(this.location.issuer, this.settings.timeoutMs);
        return fetchJson(this.discoveredJwksUri, "jwks_unreachable", "jwks_invalid", this.settings.timeoutMs);
      }
    }
  }
}

async function discoverJwksUri(issuer: string, timeoutMs: number): Promise<string> {
  const url = discoveryUrl(issuer);
  const document = await fetchJson(url, "discovery_failed", "discovery_failed", timeoutMs);
  const jwksUri = isRecord(document) ? document.jwks_uri : undefined;
  if (typeof jwksUri !== "string" || !isHttpUrl(jwksUri)) {
    throw new KeySourceError("discovery_failed", `${url} has no usable jwks_uri (got ${describeValue(jwksUri)})`);
  }
  return jwksUri;
}

async function readKeySetFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new KeySourceError("jwks_unreachable", `cannot read key set file ${path}: ${errorText(error)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new KeySourceError("jwks_invalid", `key set file ${path} is not JSON`);
  }
}

async function fetchJson(
  url: string,
  unreachable: KeySourceCode,
  invalid: KeySourceCode,
  timeoutMs: number,
): Promise<unknown> {
  if (!isHttpUrl(url)) throw new KeySourceError(unreachable, `${url} is not an http(s) URL`);
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: "application/json" },
      redirect: "error",
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new KeySourceError(unreachable, `GET ${url} failed: ${networkErrorText(error, timeoutMs)}`);
  }
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => undefined);
    throw new KeySourceError(unreachable, `GET ${url} answered HTTP ${response.status} ${response.statusText}`.trim());
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new KeySourceError(unreachable, `GET ${url}: reading the answer failed: ${networkErrorText(error, timeoutMs)}`);
  }
  if (text.length > MAX_DOCUMENT_BYTES) {
    throw new KeySourceError(invalid, `GET ${url} answered ${text.length} bytes; expected a small JSON document`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new KeySourceError(invalid, `GET ${url} did not answer JSON (starts with ${JSON.stringify(text.slice(0, 40))})`);
  }
}

function translateJoseError(error: unknown): unknown {
  if (error instanceof errors.JWKSInvalid || error instanceof errors.JWKInvalid) {
    return new KeySourceError("jwks_invalid", `the key set holds an unusable key: ${error.message}`);
  }
  return error;
}

function networkErrorText(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return `no answer within ${timeoutMs} ms`;
  }
  // undici hides the socket error (ECONNREFUSED, ENOTFOUND...) in `cause`.
  const cause = error instanceof Error ? (error as { cause?: unknown }).cause : undefined;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === "string" ? `${code} (${cause.message})` : cause.message;
  }
  return errorText(error);
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describeValue(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : value === undefined ? "nothing" : typeof value;
}
