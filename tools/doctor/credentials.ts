/**
 * The org and the credentials, found the way terraform-provider-okta finds
 * them (okta/config/config.go NewConfig): each setting from the provider's
 * config (Pulumi's `okta:` namespace) when set, else from its environment
 * variable; `http_proxy` (when set) is the URL every call goes to, else
 * `https://<org_name>.<base_url>` (okta/api/api.go). The doctor reads with an
 * API token (`Authorization: SSWS`) or an OAuth access token (`Bearer`), the
 * provider's first two ways; a service app's private key is not used.
 * The token is held only in memory and never printed.
 */

export interface OrgCredentials {
  orgUrl: string;
  authorization: { scheme: "SSWS" | "Bearer"; token: string };
  /** Where each came from, for messages (never the values). */
  from: { org: string; token: string };
}

export class CredentialsError extends Error {}

/** The provider's settings: Pulumi config key and its environment variable (config.go). */
export const PROVIDER_SETTINGS = {
  orgName: { config: "okta:orgName", env: "OKTA_ORG_NAME" },
  baseUrl: { config: "okta:baseUrl", env: "OKTA_BASE_URL" },
  httpProxy: { config: "okta:httpProxy", env: "OKTA_HTTP_PROXY" },
  apiToken: { config: "okta:apiToken", env: "OKTA_API_TOKEN" },
  accessToken: { config: "okta:accessToken", env: "OKTA_ACCESS_TOKEN" },
  clientId: { config: "okta:clientId", env: "OKTA_API_CLIENT_ID" },
  privateKey: { config: "okta:privateKey", env: "OKTA_API_PRIVATE_KEY" },
} as const;
type Setting = keyof typeof PROVIDER_SETTINGS;

/**
 * `pulumi config --show-secrets --json` prints `{"<ns:key>": {"value": "...",
 * "secret": bool, ...}}`; a flat `{"ns:key": "value"}` map is accepted too.
 */
export function configValues(document: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!document || typeof document !== "object") return out;
  for (const [key, entry] of Object.entries(document as Record<string, unknown>)) {
    const value = entry && typeof entry === "object" && "value" in entry ? (entry).value : entry;
    if (typeof value === "string") out[key] = value;
    else if (typeof value === "number" || typeof value === "boolean") out[key] = String(value);
  }
  return out;
}

/**
 * Resolves the org URL and the token. `explicit` (the doctor's own flags)
 * wins over the stack's config, which wins over the environment.
 */
export function resolveCredentials(
  config: Record<string, string>,
  env: NodeJS.ProcessEnv,
  explicit: { orgUrl?: string; apiToken?: string } = {},
): OrgCredentials {
  const pick = (setting: Setting): { value: string; from: string } | undefined => {
    const { config: key, env: variable } = PROVIDER_SETTINGS[setting];
    const configured = config[key];
    if (configured !== undefined && configured !== "") return { value: configured, from: `stack config ${key}` };
    const fromEnv = env[variable];
    if (fromEnv !== undefined && fromEnv !== "") return { value: fromEnv, from: `$${variable}` };
    return undefined;
  };

  let orgUrl: string;
  let orgFrom: string;
  const proxy = pick("httpProxy");
  if (explicit.orgUrl) {
    orgUrl = explicit.orgUrl;
    orgFrom = "--org";
  } else if (proxy) {
    orgUrl = proxy.value;
    orgFrom = proxy.from;
  } else {
    const orgName = pick("orgName");
    const baseUrl = pick("baseUrl");
    if (!orgName || !baseUrl) {
      const missing = [!orgName ? "okta:orgName (or $OKTA_ORG_NAME)" : undefined, !baseUrl ? "okta:baseUrl (or $OKTA_BASE_URL)" : undefined].filter(Boolean);
      throw new CredentialsError(`cannot tell which Okta org to read: ${missing.join(" and ")} not set; set them as for pulumi up, or pass --org <url>`);
    }
    orgUrl = `https://${orgName.value}.${baseUrl.value}`;
    orgFrom = `${orgName.from} and ${baseUrl.from}`;
  }
  orgUrl = orgUrl.replace(/\/+$/, "");
  try {
    const parsed = new URL(orgUrl);
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new Error("not http(s)");
  } catch {
    throw new CredentialsError(`the org URL from ${orgFrom} is not an http(s) URL (got ${JSON.stringify(orgUrl)})`);
  }

  if (explicit.apiToken) return { orgUrl, authorization: { scheme: "SSWS", token: explicit.apiToken }, from: { org: orgFrom, token: "--api-token" } };
  const apiToken = pick("apiToken");
  if (apiToken) return { orgUrl, authorization: { scheme: "SSWS", token: apiToken.value }, from: { org: orgFrom, token: apiToken.from } };
  const accessToken = pick("accessToken");
  if (accessToken) return { orgUrl, authorization: { scheme: "Bearer", token: accessToken.value }, from: { org: orgFrom, token: accessToken.from } };
  if (pick("privateKey") || pick("clientId")) {
    throw new CredentialsError(
      "the stack signs in to Okta with a service app's private key, which the doctor does not use: give it a read-only API token " +
        "(--api-token or $OKTA_API_TOKEN) or an access token for the service app with the read scopes in docs/operations.md ($OKTA_ACCESS_TOKEN)",
    );
  }
  throw new CredentialsError("no Okta credentials: set okta:apiToken in the stack's config (secret), or $OKTA_API_TOKEN, or pass --api-token");
}
