/**
 * Okta's `default` authorization server exists once per org, so two stacks
 * adopting it would overwrite each other's audiences, claims and policies.
 * Before anything is created, read the server and refuse to adopt it when
 * another stack's marker is on it.
 */
import * as okta from "@pulumi/okta";
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE } from "./config";
import { DEFAULT_SERVER_NAME } from "./facts";
import { ownerFromDescription } from "./naming";

export interface DefaultServerState {
  description?: string;
  /** Absent when Okta's answer (or the data source) carries none: read as empty. */
  audiences?: string[];
  /** `ORG_URL`, `CUSTOM_URL` or `DYNAMIC`; absent or empty when Okta does not say. */
  issuerMode?: string;
}

export interface AdoptionFindings {
  /** Set when adoption must not go ahead. */
  error?: string;
  warnings: string[];
}

/** Decides whether this stack may adopt `default` as it stands now. Pure. */
export function defaultServerFindings(
  current: DefaultServerState,
  ourAudience: string,
  stackId: string,
  takeOver: boolean,
): AdoptionFindings {
  const owner = ownerFromDescription(current.description);
  const ours = owner === stackId;
  if (owner !== undefined && !ours && !takeOver) {
    return {
      warnings: [],
      error:
        `Okta's "default" authorization server is already managed by Pulumi stack ${owner} ` +
        "(its description says so). Two stacks adopting it would overwrite each other's audience, claims " +
        "and access policies. Use mode: per-component or a custom authorizationServer for this stack, or, if " +
        `${owner} no longer manages it, set ${CONFIG_NAMESPACE}:takeOverDefaultServer to true.`,
    };
  }
  const warnings: string[] = [];
  if (!ours) {
    // Okta gives a server one audience, so adopting replaces it outright.
    const replaced = (current.audiences ?? []).filter((a) => a !== ourAudience);
    if (replaced.length > 0) {
      warnings.push(
        `Adopting Okta's "default" authorization server replaces its audience ${replaced.map((a) => `"${a}"`).join(", ")} ` +
          `with "${ourAudience}" (Okta allows one audience per server): apps in this org that get tokens from ` +
          `default for ${replaced.length === 1 ? "it" : "them"} will stop getting them. To keep them working, set ` +
          `${CONFIG_NAMESPACE}:audiences.enterpriseManager to ${JSON.stringify(replaced[0])} (the Stacklok components ` +
          "then also accept the tokens those apps get), or use a custom authorizationServer.",
      );
    }
    if (owner !== undefined) warnings.push(`Taking over the "default" authorization server from stack ${owner}.`);
  }
  return { warnings };
}

/**
 * The issuer mode to set on `default`. The provider's Read stores whatever
 * mode Okta returns but its schema has no default for it, so leaving it unset
 * plans `issuerMode: "<mode>" -> removed` on every run and PUTs the server
 * without it (terraform-provider-okta `resource_okta_auth_server_default.go`).
 * Config wins; otherwise keep the mode the server has. Pure.
 */
export function defaultServerIssuerMode(current: DefaultServerState, configured: string | undefined): string | undefined {
  if (configured !== undefined) return configured;
  return current.issuerMode ? current.issuerMode : undefined;
}

/** The `default` server cannot be read, or may not be adopted. A RunError: Pulumi prints it without a stack trace. */
export class DefaultServerError extends pulumi.RunError {}

/**
 * Reads `default` from Okta and applies `defaultServerFindings`; throws before
 * anything is created. Returns what was read, for the settings to keep.
 */
export async function assertDefaultServerAdoptable(
  ourAudience: string,
  stackId: string,
  takeOver: boolean,
): Promise<DefaultServerState> {
  let current: okta.auth.GetServerResult;
  try {
    current = await okta.auth.getServer({ name: DEFAULT_SERVER_NAME });
  } catch (err) {
    throw new DefaultServerError(
      `Could not read Okta's "default" authorization server: ${err instanceof Error ? err.message : String(err)}. ` +
        "Check okta:orgName and okta:baseUrl, that the API token or service app may read authorization servers " +
        "(okta.authorizationServers.read), and that the org has API Access Management.",
    );
  }
  // The data source's result types promise values it may leave out; read defensively.
  const state: DefaultServerState = {
    ...(typeof current.description === "string" ? { description: current.description } : {}),
    audiences: Array.isArray(current.audiences) ? current.audiences : [],
    ...(typeof current.issuerMode === "string" ? { issuerMode: current.issuerMode } : {}),
  };
  const findings = defaultServerFindings(state, ourAudience, stackId, takeOver);
  for (const warning of findings.warnings) void pulumi.log.warn(warning);
  if (findings.error) throw new DefaultServerError(findings.error);
  return state;
}
