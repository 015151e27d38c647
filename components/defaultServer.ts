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
  audiences: string[];
}

export interface AdoptionFindings {
  /** Set when adoption must not go ahead. */
  error?: string;
  warnings: string[];
}

/** Decides whether this stack may adopt `default` as it stands now. Pure. */
export function defaultServerFindings(
  current: DefaultServerState,
  ourAudiences: string[],
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
        "(its description says so). Two stacks adopting it would overwrite each other's audiences, claims " +
        "and access policies. Use mode: per-component or a custom authorizationServer for this stack, or, if " +
        `${owner} no longer manages it, set ${CONFIG_NAMESPACE}:takeOverDefaultServer to true.`,
    };
  }
  const warnings: string[] = [];
  if (!ours) {
    // The data source leaves audiences out when the server has none.
    const dropped = (current.audiences ?? []).filter((a) => !ourAudiences.includes(a));
    if (dropped.length > 0) {
      warnings.push(
        `Adopting Okta's "default" authorization server replaces its audiences: ${dropped.join(", ")} ` +
          "will be removed, and apps in this org that request tokens for them will stop getting them.",
      );
    }
    if (owner !== undefined) warnings.push(`Taking over the "default" authorization server from stack ${owner}.`);
  }
  return { warnings };
}

/** The `default` server cannot be read, or may not be adopted. A RunError: Pulumi prints it without a stack trace. */
export class DefaultServerError extends pulumi.RunError {}

/** Reads `default` from Okta and applies `defaultServerFindings`; throws before anything is created. */
export async function assertDefaultServerAdoptable(
  ourAudiences: string[],
  stackId: string,
  takeOver: boolean,
): Promise<void> {
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
  const findings = defaultServerFindings(current, ourAudiences, stackId, takeOver);
  for (const warning of findings.warnings) void pulumi.log.warn(warning);
  if (findings.error) throw new DefaultServerError(findings.error);
}
