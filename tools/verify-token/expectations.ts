/**
 * What each component expects of a token, read from the stack outputs
 * (`pulumi stack output --json`) and/or given by flags. Nothing the check
 * needs is secret, so the outputs need no `--show-secrets`: the `cloudUi`
 * output is secret as a whole (it holds the client secret) and then prints
 * as "[secret]", and the Cloud UI's issuer and audience are read from the
 * registry's `cloud-ui` provider instead. Only the fields the check needs are
 * read: a client secret in outputs made with `--show-secrets` is never
 * parsed, kept or printed.
 */
import type { z } from "zod";
import { isHttpUrl, isRecord, REDACTED, stackOutputsSchema } from "../../components/contract";
import { PLATFORM_CLAIM_NAMES, REQUIRED_SCOPE } from "../../components/facts";
import {
  COMPONENT_KEYS,
  COMPONENT_TITLE,
  COMPONENTS as PLATFORM,
  DEFAULT_AUDIENCES,
  PLATFORM_COMPONENTS,
  REGISTRY_PROVIDER_NAME,
  CLIENT_APPS,
  COMPONENT_KINDS,
  mcpServerTitle,
  type ComponentKey,
  type ComponentSlug,
  type McpServerSlug,
} from "../../components/platform";
import type { JwksLocation } from "./key-source";

/** The verifier's names for the platform's components: its default --component values and the ids in its JSON report. */
export const COMPONENTS = COMPONENT_KEYS.map((key) => PLATFORM[key].slug) as readonly ComponentSlug[];
export type PlatformComponentId = ComponentSlug;
/** A platform component, or an MCP server named `mcp:<name>` (checked only when asked for). */
export type ComponentId = PlatformComponentId | McpServerSlug;

const MCP_PREFIX = `${COMPONENT_KINDS.mcpServer.slug}:`;

/** The MCP server an id names, if it names one. */
export function mcpServerName(component: ComponentId): string | undefined {
  return component.startsWith(MCP_PREFIX) ? component.slice(MCP_PREFIX.length) : undefined;
}

/** The stack output each component's expected values are read from. */
const OUTPUT_KEY = Object.fromEntries(COMPONENT_KEYS.map((key) => [PLATFORM[key].slug, key])) as {
  readonly [K in ComponentKey as (typeof PLATFORM)[K]["slug"]]: K;
};

/** The component's name as operators know it (platform.ts). */
export function componentTitle(component: ComponentId): string {
  const mcp = mcpServerName(component);
  return mcp === undefined ? COMPONENT_TITLE[OUTPUT_KEY[component as PlatformComponentId]] : mcpServerTitle(mcp);
}

type PlatformClaimName = (typeof PLATFORM_CLAIM_NAMES)[number];

/** facts.ts's claim names keyed by themselves: naming one it does not list fails to compile. */
const PLATFORM_CLAIM = Object.fromEntries(PLATFORM_CLAIM_NAMES.map((name) => [name, name])) as {
  readonly [N in PlatformClaimName]: N;
};

/**
 * The claims the Registry Server maps to platform roles (Stacklok's
 * "Configure platform identity" guide, step 3); `email` only identifies the
 * user. The platform's claim mapping can rename them; --roles-claim and
 * --groups-claim follow such a rename.
 */
export const REGISTRY_AUTHORIZATION_CLAIMS = { groups: PLATFORM_CLAIM.groups, roles: PLATFORM_CLAIM.roles } as const;

/** One issuer a component trusts and the audience it accepts from it. */
export interface TrustedIssuer {
  issuer: string;
  audience: string;
  jwks: JwksLocation;
  /** The Registry Server provider's name. */
  provider?: string;
}

export interface ComponentExpectation {
  component: ComponentId;
  /** Enterprise Manager and Cloud UI: one. Registry Server: one per provider; any of them may accept. */
  trusts: TrustedIssuer[];
  /** Only the Enterprise Manager requires a scope. */
  requiredScope?: string;
  /** Claims the component authorizes on; their absence is a warning. */
  authorizationClaims: string[];
  /** Set when the expected values are unknown: the component is then not checked, and this says why. */
  unavailable?: string;
  /** Where the expected values came from, when not from the component's own output. */
  expectedFrom?: string;
  /**
   * The issuer/audience pairs other components accept. A token whose `aud`
   * also holds one of these, from the same issuer, is accepted there too.
   */
  otherAudiences?: OtherAudience[];
}

