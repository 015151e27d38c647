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
}

export interface ServerOptions {
  store: Store;
  apiToken: string;
  log: (message: string) => void;
  /** ASSUMPTION: Okta's body limit is not documented; okta-local refuses bodies over 1 MiB. */
  bodyLimit?: number;
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
export const REQUEST_LOG_LIMIT = 10_000;
/** ASSUMPTION: no Okta id or name in a path is longer; a longer segment is answered as not found. */
const MAX_PARAM_LENGTH = 2048;

/**
 * Rate-limit headers as every recorded Okta answer carries them
 * (`X-Rate-Limit-Limit`, `-Remaining`, `-Reset` in epoch seconds). okta-local
 * counts requests per minute but never answers 429.
 * ASSUMPTION: a limit of 600 per minute, Okta's figure for many management endpoints.
 */
const RATE_LIMIT_PER_MINUTE = 600;

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

export function buildServer(options: ServerOptions): { app: FastifyInstance; requestLog: RequestLogEntry[]; ctx: ManagementContext } {
  const { store, apiToken, log } = options;
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const requestLog: RequestLogEntry[] = [];
  const ctx: ManagementContext = { store, orgUrl: () => store.orgUrl, log };

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

  let windowStart = 0;
  let windowCount = 0;
  app.addHook("onRequest", async (request, reply) => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const minute = nowSeconds - (nowSeconds % 60);
    if (minute !== windowStart) {
      windowStart = minute;
      windowCount = 0;
    }
    windowCount += 1;
    void reply.headers({
      "x-okta-request-id": request.id,
      "x-rate-limit-limit": String(RATE_LIMIT_PER_MINUTE),
      "x-rate-limit-remaining": String(Math.max(0, RATE_LIMIT_PER_MINUTE - windowCount)),
      "x-rate-limit-reset": String(minute + 60),
    });
    // The management API wants `Authorization: SSWS <token>`; anything else is E0000011 (Okta error catalogue).
    if (request.url.startsWith("/api/")) {
      const header = request.headers.authorization ?? "";
      const match = /^SSWS\s+(\S+)$/i.exec(header);
      if (!match || match[1] !== apiToken) throw invalidToken();
    }
  });

  app.addHook("onSend", async (request, reply, payload) => {
    const errorCode = reply.statusCode >= 400 && typeof payload === "string" ? /"errorCode":"([^"]+)"/.exec(payload)?.[1] : undefined;
    if (!request.url.startsWith("/_local/")) {
      // A long-running org keeps the most recent entries only.
      if (requestLog.length >= REQUEST_LOG_LIMIT) requestLog.splice(0, requestLog.length - REQUEST_LOG_LIMIT + 1);
      requestLog.push({ method: request.method, path: request.url, status: reply.statusCode, requestId: request.id, at: new Date().toISOString(), ...(errorCode ? { errorCode } : {}) });
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
  app.delete("/_local/requests", (_request, reply) => {
    requestLog.length = 0;
    return reply.code(204).send();
  });

  return { app, requestLog, ctx };
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
