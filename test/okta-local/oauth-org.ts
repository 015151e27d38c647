/**
 * An okta-local org for the OAuth tests, created the way a client of Okta
 * would create it: seeded users, then everything else through the
 * management API with an `SSWS` token. Also the browser half of a sign-in:
 * okta-local's sign-in form, filled in and posted.
 */
import { start, type OktaLocal } from "../../tools/okta-local/index";

export const CLI_REDIRECT_URI = "http://localhost:8666/callback";
export const CLI_SIGNED_OUT_URI = "http://localhost:8666/signed-out";
export const UI_REDIRECT_URI = "https://ui.example.com/api/auth/oauth2/callback/oidc";
export const CONFIG_SCOPE = "toolhive:config:read";

export const USERS = {
  alice: { login: "alice@example.com", password: "Alice-Passw0rd!" },
  bob: { login: "bob@example.com", password: "Bob-Passw0rd!" },
  carol: { login: "carol@example.com", password: "Carol-Passw0rd!" },
} as const;

type Json = Record<string, unknown>;

export interface TestApp {
  clientId: string;
  clientSecret?: string;
}

export interface OAuthTestOrg {
  okta: OktaLocal;
  url: string;
  /** The Enterprise Manager's server: audience `enterprise-manager`, a policy for the listed apps. */
  em: { id: string; issuer: string; audience: string };
  /** A second server (audience `cloud-ui`) whose policy admits everyone. */
  ui: { id: string; issuer: string; audience: string };
  apps: {
    /** native, `none` + PKCE, ROTATE with 30 s leeway */
    cli: TestApp;
    /** native, `none` + PKCE, ROTATE with no leeway */
    cliNoLeeway: TestApp;
    /** native, `none` + PKCE, STATIC */
    cliStatic: TestApp;
    /** web, client_secret_basic */
    webBasic: TestApp;
    /** web, client_secret_post */
    webPost: TestApp;
    /** native, assigned, but in no policy of the em server */
    unlisted: TestApp;
  };
  groups: { engineers: string; sales: string; everyone: string };
  api(method: string, path: string, body?: unknown): Promise<Json>;
  close(): Promise<void>;
}

