/**
 * okta-local's OAuth 2.0 / OpenID Connect endpoints: every custom
 * authorization server at `/oauth2/{serverId}/…` (`default` is the default
 * server's alias) and the org authorization server at `/oauth2/v1/…`.
 *
 * The protocol layer is written out here rather than built on a generic
 * OpenID provider: Okta's paths, policy decisions, token shapes and error
 * texts are what matter, and each lives in one named place:
 * policy.ts (access policies), claims.ts (token claims), client-auth.ts,
 * authorize.ts, token.ts, endpoints.ts, errors.ts (Okta's error catalogue).
 */
import formbody from "@fastify/formbody";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { OrgState } from "../store";
import {
  AUTHORIZATION_CODE_LIFETIME_SECONDS,
  ErrorPageError,
  RedirectError,
  demoAccounts,
  issueAuthorizationCode,
  pendingParams,
  redirectWith,
  signIn,
  validateAuthorizeRequest,
  type AuthorizeParams,
  type PendingAuthorization,
  type SeededAccount,
} from "./authorize";
import { OAuthError, notEmulated } from "./errors";
import { discoveryDocument, introspect, logout, revoke, userinfo } from "./endpoints";
import { issuerOf, oidcApp, orgServer, resolveServer, str, type ResolvedServer } from "./org";
import { PAGE_SECURITY_POLICY, SIGN_IN_TEXT, errorPage, signInPage } from "./pages";
import { tokenEndpoint, type OAuthStore } from "./token";
import { jwksOf } from "./tokens";

export type { OAuthStore } from "./token";
export { ORG_SERVER_ID } from "./org";

export interface OAuthContext {
  store: OAuthStore;
  /** The org URL as clients reach it, e.g. `http://127.0.0.1:8080`; read per request (the port is known only once listening). */
  orgUrl: () => string;
  log: (message: string) => void;
  /** Epoch seconds (fractional); tests may move the clock. */
  now?: () => number;
  /** A demo seed's users, listed with their passwords on the sign-in page; empty otherwise. */
  demoUsers?: readonly SeededAccount[];
}

type Params = Record<string, string | undefined>;

/**
 * Codes and the org server's opaque access tokens are dropped once expired,
 * so a long-running org's state file does not grow without bound. Refresh
 * tokens stay: a rotated-out one must still be recognised to detect reuse.
 */
function pruneExpiredGrants(state: OrgState, now: number): void {
  for (const [code, grant] of Object.entries(state.oauth.codes)) if (now >= grant.expiresAt) delete state.oauth.codes[code];
  for (const [token, record] of Object.entries(state.oauth.orgAccessTokens)) if (now >= record.expiresAt) delete state.oauth.orgAccessTokens[token];
}

/** Form and query values as single strings (a repeated parameter keeps its first value). */
function flatten(input: unknown): Params {
  const out: Params = {};
  if (input === null || typeof input !== "object") return out;
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    const first: unknown = Array.isArray(value) ? value[0] : value;
    if (typeof first === "string") out[key] = first;
  }
  return out;
}

function sendOAuthError(reply: FastifyReply, error: OAuthError): FastifyReply {
  return reply.code(error.status).header("cache-control", "no-store").header("pragma", "no-cache").send(error.toJSON());
}

function sendPage(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.code(status).type("text/html; charset=utf-8").header("content-security-policy", PAGE_SECURITY_POLICY).send(html);
}

/** Okta's error page answers 400; what okta-local does not emulate keeps its 501 on the same page. */
function sendErrorPage(reply: FastifyReply, error: OAuthError): FastifyReply {
  return sendPage(reply, error.status === 501 ? 501 : 400, errorPage(error));
}

/**
 * The widget checks that both fields are filled before it tries the
 * credentials. ASSUMPTION: okta-local checks on the server, with the
 * widget's texts, since its page has no script.
 */
function missingCredential(username: string, password: string): string | undefined {
  if (username.trim() === "") return SIGN_IN_TEXT.usernameRequired;
  if (password === "") return SIGN_IN_TEXT.passwordRequired;
  return undefined;
}

