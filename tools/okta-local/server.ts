/**
 * The HTTP side of okta-local: one fastify instance serving the management API
 * under `/api/v1`, the OAuth layer under `/oauth2`, and `/_local` for tests.
 * Every answer carries Okta's request-id and rate-limit headers; every error,
 * including fastify's own (bad JSON, oversized body, unknown route), leaves in
 * Okta's error shape.
 */
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { randomBytes } from "node:crypto";
import { bodyTooLarge, invalidToken, malformedBody, notEmulated, notFoundInPath, OktaApiError } from "./errors";
import { FaultPlan, FaultsError, parseFaults, rateLimitExceeded, type FaultTag } from "./faults";
import { appRoutes } from "./management/apps";
import { authorizationServerRoutes } from "./management/authorizationServers";
import { claimRoutes } from "./management/claims";
import { groupRoutes } from "./management/groups";
import { orgRoutes } from "./management/org";
import { policyRoutes } from "./management/policies";
import { scopeRoutes } from "./management/scopes";
import type { ManagementContext } from "./management/shared";
import { userRoutes } from "./management/users";
import type { Store } from "./store";
import { setTimeout as sleep } from "node:timers/promises";

export interface RequestLogEntry {
  method: string;
  /** Path and query as the route saw it (a proxy-form request line is reduced to this). */
  path: string;
  status: number;
  /** The `X-Okta-Request-Id` the answer carried. */
  requestId: string;
  /** ISO time the request arrived. */
  at: string;
  /** Okta's errorCode, for error answers. */
  errorCode?: string;
  /** The faults this request met (docs/okta-local.md, "Faults"); absent when none. */
  faults?: FaultTag[];
}

/** A management write (a non-GET `/api/` request answered 2xx), committed to the store, its answer not yet sent. */
export interface CommittedWrite {
  /** 1 for the org's first committed write, then 2, 3, … */
  ordinal: number;
  method: string;
  /** Path and query. */
  path: string;
  status: number;
}

/**
 * Called for each committed write before its answer leaves. A returned promise
 * holds the answer until it settles, so a test can stop a client before the
 * client hears that the write succeeded.
 */
export type WriteListener = (write: CommittedWrite) => void | Promise<void>;

export interface ServerOptions {
  store: Store;
  apiToken: string;
  log: (message: string) => void;
  /** ASSUMPTION: Okta's body limit is not documented; okta-local refuses bodies over 1 MiB. */
  bodyLimit?: number;
  /** The faults in force (none, and no enforced rate limits, when absent). */
  faults?: FaultPlan;
}

