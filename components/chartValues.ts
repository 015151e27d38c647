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
  RegistryAuthz,
  RegistryProvider,
} from "./contract";
import { IDP_TYPE } from "./facts";
import { CLIENT_APPS, COMPONENTS, PLATFORM_COMPONENTS, type PlatformComponent } from "./platform";

/**
 * The Registry Server must trust every client's tokens: the Cloud UI forwards
 * its users' tokens, and Desktop reads the registry with the CLI's token. One
 * provider per client app, named after it, carrying the issuer and audience
 * of the component whose tokens that client obtains.
 */
export function registryProviders(
  trusted: Record<PlatformComponent, Pick<EnterpriseManagerOutput, "issuer" | "audience">>,
): RegistryProvider[] {
  return PLATFORM_COMPONENTS.map((key) => ({
    name: CLIENT_APPS[COMPONENTS[key].audience.client].name,
    issuerUrl: trusted[key].issuer,
    audience: trusted[key].audience,
  }));
}

export interface ChartInputs {
  enterpriseManager: EnterpriseManagerOutput;
  cloudUi: CloudUiOutput;
  providers: RegistryProvider[];
  /** Always set: without it the Registry Server grants every authenticated user every role. */
  authz: RegistryAuthz;
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
            authz: input.authz,
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