export async function startOAuthTestOrg(options: { now?: () => number } = {}): Promise<OAuthTestOrg> {
  const okta = await start({
    quiet: true,
    ...options,
    seed: {
      users: [
        { ...USERS.alice, email: USERS.alice.login, firstName: "Alice", lastName: "Engineer", groups: ["stacklok-engineers"], profile: { roles: ["toolhive-admin", "dev"] } },
        { ...USERS.bob, email: USERS.bob.login, firstName: "Bob", lastName: "Sales", groups: ["sales"], profile: {} },
        { ...USERS.carol, email: USERS.carol.login, firstName: "Carol", lastName: "Outsider", groups: [], profile: {} },
      ],
      groups: [],
    },
  });
  const api = async (method: string, path: string, body?: unknown): Promise<Json> => {
    const response = await fetch(`${okta.url}${path}`, {
      method,
      headers: { authorization: `SSWS ${okta.apiToken}`, accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return text === "" ? {} : (JSON.parse(text) as Json);
  };
  const id = (object: Json): string => String(object.id);

  try {
    const engineers = id(await api("POST", "/api/v1/groups", { profile: { name: "stacklok-engineers", description: "" } }));
    const sales = id(await api("POST", "/api/v1/groups", { profile: { name: "sales", description: "" } }));
    const everyoneList = (await fetch(`${okta.url}/api/v1/groups?q=Everyone`, { headers: { authorization: `SSWS ${okta.apiToken}` } }).then((r) => r.json())) as Json[];
    const everyone = id(everyoneList.find((g) => (g.profile as Json).name === "Everyone") ?? {});

    const server = async (name: string, audience: string) => {
      const created = await api("POST", "/api/v1/authorizationServers", {
        name,
        description: `${name} server`,
        audiences: [audience],
        issuerMode: "ORG_URL",
        credentials: { signing: { rotationMode: "AUTO" } },
      });
      await api("POST", `/api/v1/authorizationServers/${id(created)}/scopes`, {
        name: CONFIG_SCOPE,
        description: "Read the ToolHive configuration",
        consent: "IMPLICIT",
        metadataPublish: "ALL_CLIENTS",
      });
      for (const claim of [
        { name: "groups", valueType: "GROUPS", value: "stacklok-.*", group_filter_type: "REGEX" },
        { name: "roles", valueType: "EXPRESSION", value: "user.roles" },
      ]) {
        await api("POST", `/api/v1/authorizationServers/${id(created)}/claims`, {
          ...claim,
          status: "ACTIVE",
          claimType: "RESOURCE",
          conditions: { scopes: [] },
          alwaysIncludeInToken: true,
        });
      }
      return { id: id(created), issuer: `${okta.url}/oauth2/${id(created)}`, audience };
    };
    const em = await server("enterprise-manager", "enterprise-manager");
    const ui = await server("cloud-ui", "cloud-ui");

    const app = async (
      label: string,
      kind: "native" | "web",
      authMethod: "none" | "client_secret_basic" | "client_secret_post",
      refresh?: { rotation_type: "ROTATE" | "STATIC"; leeway?: number },
    ): Promise<TestApp> => {
      const created = await api("POST", "/api/v1/apps?activate=true", {
        name: "oidc_client",
        label,
        signOnMode: "OPENID_CONNECT",
        credentials: { oauthClient: { autoKeyRotation: true, token_endpoint_auth_method: authMethod, pkce_required: authMethod === "none" } },
        settings: {
          oauthClient: {
            application_type: kind,
            consent_method: "TRUSTED",
            issuer_mode: "ORG_URL",
            grant_types: ["authorization_code", "refresh_token"],
            response_types: ["code"],
            redirect_uris: [kind === "native" ? CLI_REDIRECT_URI : UI_REDIRECT_URI],
            post_logout_redirect_uris: [CLI_SIGNED_OUT_URI],
            ...(refresh === undefined ? {} : { refresh_token: refresh }),
          },
        },
      });
      const clientId = id(created);
      for (const groupId of [engineers, sales]) await api("PUT", `/api/v1/apps/${clientId}/groups/${groupId}`, {});
      const secret = (created.credentials as { oauthClient: Json }).oauthClient.client_secret;
      return typeof secret === "string" ? { clientId, clientSecret: secret } : { clientId };
    };
    const apps = {
      cli: await app("cli", "native", "none", { rotation_type: "ROTATE", leeway: 30 }),
      cliNoLeeway: await app("cli-no-leeway", "native", "none", { rotation_type: "ROTATE", leeway: 0 }),
      cliStatic: await app("cli-static", "native", "none", { rotation_type: "STATIC" }),
      webBasic: await app("web-basic", "web", "client_secret_basic"),
      webPost: await app("web-post", "web", "client_secret_post"),
      unlisted: await app("unlisted", "native", "none"),
    };

    // em: engineers may use the config scope with the code grant, from the listed apps only.
    const emPolicy = await api("POST", `/api/v1/authorizationServers/${em.id}/policies`, {
      type: "OAUTH_AUTHORIZATION_POLICY",
      status: "ACTIVE",
      name: "stacklok-clients",
      description: "Stacklok clients",
      priority: 1,
      conditions: { clients: { include: [apps.cli, apps.cliNoLeeway, apps.cliStatic, apps.webBasic, apps.webPost].map((a) => a.clientId) } },
    });
    await api("POST", `/api/v1/authorizationServers/${em.id}/policies/${id(emPolicy)}/rules`, {
      type: "RESOURCE_ACCESS",
      status: "ACTIVE",
      name: "engineers",
      priority: 1,
      conditions: {
        people: { groups: { include: [engineers] } },
        grantTypes: { include: ["authorization_code"] },
        scopes: { include: [CONFIG_SCOPE] },
      },
      actions: { token: { accessTokenLifetimeMinutes: 15, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080 } },
    });
    // ui: anyone assigned, any scope.
    const uiPolicy = await api("POST", `/api/v1/authorizationServers/${ui.id}/policies`, {
      type: "OAUTH_AUTHORIZATION_POLICY",
      status: "ACTIVE",
      name: "everyone",
      description: "Everyone",
      priority: 1,
      conditions: { clients: { include: ["ALL_CLIENTS"] } },
    });
    await api("POST", `/api/v1/authorizationServers/${ui.id}/policies/${id(uiPolicy)}/rules`, {
      type: "RESOURCE_ACCESS",
      status: "ACTIVE",
      name: "everyone",
      priority: 1,
      conditions: { people: { groups: { include: [everyone] } }, grantTypes: { include: ["authorization_code"] }, scopes: { include: ["*"] } },
      actions: { token: { accessTokenLifetimeMinutes: 60, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080 } },
    });

    return { okta, url: okta.url, em, ui, apps, groups: { engineers, sales, everyone }, api, close: () => okta.close() };
  } catch (error) {
    await okta.close();
    throw error;
  }
}

function decodeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

export interface BrowserStep {
  status: number;
  /** The Location header of a redirect, resolved. */
  location?: URL;
  body: string;
}

/** The sign-in form's action and hidden fields, read from okta-local's page. */
export function readSignInForm(html: string, pageUrl: URL): { action: URL; fields: Record<string, string> } {
  const form = /<form method="post" action="([^"]*)">/.exec(html);
  if (form === null) throw new Error(`no sign-in form in the page:\n${html}`);
  if (!/<input type="text" name="username"/.test(html) || !/<input type="password" name="password"/.test(html)) {
    throw new Error("the sign-in form has no username and password inputs");
  }
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    fields[decodeHtml(match[1] ?? "")] = decodeHtml(match[2] ?? "");
  }
  return { action: new URL(decodeHtml(form[1] ?? ""), pageUrl), fields };
}

async function step(response: Response, base: URL): Promise<BrowserStep> {
  const location = response.headers.get("location");
  return { status: response.status, ...(location === null ? {} : { location: new URL(location, base) }), body: await response.text() };
}

/**
 * What a browser does: open the authorize URL; if okta-local shows its
 * sign-in form, fill in the credentials and post it. Redirects are not
 * followed: the last answer is returned (a redirect to the client, an error
 * page, or the form again).
 */
export async function signInThroughBrowser(authorizeUrl: URL, username: string, password: string): Promise<BrowserStep> {
  const first = await step(await fetch(authorizeUrl, { redirect: "manual" }), authorizeUrl);
  if (first.status !== 200) return first;
  const { action, fields } = readSignInForm(first.body, authorizeUrl);
  const response = await fetch(action, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ ...fields, username, password }).toString(),
  });
  return step(response, action);
}