export interface BuiltServer {
  app: FastifyInstance;
  requestLog: RequestLogEntry[];
  ctx: ManagementContext;
  faults: FaultPlan;
  /** Adds a listener for committed writes; returns its removal. */
  onWriteCommitted: (listener: WriteListener) => () => void;
  /** How many management writes the org has committed. */
  writeCount: () => number;
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
export const REQUEST_LOG_LIMIT = 10_000;
/** ASSUMPTION: no Okta id or name in a path is longer; a longer segment is answered as not found. */
const MAX_PARAM_LENGTH = 2048;

/** A proxy-form request line (`GET http://127.0.0.1:8080/api/v1/users/me HTTP/1.1`) is routed by its path. */
export function originFormUrl(url: string | undefined): string {
  if (!url) return "/";
  if (/^https?:\/\//i.test(url)) {
    try {
      const parsed = new URL(url);
      return `${parsed.pathname}${parsed.search}`;
    } catch {
      return url;
    }
  }
  return url;
}

export function buildServer(options: ServerOptions): BuiltServer {
  const { store, apiToken, log } = options;
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const requestLog: RequestLogEntry[] = [];
  const ctx: ManagementContext = { store, orgUrl: () => store.orgUrl, log };
  const faults = options.faults ?? new FaultPlan();
  const writeListeners = new Set<WriteListener>();
  let writes = 0;
  /** The faults each request met, and whether its connection is to be dropped. */
  const met = new WeakMap<FastifyRequest, { tags: FaultTag[]; drop: boolean }>();

  const app = Fastify({
    logger: false,
    bodyLimit,
    rewriteUrl: (request) => originFormUrl(request.url),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    genReqId: () => randomBytes(16).toString("base64url").slice(0, 27),
    // The router's own refusals (a path that is not valid percent-encoding, an
    // id over maxParamLength) leave in Okta's error shape too.
    frameworkErrors: (error, request, rawReply) => {
      const reply = rawReply as FastifyReply;
      const url = originFormUrl(request.raw.url);
      const oktaError =
        error.code === "FST_ERR_BAD_URL" || error.code === "FST_ERR_MAX_PARAM_LENGTH"
          ? notFoundInPath(offendingPathSegment(url))
          : toOktaError(error, bodyLimit);
      if (oktaError.statusCode >= 500) log(`${request.method} ${url}: ${oktaError.statusCode} ${oktaError.message}`);
      if (requestLog.length >= REQUEST_LOG_LIMIT) requestLog.splice(0, requestLog.length - REQUEST_LOG_LIMIT + 1);
      requestLog.push({ method: request.method, path: url, status: oktaError.statusCode, requestId: request.id, at: new Date().toISOString(), errorCode: oktaError.errorCode });
      void reply.code(oktaError.statusCode).header("x-okta-request-id", request.id).type("application/json").send(oktaError.body());
    },
  });

  // Okta's SDKs send `Content-Type: application/json` on body-less lifecycle POSTs.
  // Okta's management API takes JSON only; other bodies are refused (415), not read as text.
  app.removeContentTypeParser(["application/json", "text/plain"]);
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === "") return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      done(malformedBody(`request body is not JSON: ${error instanceof Error ? error.message : String(error)}`), undefined);
    }
  });

  app.addHook("onRequest", async (request, reply) => {
    if (request.url.startsWith("/_local/")) return;
    const path = request.url.split("?")[0] ?? request.url;
    // Every answer carries its bucket's rate-limit headers (Okta's rate-limit best practices).
    const { headers, exceeded } = faults.account(request.method, path);
    void reply.headers({ "x-okta-request-id": request.id, ...headers });
    // The management API wants `Authorization: SSWS <token>`; anything else is E0000011 (Okta error catalogue).
    if (request.url.startsWith("/api/")) {
      const header = request.headers.authorization ?? "";
      const match = /^SSWS\s+(\S+)$/i.exec(header);
      if (!match || match[1] !== apiToken) throw invalidToken();
    }
    const decision = faults.decide(request.method, path);
    const tags = exceeded ? [exceeded, ...decision.tags] : decision.tags;
    if (tags.length > 0) met.set(request, { tags, drop: decision.drop });
    if (decision.latencyMs > 0) await sleep(decision.latencyMs);
    if (exceeded) throw rateLimitExceeded();
    if (decision.answer) throw decision.answer;
  });

  app.addHook("onSend", async (request, reply, payload) => {
    const errorCode = reply.statusCode >= 400 && typeof payload === "string" ? /"errorCode":"([^"]+)"/.exec(payload)?.[1] : undefined;
    if (request.url.startsWith("/_local/")) return payload;
    const fault = met.get(request);
    // A long-running org keeps the most recent entries only.
    if (requestLog.length >= REQUEST_LOG_LIMIT) requestLog.splice(0, requestLog.length - REQUEST_LOG_LIMIT + 1);
    requestLog.push({ method: request.method, path: request.url, status: reply.statusCode, requestId: request.id, at: new Date().toISOString(), ...(errorCode ? { errorCode } : {}), ...(fault ? { faults: fault.tags } : {}) });
    if (request.url.startsWith("/api/") && request.method !== "GET" && request.method !== "HEAD" && reply.statusCode < 300) {
      writes += 1;
      const write: CommittedWrite = { ordinal: writes, method: request.method, path: request.url, status: reply.statusCode };
      for (const listener of [...writeListeners]) await listener(write);
    }
    if (fault?.drop) {
      // The route has run (a write is committed); the client never hears the answer.
      reply.hijack();
      request.raw.socket.destroy();
    }
    return payload;
  });

  app.setErrorHandler((error: FastifyError | OktaApiError, request: FastifyRequest, reply: FastifyReply) => {
    const oktaError = toOktaError(error, bodyLimit);
    if (oktaError.statusCode >= 500) log(`${request.method} ${request.url}: ${oktaError.statusCode} ${oktaError.message}`);
    return reply.code(oktaError.statusCode).type("application/json").send(oktaError.body());
  });

  app.setNotFoundHandler((request, reply) => {
    const error = notEmulated(request.method, request.url.split("?")[0] ?? request.url);
    log(`not emulated: ${request.method} ${request.url} -> 501`);
    return reply.code(501).type("application/json").send(error.body());
  });

  for (const routes of [authorizationServerRoutes, scopeRoutes, claimRoutes, policyRoutes, appRoutes, groupRoutes, userRoutes, orgRoutes]) {
    routes(app, ctx);
  }

  app.get("/_local/requests", () => requestLog);
  app.get("/_local/faults", () => faults.describe());
  app.put("/_local/faults", (request, reply) => {
    try {
      faults.replace(parseFaults(request.body, "PUT /_local/faults"));
    } catch (error) {
      if (error instanceof FaultsError) return reply.code(400).send({ error: error.message });
      throw error;
    }
    return faults.describe();
  });
  app.delete("/_local/faults", (_request, reply) => {
    faults.replace(parseFaults({}));
    return reply.code(204).send();
  });
  app.delete("/_local/requests", (_request, reply) => {
    requestLog.length = 0;
    return reply.code(204).send();
  });

  return {
    app,
    requestLog,
    ctx,
    faults,
    onWriteCommitted: (listener) => {
      writeListeners.add(listener);
      return () => writeListeners.delete(listener);
    },
    writeCount: () => writes,
  };
}

/** The path segment the router refused: the one that is not valid percent-encoding or is too long. */
function offendingPathSegment(url: string): string {
  const segments = (url.split("?")[0] ?? url).split("/").filter((segment) => segment !== "");
  const decodes = (segment: string): boolean => {
    try {
      decodeURIComponent(segment);
      return true;
    } catch {
      return false;
    }
  };
  return segments.find((segment) => segment.length > MAX_PARAM_LENGTH || !decodes(segment)) ?? segments.pop() ?? url;
}

function toOktaError(error: FastifyError | OktaApiError, bodyLimit: number): OktaApiError {
  if (error instanceof OktaApiError) return error;
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return bodyTooLarge(bodyLimit);
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      // ASSUMPTION: an unsupported content type is refused like a malformed body, at 415.
      return new OktaApiError(415, "E0000003", "The request body was not well-formed.", ["unsupported content type; send application/json"]);
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return malformedBody(error.message);
    default:
      if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) return new OktaApiError(error.statusCode, "E0000003", "The request body was not well-formed.", [error.message]);
      // E0000009, 500, "Internal Server Error" (Okta error catalogue): an okta-local bug, logged.
      return new OktaApiError(500, "E0000009", "Internal Server Error", [error.message]);
  }
}