/** A pair another component accepts (the Enterprise Manager's or the Cloud UI's). */
export interface OtherAudience {
  component: ComponentId;
  issuer: string;
  audience: string;
}

export interface ExpectationSources {
  /** The parsed outputs.json, if one was given. */
  outputs?: unknown;
  /** Replaces every expected issuer. */
  issuer?: string;
  /** Replaces every expected audience. */
  audience?: string;
  /** Replaces the Enterprise Manager's required scope. */
  requiredScope?: string;
  /** Where every issuer's keys are, instead of discovery or the outputs' jwksUri. */
  jwks?: JwksLocation;
  authorizationClaims?: { roles?: string; groups?: string };
}

/** Input that makes the command meaningless; the CLI exits 2 with this message. */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * The contract's schemas, narrowed to what the check needs: never a client
 * secret or client ID, and the key set and scope may be absent (hand-written
 * outputs; discovery and the default scope stand in).
 */
const { enterpriseManager: emOutput, cloudUi: cloudUiOutput, registryServer: registryServerSchema } = stackOutputsSchema.shape;
const enterpriseManagerSchema = emOutput
  .pick({ issuer: true, audience: true, requiredScope: true, jwksUri: true })
  .partial({ requiredScope: true, jwksUri: true });
const cloudUiSchema = cloudUiOutput.pick({ issuer: true, audience: true, jwksUri: true }).partial({ jwksUri: true });
const mcpServerSchema = stackOutputsSchema.shape.mcpServers.valueType.pick({ issuer: true, audience: true, jwksUri: true });
// Only the providers: role matchers are not the verifier's to check.
const registryServerProviders = registryServerSchema.pick({ providers: true });
type RegistryServerSection = z.infer<typeof registryServerProviders>;

/** One output, parsed; `redacted` when Pulumi printed it as "[secret]". */
type Section<T> = { value: T } | { problem: string; redacted?: true };

