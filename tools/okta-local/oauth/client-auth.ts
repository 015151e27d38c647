/**
 * Client authentication at `/v1/token`, `/v1/introspect` and `/v1/revoke`,
 * as the app's `token_endpoint_auth_method` describes (Okta's former OIDC
 * reference, "Client authentication methods"): `client_secret_basic`
 * sends `Authorization: Basic b64(id:secret)`, `client_secret_post` sends
 * `client_id` and `client_secret` in the form, and with `none` "only the
 * `client_id` is sent in the request body".
 */
import { timingSafeEqual } from "node:crypto";
import type { OktaJson, OrgState } from "../store";
import { OktaOAuthErrors, notEmulated } from "./errors";
import { appAuthMethod, oidcApp } from "./org";

export interface AuthenticatedClient {
  clientId: string;
  app: OktaJson;
}

/** RFC 6749 section 2.3.1: the id and secret are form-urlencoded before base64. */
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, "%20"));
}

function basicCredentials(authorization: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)\s*$/iu.exec(authorization ?? "");
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1] ?? "", "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  try {
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

function sameSecret(given: string, expected: string | undefined): boolean {
  if (expected === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function authenticateClient(
  state: OrgState,
  form: Record<string, string | undefined>,
  authorization: string | undefined,
): AuthenticatedClient {
  const basic = basicCredentials(authorization);
  const postSecret = form.client_secret;
  const assertion = form.client_assertion;
  const presented = [basic !== undefined, postSecret !== undefined, assertion !== undefined].filter(Boolean).length;
  if (presented > 1) throw OktaOAuthErrors.multipleClientCredentials();

  const clientId = basic?.id ?? form.client_id;
  if (clientId === undefined || clientId === "") throw OktaOAuthErrors.noClientCredentials();
  if (basic !== undefined && form.client_id !== undefined && form.client_id !== basic.id) {
    throw OktaOAuthErrors.clientAuthenticationFailed();
  }
  const app = oidcApp(state, clientId);
  if (app === undefined || app.status !== "ACTIVE") {
    // ASSUMPTION: an unknown public client (no secret sent) gets the client_id
    // text; with credentials, the generic authentication failure.
    throw presented === 0 ? OktaOAuthErrors.invalidClientId() : OktaOAuthErrors.clientAuthenticationFailed();
  }

  const method = appAuthMethod(app);
  switch (method) {
    case "none":
      if (presented > 0) throw OktaOAuthErrors.clientAuthenticationFailed();
      return { clientId, app };
    case "client_secret_basic":
    case "client_secret_post": {
      // ASSUMPTION: a client secret is accepted in either place, whichever of
      // the two secret methods the app is registered with. No Okta source says
      // Okta refuses the other place: its Admin Console offers one "Client
      // secret" choice for both, and a client sending `client_secret_post` to
      // an app made there (registered `client_secret_basic`, the default) is
      // reported working (ibm-cloud-security/app-identity-and-access-adapter#49).
      const secret = basic?.secret ?? postSecret;
      if (secret === undefined) throw OktaOAuthErrors.clientAuthenticationFailed();
      if (!sameSecret(secret, state.clientSecrets[clientId])) throw OktaOAuthErrors.clientSecretInvalid();
      return { clientId, app };
    }
    default:
      throw notEmulated(`client authentication with '${method}'`);
  }
}
