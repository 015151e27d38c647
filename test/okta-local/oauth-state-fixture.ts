/**
 * A hand-built org in Okta's shapes, for testing the OAuth layer's decisions
 * as pure functions (the HTTP tests create their org through the management
 * API instead).
 */
import { emptyOrgState, type OktaJson, type OrgState } from "../../tools/okta-local/store";

export const ORG_URL = "http://127.0.0.1:9";
export const SERVER_ID = "aus1TestServer000001";
export const NATIVE_APP = "0oa1NativeApp0000001";
export const WEB_APP = "0oa1WebApp000000001";
export const EVERYONE = "00g1Everyone00000001";
export const ENGINEERS = "00g1Engineers0000001";
export const SALES = "00g1Sales00000000001";
export const ALICE = "00u1Alice00000000001";
export const BOB = "00u1Bob0000000000001";
export const CAROL = "00u1Carol00000000001";
export const POLICY = "00p1Policy0000000001";
export const RULE = "0pr1Rule000000000001";

function group(name: string, type = "OKTA_GROUP"): OktaJson {
  return { type, profile: { name, description: "" } };
}

function user(login: string, firstName: string, extra: OktaJson = {}): OktaJson {
  return { status: "ACTIVE", lastUpdated: "2026-11-30T00:00:00.000Z", profile: { login, email: login, firstName, lastName: "Example", ...extra } };
}

export function scope(name: string, system = false): OktaJson {
  return { name, system, metadataPublish: system ? "ALL_CLIENTS" : "NO_CLIENTS", consent: "IMPLICIT", default: false };
}

export function claim(fields: OktaJson): OktaJson {
  return { status: "ACTIVE", conditions: { scopes: [] }, system: false, alwaysIncludeInToken: true, ...fields };
}

export function rule(fields: { priority?: number; grantTypes?: string[]; scopes?: string[]; groups?: string[]; users?: string[]; excludeGroups?: string[]; status?: string }): OktaJson {
  return {
    status: fields.status ?? "ACTIVE",
    type: "RESOURCE_ACCESS",
    priority: fields.priority ?? 1,
    conditions: {
      people: { users: { include: fields.users ?? [], exclude: [] }, groups: { include: fields.groups ?? [], exclude: fields.excludeGroups ?? [] } },
      grantTypes: { include: fields.grantTypes ?? ["authorization_code"] },
      scopes: { include: fields.scopes ?? ["toolhive:config:read"] },
    },
    actions: { token: { accessTokenLifetimeMinutes: 30, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080 } },
  };
}

export function policy(priority: number, clients: string[], status = "ACTIVE"): OktaJson {
  return { status, type: "OAUTH_AUTHORIZATION_POLICY", priority, conditions: { clients: { include: clients } } };
}

/**
 * Alice is an engineer (roles admin, dev); Bob is in sales; both groups are
 * assigned to the native app. Carol is in no assigned group. One policy for
 * the native app lets engineers use `toolhive:config:read` with the code grant.
 */
export function buildOrg(): OrgState {
  const state = emptyOrgState(ORG_URL);
  state.groups = { [EVERYONE]: group("Everyone", "BUILT_IN"), [ENGINEERS]: group("stacklok-engineers"), [SALES]: group("sales") };
  state.users = {
    [ALICE]: user("alice@example.com", "Alice", { roles: ["admin", "dev"] }),
    [BOB]: user("bob@example.com", "Bob"),
    [CAROL]: user("carol@example.com", "Carol"),
  };
  state.passwords = { [ALICE]: "alice-pass", [BOB]: "bob-pass", [CAROL]: "carol-pass" };
  state.groupMembers = { [ENGINEERS]: [ALICE], [SALES]: [BOB] };
  state.authorizationServers = {
    [SERVER_ID]: { id: SERVER_ID, name: "em", audiences: ["enterprise-manager"], issuerMode: "ORG_URL", status: "ACTIVE", default: false },
  };
  state.scopes = {
    [SERVER_ID]: Object.fromEntries(
      [...["openid", "profile", "email", "address", "phone", "offline_access"].map((n) => scope(n, true)), scope("toolhive:config:read"), scope("other:read")].map(
        (s, i) => [`scp${i}`, s],
      ),
    ),
  };
  state.claims = {
    [SERVER_ID]: {
      ocl0: claim({ name: "sub", claimType: "RESOURCE", valueType: "EXPRESSION", value: "(appuser != null) ? appuser.userName : app.clientId", system: true }),
      ocl1: claim({ name: "name", claimType: "IDENTITY", valueType: "SYSTEM", value: "", conditions: { scopes: ["profile"] }, system: true }),
      ocl2: claim({ name: "email", claimType: "IDENTITY", valueType: "SYSTEM", value: "", conditions: { scopes: ["email"] }, system: true }),
      ocl3: claim({ name: "locale", claimType: "IDENTITY", valueType: "SYSTEM", value: "", conditions: { scopes: ["profile"] }, system: true, alwaysIncludeInToken: false }),
    },
  };
  state.policies = { [SERVER_ID]: { [POLICY]: policy(1, [NATIVE_APP]) } };
  state.policyRules = { [POLICY]: { [RULE]: rule({ groups: [ENGINEERS] }) } };
  state.apps = {
    [NATIVE_APP]: {
      id: NATIVE_APP,
      status: "ACTIVE",
      signOnMode: "OPENID_CONNECT",
      credentials: { oauthClient: { client_id: NATIVE_APP, token_endpoint_auth_method: "none", pkce_required: true } },
      settings: {
        oauthClient: {
          redirect_uris: ["http://localhost:8666/callback"],
          response_types: ["code"],
          grant_types: ["authorization_code", "refresh_token"],
          application_type: "native",
          refresh_token: { rotation_type: "ROTATE", leeway: 30 },
        },
      },
    },
    [WEB_APP]: {
      id: WEB_APP,
      status: "ACTIVE",
      signOnMode: "OPENID_CONNECT",
      credentials: { oauthClient: { client_id: WEB_APP, token_endpoint_auth_method: "client_secret_basic", pkce_required: false } },
      settings: {
        oauthClient: {
          redirect_uris: ["https://ui.example.com/api/auth/oauth2/callback/oidc"],
          response_types: ["code"],
          grant_types: ["authorization_code"],
          application_type: "web",
        },
      },
    },
  };
  state.clientSecrets = { [WEB_APP]: "web-secret" };
  state.appGroupAssignments = { [NATIVE_APP]: { [ENGINEERS]: {}, [SALES]: {} }, [WEB_APP]: { [EVERYONE]: {} } };
  return state;
}
