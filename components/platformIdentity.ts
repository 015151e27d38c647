import * as okta from "@pulumi/okta";
import * as pulumi from "@pulumi/pulumi";
import { AuthorizationServer } from "./authorizationServer";
import { buildChartValues, registryProviders, renderChartValuesYaml } from "./chartValues";
import { DestroyGuard } from "./destroyGuard";
import type { StacklokIdentityConfig } from "./config";
import type {
  ChartValues,
  CloudUiOutput,
  EnterpriseManagerOutput,
  McpServerOutput,
  RegistryServerOutput,
  SetupMode,
} from "./contract";
import { Okta, REQUIRED_SCOPE } from "./facts";
import { platformRoleBinding, renderMcpManifestsYaml, renderPlatformRoleBindingYaml } from "./manifests";
import { MARKER_FIELD_LIMITS, markedDescription, oktaNames, stackMarker, type OktaNames } from "./naming";
import { cliAppSpec, cloudUiAppSpec, OAuthApp, type AppSpec } from "./oauthApp";
import { CLIENT_APP_KEYS, CLIENT_APPS, type ClientApp } from "./platform";
import type { ServerKey, Topology } from "./topology";

export interface PlatformIdentityArgs {
  config: StacklokIdentityConfig;
  /** The servers, audiences and clients to build (`planTopology`). */
  topology: Topology;
  /** `<project>/<stack>`: recorded on the servers this stack manages. */
  stackId: string;
  /** Okta's built-in Everyone group, looked up when `allowEveryone` is set. */
  everyoneGroupId?: pulumi.Input<string>;
  /** The issuer mode to set on an adopted `default`: config's, or the one it has (`defaultServerIssuerMode`). */
  defaultIssuerMode?: string;
}

/** The stack outputs, as the program returns them (contract.ts describes them resolved). */
export interface PlatformOutputs {
  mode: SetupMode;
  enterpriseManager: pulumi.Output<EnterpriseManagerOutput>;
  cloudUi: pulumi.Output<CloudUiOutput>;
  registryServer: pulumi.Output<RegistryServerOutput>;
  chartValues: pulumi.Output<ChartValues>;
  chartValuesYaml: pulumi.Output<string>;
  platformRoleBindingsYaml: string;
  mcpServers: pulumi.Output<Record<string, McpServerOutput>>;
  mcpManifestsYaml: pulumi.Output<string>;
}

/**
 * Everything Stacklok Enterprise needs from one Okta org for one environment:
 * the apps the CLI/Desktop and the Cloud UI sign in with, who may use them,
 * and the authorization server(s) issuing each component's tokens.
 *
 * The two apps are children of this component in every mode, so switching
 * mode keeps their URNs and therefore their client IDs.
 */
export class PlatformIdentity extends pulumi.ComponentResource {
  readonly topology: Topology;
  readonly apps: Record<ClientApp, OAuthApp>;
  readonly servers: ReadonlyMap<ServerKey, AuthorizationServer>;
  readonly outputs: PlatformOutputs;
  /** The groups this stack creates. */
  private readonly groups: okta.group.Group[] = [];