/** An unknown or inactive server. ASSUMPTION: Okta's management 404 shape, as for the server's own resource. */
function sendServerNotFound(reply: FastifyReply, pathId: string): FastifyReply {
  return reply.code(404).send({
    errorCode: "E0000007",
    errorSummary: `Not found: Resource not found: ${pathId} (AuthorizationServer)`,
    errorLink: "E0000007",
    errorId: `oae${Math.random().toString(36).slice(2, 24)}`,
    errorCauses: [],
  });
}

export function registerOAuthRoutes(app: FastifyInstance, ctx: OAuthContext): void {
  const now = ctx.now ?? (() => Date.now() / 1000);

  void app.register(async (scope) => {
    if (!scope.hasContentTypeParser("application/x-www-form-urlencoded")) await scope.register(formbody);

    /** Runs a handler for the server the path names, or answers 404. */
    const forServer =
      (handler: (server: ResolvedServer, request: FastifyRequest, reply: FastifyReply) => unknown) =>
      async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
        const pathId = (request.params as { serverId?: string }).serverId;
        let server: ResolvedServer | undefined;
        if (pathId === undefined) {
          server = orgServer();
        } else {
          server = resolveServer(ctx.store.state, pathId);
          if (server === undefined || server.server?.status !== "ACTIVE") return sendServerNotFound(reply, pathId);
        }
        try {
          return await handler(server, request, reply);
        } catch (error) {
          if (error instanceof OAuthError) {
            if (error.status === 501) ctx.log(`oauth: not emulated: ${request.method} ${request.url.split("?")[0] ?? ""}: ${error.description}`);
            return sendOAuthError(reply, error);
          }
          ctx.log(`oauth: ${request.method} ${request.url} failed: ${error instanceof Error ? error.message : String(error)}`);
          return sendOAuthError(reply, new OAuthError("server_error", "okta-local failed to answer this request.", 500));
        }
      };

    const discovery = (kind: "openid" | "oauth") =>
      forServer(async (server, request, reply) => {
        const clientId = flatten(request.query).client_id;
        const state = ctx.store.state;
        if (clientId !== undefined && oidcApp(state, clientId) === undefined) {
          // Okta's OAuth spec: a bad `?client_id=` gets 400 `invalid_client`.
          return reply.code(400).send({
            errorCode: "invalid_client",
            errorSummary: "Invalid value for 'client_id' parameter.",
            errorLink: "invalid_client",
            errorId: `oae${Math.random().toString(36).slice(2, 24)}`,
            errorCauses: [],
          });
        }
        return discoveryDocument(state, server, issuerOf(server, ctx.orgUrl()), ctx.orgUrl(), kind);
      });

    const keys = forServer((server) => jwksOf(ctx.store.state, server.id));

    const authorize = forServer(async (server, request, reply) => {
      const params: AuthorizeParams = { ...flatten(request.query), ...flatten(request.body) };
      const state = ctx.store.state;
      const deliver = (error: unknown): FastifyReply => {
        if (error instanceof ErrorPageError) {
          if (error.oauth.status === 501) ctx.log(`oauth: not emulated: ${error.oauth.description}`);
          return sendErrorPage(reply, error.oauth);
        }
        if (error instanceof RedirectError) {
          ctx.log(`oauth: authorize for ${params.client_id ?? "?"} failed: ${error.oauth.message}`);
          return reply.redirect(
            redirectWith(error.redirectUri, error.state, { error: error.oauth.error, error_description: error.oauth.description }),
            302,
          );
        }
        throw error;
      };
      let pending;
      try {
        pending = validateAuthorizeRequest(state, server, params);
      } catch (error) {
        return deliver(error);
      }
      const page = (authorization: PendingAuthorization, failure?: { problem: string; username: string }): string =>
        signInPage({
          action: request.url.split("?")[0] ?? request.url,
          pending: pendingParams(params),
          orgUrl: ctx.orgUrl(),
          appLabel: str(authorization.app.label) ?? authorization.clientId,
          demoAccounts: demoAccounts(state, ctx.demoUsers ?? []),
          ...failure,
        });
      if (request.method !== "POST" || params.username === undefined) return sendPage(reply, 200, page(pending));
      const password = params.password ?? "";
      const missing = missingCredential(params.username, password);
      const userId = missing === undefined ? signIn(state, params.username, password) : undefined;
      if (userId === undefined) {
        ctx.log(`oauth: sign-in failed for '${params.username}'`);
        return sendPage(reply, 401, page(pending, { problem: missing ?? SIGN_IN_TEXT.failed, username: params.username }));
      }
      try {
        const grant = issueAuthorizationCode(state, server, pending, userId, now());
        ctx.store.mutate((s) => {
          pruneExpiredGrants(s, grant.expiresAt - AUTHORIZATION_CODE_LIFETIME_SECONDS);
          s.oauth.codes[grant.code] = grant;
        });
        return reply.redirect(redirectWith(pending.redirectUri, pending.state, { code: grant.code }), 302);
      } catch (error) {
        return deliver(error);
      }
    });

    const token = forServer(async (server, request, reply) => {
      const response = await tokenEndpoint(
        { store: ctx.store, server, issuer: issuerOf(server, ctx.orgUrl()), now: now(), log: ctx.log },
        flatten(request.body),
        request.headers.authorization,
      );
      return reply.header("cache-control", "no-store").header("pragma", "no-cache").send(response);
    });

    const userinfoRoute = forServer(async (server, request, reply) => {
      const result = await userinfo(ctx.store.state, server, issuerOf(server, ctx.orgUrl()), request.headers.authorization, now());
      if (result.status === 200) return reply.send(result.body);
      return reply.code(result.status).header("www-authenticate", result.wwwAuthenticate).send();
    });

    const logoutRoute = forServer(async (server, request, reply) => {
      const params = { ...flatten(request.query), ...flatten(request.body) };
      const result = await logout(ctx.store.state, server, issuerOf(server, ctx.orgUrl()), ctx.orgUrl(), params, now());
      if ("errorPage" in result) return sendErrorPage(reply, result.errorPage);
      return reply.redirect(result.redirect, 302);
    });

    const introspectRoute = forServer(async (server, request) =>
      introspect(ctx.store, server, issuerOf(server, ctx.orgUrl()), flatten(request.body), request.headers.authorization, now()),
    );

    const revokeRoute = forServer(async (_server, request, reply) => {
      revoke(ctx.store, flatten(request.body), request.headers.authorization);
      return reply.code(200).send();
    });

    const notEmulatedRoute = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      ctx.log(`oauth: not emulated: ${request.method} ${request.url}`);
      return sendOAuthError(reply, notEmulated(`${request.method} ${request.url.split("?")[0] ?? ""}`));
    };

    for (const prefix of ["/oauth2/:serverId", "/oauth2"]) {
      // The org server's metadata lives at the org root, the custom servers' under their path.
      const metadataBase = prefix === "/oauth2" ? "" : prefix;
      scope.get(`${metadataBase}/.well-known/openid-configuration`, discovery("openid"));
      scope.get(`${metadataBase}/.well-known/oauth-authorization-server`, discovery("oauth"));
      scope.get(`${prefix}/v1/keys`, keys);
      scope.get(`${prefix}/v1/authorize`, authorize);
      scope.post(`${prefix}/v1/authorize`, authorize);
      scope.post(`${prefix}/v1/token`, token);
      scope.get(`${prefix}/v1/userinfo`, userinfoRoute);
      scope.post(`${prefix}/v1/userinfo`, userinfoRoute);
      scope.get(`${prefix}/v1/logout`, logoutRoute);
      scope.post(`${prefix}/v1/logout`, logoutRoute);
      scope.post(`${prefix}/v1/introspect`, introspectRoute);
      scope.post(`${prefix}/v1/revoke`, revokeRoute);
      scope.all(`${prefix}/v1/*`, notEmulatedRoute);
    }
    // Okta also serves a custom server's OAuth metadata at this RFC 8414 path (developer.okta.com).
    scope.get("/.well-known/oauth-authorization-server/oauth2/:serverId", discovery("oauth"));
  });
}