export function buildExpectations(sources: ExpectationSources, selected: readonly ComponentId[] = COMPONENTS): ComponentExpectation[] {
  if (sources.outputs === undefined && sources.issuer === undefined) {
    throw new UsageError(
      "no expected values: pass --outputs outputs.json (from `pulumi stack output --json > outputs.json`) " +
        "or at least --issuer",
    );
  }
  if (sources.issuer !== undefined && !isHttpUrl(sources.issuer)) {
    throw new UsageError(`--issuer ${JSON.stringify(sources.issuer)} is not an http(s) URL`);
  }
  const outputs = sources.outputs;
  if (outputs !== undefined && !isRecord(outputs)) {
    throw new UsageError(
      "the outputs file is not a JSON object of stack outputs; produce it with `pulumi stack output --json > outputs.json`",
    );
  }

  const em = section(outputs, "enterprise-manager", enterpriseManagerSchema);
  const ui = section(outputs, "cloud-ui", cloudUiSchema);
  const registry = section(outputs, "registry-server", registryServerProviders);

  // The outputs name the key set of the issuers they know (the registry's
  // providers reuse them); every other issuer is found the way the
  // components find it, by discovery.
  const knownJwksUris = new Map<string, string>();
  for (const known of [em, ui]) {
    if ("value" in known && known.value.jwksUri !== undefined) knownJwksUris.set(known.value.issuer, known.value.jwksUri);
  }
  const jwksFor = (issuer: string, ownJwksUri: string | undefined): JwksLocation => {
    if (sources.jwks !== undefined) return sources.jwks;
    const uri = (sources.issuer === undefined ? ownJwksUri : undefined) ?? knownJwksUris.get(issuer);
    return uri !== undefined ? { kind: "uri", uri } : { kind: "discovery", issuer };
  };
  const trust = (issuer: string, audience: string, options: { provider?: string; jwksUri?: string } = {}): TrustedIssuer => {
    const effectiveIssuer = sources.issuer ?? issuer;
    const trusted: TrustedIssuer = {
      issuer: effectiveIssuer,
      audience: sources.audience ?? audience,
      jwks: jwksFor(effectiveIssuer, options.jwksUri),
    };
    const provider = options.provider;
    if (provider !== undefined) trusted.provider = provider;
    return trusted;
  };
  const claims = {
    roles: sources.authorizationClaims?.roles ?? REGISTRY_AUTHORIZATION_CLAIMS.roles,
    groups: sources.authorizationClaims?.groups ?? REGISTRY_AUTHORIZATION_CLAIMS.groups,
  };

  const mcpExpectation = (component: McpServerSlug, name: string): ComponentExpectation => {
    const raw = outputs?.["mcpServers"];
    const server = isRecord(raw) ? mcpServerSchema.safeParse(raw[name]) : undefined;
    if (server?.success === true) {
      const { issuer, audience, jwksUri } = server.data;
      return { component, trusts: [trust(issuer, audience, { jwksUri })], authorizationClaims: [] };
    }
    // An MCP server has no default audience: flags must give both.
    if (sources.issuer !== undefined && sources.audience !== undefined) {
      return { component, trusts: [trust(sources.issuer, sources.audience)], authorizationClaims: [] };
    }
    const problem =
      outputs === undefined
        ? "no outputs file was given"
        : server === undefined || raw === undefined || !isRecord(raw) || raw[name] === undefined
          ? `the outputs have no mcpServers.${name}`
          : `mcpServers.${name}: ${server.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`;
    return { component, trusts: [], authorizationClaims: [], unavailable: `${problem}; pass --outputs, or --issuer and --audience` };
  };

  const expectationOf = (component: ComponentId): ComponentExpectation => {
    const mcp = mcpServerName(component);
    if (mcp !== undefined) return mcpExpectation(component as McpServerSlug, mcp);
    switch (component as PlatformComponentId) {
      case "enterprise-manager": {
        const requiredScope = sources.requiredScope ?? ("value" in em ? em.value.requiredScope : undefined) ?? REQUIRED_SCOPE;
        if ("value" in em) {
          return { component, trusts: [trust(em.value.issuer, em.value.audience, jwksUriOf(em.value))], requiredScope, authorizationClaims: [] };
        }
        return fromFlagsOr(component, em.problem, sources, (issuer) => ({
          component,
          trusts: [trust(issuer, DEFAULT_AUDIENCES.enterpriseManager)],
          requiredScope,
          authorizationClaims: [],
        }));
      }
      case "cloud-ui": {
        if ("value" in ui) {
          return { component, trusts: [trust(ui.value.issuer, ui.value.audience, jwksUriOf(ui.value))], authorizationClaims: [] };
        }
        const provider = ui.redacted === true ? cloudUiProvider(registry) : undefined;
        if (provider !== undefined) {
          // Its key set: the Enterprise Manager's when the issuer is the same, else discovery.
          const expectation: ComponentExpectation = {
            component,
            trusts: [trust(provider.issuerUrl, provider.audience)],
            authorizationClaims: [],
          };
          if (sources.issuer === undefined || sources.audience === undefined) {
            expectation.expectedFrom =
              `registryServer.providers "${provider.name}" (the ${OUTPUT_KEY["cloud-ui"]} output is secret, ` +
              `printed as "${REDACTED}"; the registry trusts the same issuer and audience)`;
          }
          return expectation;
        }
        const problem =
          ui.redacted === true
            ? `${ui.problem}; registryServer.providers, which also carries the Cloud UI's issuer and audience, ` +
              `has no provider named "${REGISTRY_PROVIDER_NAME.cloudUi}"` +
              ("problem" in registry ? ` (${registry.problem})` : "") +
              ": pass --issuer and --audience"
            : ui.problem;
        return fromFlagsOr(component, problem, sources, (issuer) => ({
          component,
          trusts: [trust(issuer, DEFAULT_AUDIENCES.cloudUi)],
          authorizationClaims: [],
        }));
      }
      case "registry-server": {
        const authorizationClaims = [claims.groups, claims.roles];
        if ("value" in registry) {
          const trusts = registry.value.providers.map((p) => trust(p.issuerUrl, p.audience, { provider: p.name }));
          return { component, trusts: dedupe(trusts), authorizationClaims };
        }
        // The registry trusts every client's pair: one provider per client app.
        return fromFlagsOr(component, registry.problem, sources, (issuer) => ({
          component,
          trusts: dedupe(
            PLATFORM_COMPONENTS.map((key) =>
              trust(issuer, DEFAULT_AUDIENCES[key], { provider: CLIENT_APPS[PLATFORM[key].audience.client].name }),
            ),
          ),
          authorizationClaims,
        }));
      }
    }
  };

  const all = new Map<ComponentId, ComponentExpectation>(
    [...new Set<ComponentId>([...COMPONENTS, ...selected])].map((component) => [component, expectationOf(component)]),
  );
  // The Enterprise Manager and the Cloud UI each accept their own audience
  // only; the registry accepts both by design, so it is nobody's "other".
  const owners = COMPONENTS_WITH_OWN_AUDIENCE.flatMap((component) =>
    (all.get(component)?.trusts ?? []).map(({ issuer, audience }) => ({ component, issuer, audience })),
  );
  return selected.map((component) => {
    const expectation = all.get(component);
    if (expectation === undefined) throw new Error(`no expectation built for ${component}`);
    return { ...expectation, otherAudiences: owners.filter((owner) => owner.component !== component) };
  });
}