  constructor(name: string, args: PlatformIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("stacklok:identity:PlatformIdentity", name, {}, opts);
    const { config, stackId } = args;
    const names = oktaNames(config.environment);
    this.topology = args.topology;

    const accessGroupIds = this.accessGroupIds(args, names.accessGroup);
    // Admins sign in like users: the same assignment (one per app, as Okta's
    // assignments resource owns the app's whole group list) and the same rules.
    const groupIds = [...accessGroupIds, ...this.adminGroupIds(args, names.adminGroup)];

    // Org-wide: the attribute exists once per org whatever the number of
    // stacks. Kept on destroy (deleting it wipes every user's roles), and
    // replaced delete-first because "create" re-posts the same attribute.
    const rolesAttribute =
      config.rolesAttribute === undefined
        ? undefined
        : new okta.UserSchemaProperty(
            "roles-attribute",
            {
              index: config.rolesAttribute,
              title: "Stacklok roles",
              description: "Stacklok Enterprise platform roles, sent in the roles access-token claim",
              type: "array",
              arrayType: "string",
              // Okta holds the value even for users mastered by AD or an HR
              // system, so admins can set roles on every user.
              master: "OKTA",
              // Users must not be able to grant themselves roles.
              permissions: "READ_ONLY",
              scope: "NONE",
              userType: "default",
            },
            { parent: this, deleteBeforeReplace: true, retainOnDelete: true },
          );

    const appPolicy = config.authenticationPolicyId === undefined ? {} : { authenticationPolicyId: config.authenticationPolicyId };
    const specs: Record<ClientApp, AppSpec> = { cli: cliAppSpec(config), cloudUi: cloudUiAppSpec(config) };
    this.apps = Object.fromEntries(
      CLIENT_APP_KEYS.map((client) => [
        client,
        new OAuthApp(CLIENT_APPS[client].name, { spec: specs[client], groupIds, ...appPolicy, protect: config.protect, stackId }, { parent: this }),
      ]),
    ) as Record<ClientApp, OAuthApp>;

    this.servers = new Map(
      this.topology.servers.map((plan) => [
        plan.key,
        new AuthorizationServer(
          plan.key,
          {
            plan,
            clientIds:
              config.access.policyClients === "all-clients"
                ? Okta.allClients
                : plan.clients.map((client) => this.apps[client].clientId),
            groupIds: config.access.everyone ? Okta.everyone : groupIds,
            claims: config.claims,
            claimDependencies: rolesAttribute ? { roles: rolesAttribute } : {},
            accessPolicyName: names.accessPolicy,
            accessRuleName: names.accessRule,
            tokens: config.tokens,
            ...issuerModeOf(plan.adoptDefault ? args.defaultIssuerMode : config.issuerMode),
            // Removing an MCP server from config must delete its server; the destroy guard
            // still covers it in a destroy. The platform's own servers hold the issuers every
            // chart carries, and stay protected like the apps.
            protect: config.protect && plan.mcpServer === undefined,
            stackId,
          },
          { parent: this },
        ),
      ]),
    );

    // Last, depending on everything above: a protected stack's destroy stops here, before any delete.
    new DestroyGuard(
      "destroy-guard",
      { guarded: [...(rolesAttribute ? [rolesAttribute] : []), ...this.groups, ...Object.values(this.apps), ...this.servers.values()], protect: config.protect },
      { parent: this },
    );

    this.outputs = this.buildOutputs(config, stackId, names);
    this.registerOutputs({ ...this.outputs });
  }

  /** The groups assigned to both apps: the created group, the listed ones, and Everyone if allowed. */
  private accessGroupIds(args: PlatformIdentityArgs, groupName: string): pulumi.Input<string>[] {
    const { config } = args;
    const ids: pulumi.Input<string>[] = [];
    if (config.access.createGroup) {
      const resourceName = "access-group";
      const group = new okta.group.Group(
        resourceName,
        {
          name: groupName,
          description: markedDescription(`People who may sign in to Stacklok Enterprise (${config.environment})`, stackMarker(args.stackId, resourceName), MARKER_FIELD_LIMITS.description),
        },
        { parent: this, protect: config.protect },
      );
      this.groups.push(group);
      ids.push(group.id);
    }
    ids.push(...config.access.groupIds);
    if (config.access.everyone) {
      if (args.everyoneGroupId === undefined) {
        throw new Error("allowEveryone is set but the Everyone group was not looked up");
      }
      ids.push(args.everyoneGroupId);
    }
    return ids;
  }

  /** The admin groups: the created one and the listed ones. */
  private adminGroupIds(args: PlatformIdentityArgs, groupName: string): pulumi.Input<string>[] {
    const { config } = args;
    const ids: pulumi.Input<string>[] = [];
    if (config.admins.createGroup) {
      const resourceName = "admin-group";
      const group = new okta.group.Group(
        resourceName,
        {
          name: groupName,
          description: markedDescription(
            `Stacklok Enterprise administrators (${config.environment}): registry roles and the platform's writer role`,
            stackMarker(args.stackId, resourceName),
            MARKER_FIELD_LIMITS.description,
          ),
        },
        { parent: this, protect: config.protect },
      );
      this.groups.push(group);
      ids.push(group.id);
    }
    ids.push(...config.admins.groupIds);
    return ids;
  }

  private server(component: keyof Topology["issuerOf"]): AuthorizationServer {
    const server = this.servers.get(this.topology.issuerOf[component]);
    if (!server) throw new Error(`no authorization server issues ${component} tokens`);
    return server;
  }

