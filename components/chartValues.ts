/**
 * Helm values for the Stacklok Enterprise umbrella chart, built from the
 * resolved identity. Pure, so the plan and the tests use exactly what the
 * stack exports.
 */
import { stringify } from "yaml";
import type {
  ChartValues,
  CloudUiOutput,
  EnterpriseManagerOutput,
  RegistryProvider,
} from "./contract";
import { IDP_TYPE } from "./facts";
import { REGISTRY_PROVIDER_NAME } from "./platform";

/**
 * The Registry Server must trust both clients' tokens: the Cloud UI forwards
 * its users' tokens, and Desktop reads the registry with the CLI's token.
 */
export function registryProviders(
  enterpriseManager: Pick<EnterpriseManagerOutput, "issuer" | "audience">,
  cloudUi: Pick<CloudUiOutput, "issuer" | "audience">,
): RegistryProvider[] {
  return [
    { name: REGISTRY_PROVIDER_NAME.cliDesktop, issuerUrl: enterpriseManager.issuer, audience: enterpriseManager.audience },
    { name: REGISTRY_PROVIDER_NAME.cloudUi, issuerUrl: cloudUi.issuer, audience: cloudUi.audience },
  ];
}

export interface ChartInputs {
  enterpriseManager: EnterpriseManagerOutput;
  cloudUi: CloudUiOutput;
  providers: RegistryProvider[];
  cloudUiUrl: string;
  enterpriseManagerUrl?: string;
  registryUrl?: string;
}

export function buildChartValues(input: ChartInputs): ChartValues {
  const { enterpriseManager: em, cloudUi } = input;
  return {
    "enterprise-manager": {
      idpConfig: {
        issuer: em.issuer,
        audience: em.audience,
        requiredScope: em.requiredScope,
        idpType: IDP_TYPE,
      },
      // A sibling of idpConfig: the client the CLI and Desktop sign in with.
      clientID: em.clientId,
      ...(input.enterpriseManagerUrl === undefined ? {} : { resourceURL: input.enterpriseManagerUrl }),
    },
    "toolhive-cloud-ui": {
      oidc: { issuerUrl: cloudUi.issuer, clientId: cloudUi.clientId, clientSecret: cloudUi.clientSecret },
      betterAuth: { url: input.cloudUiUrl },
    },
    "toolhive-registry-server": {
      upstream: {
        config: {
          auth: {
            mode: "oauth",
            oauth: {
              ...(input.registryUrl === undefined ? {} : { resourceUrl: input.registryUrl }),
              providers: input.providers,
            },
          },
        },
      },
    },
  };
}

export function renderChartValuesYaml(values: ChartValues, stackId: string): string {
  const header = [
    `# Stacklok Enterprise identity values from Pulumi stack ${stackId}.`,
    "# Contains the Cloud UI client secret: keep this file out of version control.",
  ];
  // lineWidth 0: never fold long values such as issuer URLs.
  return `${header.join("\n")}\n${stringify(values, { lineWidth: 0 })}`;
}
