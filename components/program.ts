import * as okta from "@pulumi/okta";
import * as pulumi from "@pulumi/pulumi";
import { readStackConfig } from "./config";
import { assertDefaultServerAdoptable, defaultServerIssuerMode } from "./defaultServer";
import { PlatformIdentity, type PlatformOutputs } from "./platformIdentity";
import { planTopology } from "./topology";

/**
 * The whole program: validate config, check the org-wide `default` server may
 * be adopted, then build the platform identity. Every check runs before the
 * first resource is registered, so bad input creates nothing.
 */
export async function deployPlatformIdentity(): Promise<PlatformOutputs> {
  const config = readStackConfig();
  const stackId = `${pulumi.getProject()}/${pulumi.getStack()}`;

  const topology = planTopology(config, stackId);
  const adopted = topology.servers.find((server) => server.adoptDefault);
  const defaultServer = adopted
    ? await assertDefaultServerAdoptable(config.audiences.enterpriseManager, stackId, config.takeOverDefaultServer)
    : undefined;
  const defaultIssuerMode = defaultServer ? defaultServerIssuerMode(defaultServer, config.issuerMode) : undefined;

  const everyoneGroupId = config.access.everyone ? (await okta.group.getEveryoneGroup()).id : undefined;

  const identity = new PlatformIdentity("stacklok", {
    config,
    topology,
    stackId,
    ...(everyoneGroupId === undefined ? {} : { everyoneGroupId }),
    ...(defaultIssuerMode === undefined ? {} : { defaultIssuerMode }),
  });
  return identity.outputs;
}