  private mcpServerOutputs(config: StacklokIdentityConfig, names: OktaNames): pulumi.Output<Record<string, McpServerOutput>> {
    return pulumi.output(
      Object.fromEntries(
        config.mcpServers.map((mcp) => {
          const key = this.topology.mcpIssuerOf[mcp.name];
          const server = key === undefined ? undefined : this.servers.get(key);
          if (key === undefined || !server) throw new Error(`no authorization server issues tokens for MCP server ${mcp.name}`);
          return [
            mcp.name,
            pulumi.output({
              issuer: server.issuer,
              audience: mcp.audience,
              jwksUri: server.jwksUri,
              resourceUrl: mcp.resourceUrl,
              // Named like its Okta server: one MCPOIDCConfig per issuer.
              oidcConfigRef: { name: names.componentServer(key), audience: mcp.audience, resourceUrl: mcp.resourceUrl },
            }),
          ];
        }),
      ),
    );
  }

  private buildOutputs(config: StacklokIdentityConfig, stackId: string, names: OktaNames): PlatformOutputs {
    const emServer = this.server("enterpriseManager");
    const cloudUiServer = this.server("cloudUi");

    const enterpriseManager = pulumi.output({
      issuer: emServer.issuer,
      audience: config.audiences.enterpriseManager,
      requiredScope: REQUIRED_SCOPE,
      jwksUri: emServer.jwksUri,
      clientId: this.apps.cli.clientId,
    });
    const cloudUi = pulumi.secret({
      issuer: cloudUiServer.issuer,
      audience: config.audiences.cloudUi,
      jwksUri: cloudUiServer.jwksUri,
      clientId: this.apps.cloudUi.clientId,
      clientSecret: this.apps.cloudUi.clientSecret,
    });
    const registryServer = pulumi
      .all([enterpriseManager, cloudUiServer.issuer])
      .apply(([em, cloudUiIssuer]) => ({
        providers: registryProviders({
          enterpriseManager: em,
          cloudUi: { issuer: cloudUiIssuer, audience: config.audiences.cloudUi },
        }),
        authz: { roles: config.registryRoles },
      }));
    const mcpServers = this.mcpServerOutputs(config, names);
    const chartValues = pulumi.secret(
      pulumi.all([enterpriseManager, cloudUi, registryServer]).apply(([em, ui, registry]) =>
        buildChartValues({
          enterpriseManager: em,
          cloudUi: ui,
          providers: registry.providers,
          authz: registry.authz,
          cloudUiUrl: config.cloudUiUrl,
          ...(config.enterpriseManagerUrl === undefined ? {} : { enterpriseManagerUrl: config.enterpriseManagerUrl }),
          ...(config.registryUrl === undefined ? {} : { registryUrl: config.registryUrl }),
        }),
      ),
    );
    return {
      mode: config.mode,
      enterpriseManager,
      cloudUi,
      registryServer,
      chartValues,
      chartValuesYaml: pulumi.secret(chartValues.apply((values) => renderChartValuesYaml(values, stackId))),
      platformRoleBindingsYaml: this.platformRoleBindingsYaml(config, stackId, names),
      mcpServers,
      mcpManifestsYaml: mcpServers.apply((servers) => renderMcpManifestsYaml(servers, stackId)),
    };
  }

  /**
   * `writer` to the admins, `reader` to the users, by the group names tokens
   * carry: only the groups this program creates have names it knows; groups
   * given by id are listed in the YAML for the operator to name.
   */
  private platformRoleBindingsYaml(config: StacklokIdentityConfig, stackId: string, names: OktaNames): string {
    const groupsClaim = config.claims.find((claim) => claim.key === "groups");
    const result = platformRoleBinding({
      name: names.platformRoleBinding,
      writer: { names: config.admins.createGroup ? [names.adminGroup] : [], ids: config.admins.groupIds },
      reader: { names: config.access.createGroup ? [names.accessGroup] : [], ids: config.access.groupIds },
      groupsClaim,
    });
    if (config.access.everyone) {
      result.notes.push("reader: allowEveryone admits every user; bind reader to the groups that should read, by name.");
    }
    return renderPlatformRoleBindingYaml(result, groupsClaim?.name, stackId);
  }
}

function issuerModeOf(mode: string | undefined): { issuerMode?: string } {
  return mode === undefined ? {} : { issuerMode: mode };
}