/** The components whose audience is theirs alone: a token carrying it is meant for them. */
const COMPONENTS_WITH_OWN_AUDIENCE = PLATFORM_COMPONENTS.map((key) => PLATFORM[key].slug);

/** The registry provider that carries the Cloud UI's issuer/audience pair (chartValues.ts registryProviders). */
function cloudUiProvider(registry: Section<RegistryServerSection>): RegistryServerSection["providers"][number] | undefined {
  if (!("value" in registry)) return undefined;
  return registry.value.providers.find((p) => p.name === REGISTRY_PROVIDER_NAME.cloudUi);
}

function jwksUriOf(output: { jwksUri?: string | undefined }): { jwksUri?: string } {
  return output.jwksUri === undefined ? {} : { jwksUri: output.jwksUri };
}

/** With no usable outputs section, --issuer (plus defaults) stands in for it; without --issuer the component is not checked. */
function fromFlagsOr(
  component: ComponentId,
  problem: string,
  sources: ExpectationSources,
  fromFlags: (issuer: string) => ComponentExpectation,
): ComponentExpectation {
  if (sources.issuer !== undefined) return fromFlags(sources.issuer);
  return { component, trusts: [], authorizationClaims: [], unavailable: problem };
}

/** --audience can make two providers identical; check each pair once. */
function dedupe(trusts: TrustedIssuer[]): TrustedIssuer[] {
  const seen = new Set<string>();
  return trusts.filter((t) => {
    const key = `${t.issuer}\n${t.audience}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function section<T>(outputs: Record<string, unknown> | undefined, component: PlatformComponentId, schema: z.ZodType<T>): Section<T> {
  const key = OUTPUT_KEY[component];
  if (outputs === undefined) return { problem: "no outputs file was given" };
  const raw = outputs[key];
  if (raw === undefined) return { problem: `the outputs have no ${key}` };
  if (containsRedacted(raw)) {
    return {
      problem: `${key} is or holds "${REDACTED}" in the outputs: \`pulumi stack output --json\` prints secret outputs that way`,
      redacted: true,
    };
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { value: parsed.data };
  const problems = parsed.error.issues.map((issue) => {
    const path = [key, ...issue.path.map(String)].join(".");
    return `${path}: ${issue.message}${receivedText(raw, issue.path)}`;
  });
  return { problem: problems.join("; ") };
}

/** Which value was wrong, for the fields the schemas read (none of them secret). */
function receivedText(root: unknown, path: readonly PropertyKey[]): string {
  let value: unknown = root;
  for (const segment of path) {
    if (!isRecord(value) && !Array.isArray(value)) return "";
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  if (value === undefined) return " (missing)";
  if (typeof value === "string") return ` (got ${JSON.stringify(value.length > 80 ? value.slice(0, 80) + "..." : value)})`;
  return ` (got ${value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`})`;
}

function containsRedacted(value: unknown): boolean {
  if (value === REDACTED) return true;
  if (Array.isArray(value)) return value.some(containsRedacted);
  if (isRecord(value)) return Object.values(value).some(containsRedacted);
  return false;
}
