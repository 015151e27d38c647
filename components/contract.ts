/**
 * The stack outputs: the contract with the Stacklok Enterprise charts and
 * with the tools beside the program (the offline plan's wiring check and the
 * token verifier parse outputs with these schemas). They describe the
 * resolved values, as `pulumi stack output --json --show-secrets` prints
 * them; the TypeScript types are inferred from the schemas.
 */
import { z } from "zod";

/** Whether a string is an absolute http(s) URL, as issuers and key-set URIs are. */
export function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === "https:" || protocol === "http:";
}

/** What `pulumi stack output --json` prints for a secret output without --show-secrets. */
export const REDACTED = "[secret]";

const httpUrl = z.string().refine(isHttpUrl, { error: "expected an http(s) URL" });
const nonEmpty = z.string().min(1, { error: "expected a non-empty string" });

export const setupModeSchema = z.enum(["single", "per-component"]);

export const enterpriseManagerOutputSchema = z.object({
  issuer: httpUrl,
  audience: nonEmpty,
  requiredScope: nonEmpty,
  jwksUri: httpUrl,
  /** Client ID of the native app the Stacklok CLI and Desktop share. */
  clientId: nonEmpty,
});

export const cloudUiOutputSchema = z.object({
  issuer: httpUrl,
  audience: nonEmpty,
  jwksUri: httpUrl,
  clientId: nonEmpty,
  clientSecret: z.string(),
});

export const registryProviderSchema = z.object({ name: nonEmpty, issuerUrl: httpUrl, audience: nonEmpty });

/** A Registry Server claim matcher: claim name to the value, or any of the values, the token must carry. */
export const claimMatcherSchema = z.record(nonEmpty, z.union([nonEmpty, z.array(nonEmpty).min(1)]));

/** `auth.authz` of the Registry Server: every role is always listed, and `superAdmin` is never empty. */
export const registryAuthzSchema = z.object({
  roles: z.object({
    superAdmin: z.array(claimMatcherSchema).min(1, { error: "expected at least one superAdmin matcher" }),
    manageSources: z.array(claimMatcherSchema),
    manageRegistries: z.array(claimMatcherSchema),
    manageEntries: z.array(claimMatcherSchema),
  }),
});

export const registryServerOutputSchema = z.object({
  providers: z.array(registryProviderSchema).min(1, { error: "expected at least one provider" }),
  authz: registryAuthzSchema,
});

/** The block to set as `spec.oidcConfigRef` on an MCPServer (toolhive.stacklok.dev/v1beta1). */
export const oidcConfigRefSchema = z.object({ name: nonEmpty, audience: nonEmpty, resourceUrl: httpUrl });

/** One MCP server's token source, keyed by its name in the `mcpServers` output. */
export const mcpServerOutputSchema = z.object({
  issuer: httpUrl,
  audience: nonEmpty,
  jwksUri: httpUrl,
  resourceUrl: httpUrl,
  oidcConfigRef: oidcConfigRefSchema,
});

/** Helm values for the umbrella chart, keyed by sub-chart. */
export const chartValuesSchema = z.object({
  "enterprise-manager": z.object({
    idpConfig: z.object({ issuer: z.string(), audience: z.string(), requiredScope: z.string(), idpType: z.string() }),
    clientID: z.string(),
    resourceURL: z.string().optional(),
  }),
  "toolhive-cloud-ui": z.object({
    oidc: z.object({ issuerUrl: z.string(), clientId: z.string(), clientSecret: z.string() }),
    betterAuth: z.object({ url: z.string() }),
  }),
  "toolhive-registry-server": z.object({
    upstream: z.object({
      config: z.object({
        auth: z.object({
          mode: z.literal("oauth"),
          oauth: z.object({ resourceUrl: z.string().optional(), providers: z.array(registryProviderSchema) }),
          authz: registryAuthzSchema,
        }),
      }),
    }),
  }),
});

export const stackOutputsSchema = z.object({
  mode: setupModeSchema,
  enterpriseManager: enterpriseManagerOutputSchema,
  cloudUi: cloudUiOutputSchema,
  registryServer: registryServerOutputSchema,
  chartValues: chartValuesSchema,
  chartValuesYaml: z.string(),
  /** A ClusterPlatformRoleBinding: `writer` to the admin groups, `reader` to the users groups. */
  platformRoleBindingsYaml: z.string(),
  mcpServers: z.record(nonEmpty, mcpServerOutputSchema),
  /** One MCPOIDCConfig per MCP server issuer, and each MCPServer's oidcConfigRef as a comment. */
  mcpManifestsYaml: z.string(),
});

export type SetupMode = z.infer<typeof setupModeSchema>;
export type EnterpriseManagerOutput = z.infer<typeof enterpriseManagerOutputSchema>;
export type CloudUiOutput = z.infer<typeof cloudUiOutputSchema>;
export type RegistryProvider = z.infer<typeof registryProviderSchema>;
export type RegistryServerOutput = z.infer<typeof registryServerOutputSchema>;
export type RegistryAuthz = z.infer<typeof registryAuthzSchema>;
export type McpServerOutput = z.infer<typeof mcpServerOutputSchema>;
export type ChartValues = z.infer<typeof chartValuesSchema>;
export type StackOutputs = z.infer<typeof stackOutputsSchema>;

/** Whether a value is a plain JSON object (not null, not a list). */
export function isRecord<T = unknown>(value: unknown): value is Record<string, T> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
