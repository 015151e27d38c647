/**
 * The stack outputs: the contract with the Stacklok Enterprise charts and
 * with the tools beside the program (DESIGN section 5). These are the
 * resolved shapes, as `pulumi stack output --json --show-secrets` prints them.
 */

export type SetupMode = "single" | "per-component";

export interface EnterpriseManagerOutput {
  issuer: string;
  audience: string;
  requiredScope: string;
  jwksUri: string;
  /** Client ID of the native app the Stacklok CLI and Desktop share. */
  clientId: string;
}

export interface CloudUiOutput {
  issuer: string;
  audience: string;
  jwksUri: string;
  clientId: string;
  clientSecret: string;
}

export interface RegistryProvider {
  name: string;
  issuerUrl: string;
  audience: string;
}

export interface RegistryServerOutput {
  providers: RegistryProvider[];
}

export interface ChartValues {
  "enterprise-manager": {
    idpConfig: { issuer: string; audience: string; requiredScope: string; idpType: string };
    clientID: string;
    resourceURL?: string;
  };
  "toolhive-cloud-ui": {
    oidc: { issuerUrl: string; clientId: string; clientSecret: string };
    betterAuth: { url: string };
  };
  "toolhive-registry-server": {
    upstream: {
      config: {
        auth: {
          mode: "oauth";
          oauth: { resourceUrl?: string; providers: RegistryProvider[] };
        };
      };
    };
  };
}

export interface StackOutputs {
  mode: SetupMode;
  enterpriseManager: EnterpriseManagerOutput;
  cloudUi: CloudUiOutput;
  registryServer: RegistryServerOutput;
  chartValues: ChartValues;
  chartValuesYaml: string;
}
