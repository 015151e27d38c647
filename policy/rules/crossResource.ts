/**
 * Checks over the whole stack: rules that span resources, which no single
 * resource's inputs show. `policies.ts` runs them as stack policies
 * (`validateStack`), so `pulumi preview --policy-pack ./policy` enforces them.
 *
 * Resources are matched through the references between them (`authServerId`,
 * `policyId`, `appId`). While previewing a first deployment those ids are
 * unknown; when the engine says which resource a property came from
 * (`propertyDependencies`), that resource's URN stands for the id, so the
 * checks run before anything exists. A reference given as a literal id is
 * compared as text.
 */
import { OktaType } from "../../components/facts";
import { asNumber, asStrings, type Props, show } from "./check";

/** One resource as a stack check sees it. */
export interface StackResource {
  type: string;
  name: string;
  urn: string;
  props: Props;
  /** Per input property, the URNs of the resources its value came from. */
  propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

export interface StackViolation {
  /** The resource the finding is reported on. */
  urn: string;
  message: string;
}

export type StackCheck = (resources: readonly StackResource[]) => StackViolation[];

/**
 * What a reference property points at: the one resource it came from, or
 * its literal value. The dependency is read first so that an unknown id is
 * never touched (`@pulumi/policy` stops a policy that reads one).
 */
function referenceOf(resource: StackResource, property: string): { key: string; label: string } {
  const from = resource.propertyDependencies?.[property] ?? [];
  if (from.length === 1 && from[0] !== undefined) {
    const urn = from[0];
    return { key: `urn:${urn}`, label: `the id of ${urn.split("::").pop() ?? urn}` };
  }
  const value = resource.props[property];
  return { key: `value:${show(value)}`, label: show(value) };
}

function groupBy(resources: readonly StackResource[], type: string, property: string) {
  const groups = new Map<string, { label: string; members: StackResource[] }>();
  for (const resource of resources) {
    if (resource.type !== type) continue;
    const { key, label } = referenceOf(resource, property);
    const group = groups.get(key) ?? { label, members: [] };
    group.members.push(resource);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/**
 * `okta.AppGroupAssignments` owns every group assignment of its app: its Read
 * loads all groups assigned to the app, so two of them for one app (or one
 * beside `okta.app.GroupAssignment`) never converge (terraform-provider-okta
 * `resource_okta_app_group_assignments.go`, resource description).
 */
export const oneGroupAssignmentsPerApp: StackCheck = (resources) =>
  groupBy(resources, OktaType.appGroupAssignments, "appId")
    .filter((group) => group.members.length > 1)
    .flatMap((group) =>
      group.members.map((resource) => ({
        urn: resource.urn,
        message:
          `appId is ${group.label} on ${group.members.length} AppGroupAssignments resources ` +
          `(${group.members.map((m) => m.name).join(", ")}); accepted: one per app. Each one's Read loads every ` +
          `group assigned to the app, so they keep undoing each other and the plan never converges.`,
      })),
    );

const PRIORITY_SCOPES = [
  { type: OktaType.serverPolicy, what: "access policies", under: "authServerId" },
  { type: OktaType.serverPolicyRule, what: "access-policy rules", under: "policyId" },
] as const;

/**
 * Okta keeps the priorities of a server's policies, and of a policy's rules,
 * contiguous from 1 ("If this is your only authorization server policy, set
 * priority to 1", https://developer.okta.com/docs/guides/terraform-create-custom-auth-server/main/).
 * ASSUMPTION, from that renumbering: other values are rewritten by Okta and
 * show up as a diff on every refresh.
 */
export const prioritiesAreContiguous: StackCheck = (resources) =>
  PRIORITY_SCOPES.flatMap(({ type, what, under }) =>
    groupBy(resources, type, under).flatMap((group) => {
      const priorities = group.members.map((m) => asNumber(m.props.priority) ?? Number.NaN).sort((a, b) => a - b);
      if (priorities.every((priority, index) => priority === index + 1)) return [];
      const first = group.members[0];
      if (first === undefined) return [];
      return [
        {
          urn: first.urn,
          message:
            `the ${what} under ${under} ${group.label} (${group.members.map((m) => m.name).join(", ")}) have ` +
            `priorities ${priorities.join(", ")}; accepted: 1 to ${group.members.length}, each once. Okta renumbers ` +
            `priorities to be contiguous from 1, so other values drift on every refresh.`,
        },
      ];
    }),
  );

/**
 * A token carries its server's one audience, and a component (an MCP server,
 * the Enterprise Manager) accepts it on issuer and audience. ToolHive requires
 * each MCP server's audience to be unique "to prevent token replay attacks"
 * (toolhive `cmd/thv-operator/api/v1beta1` `MCPServer.spec.oidcConfigRef.audience`):
 * two servers issuing one audience make the audience say nothing about which
 * component a token was minted for. Compared case-insensitively, as a
 * look-alike audience is the same mistake.
 */
export const audiencesAreUniqueAcrossServers: StackCheck = (resources) => {
  const holders = new Map<string, StackResource[]>();
  for (const resource of resources) {
    if (resource.type !== OktaType.authServer && resource.type !== OktaType.authServerDefault) continue;
    const audiences = asStrings(resource.props.audiences) ?? [];
    for (const audience of new Set(audiences.map((a) => a.toLowerCase()))) {
      holders.set(audience, [...(holders.get(audience) ?? []), resource]);
    }
  }
  return [...holders.entries()]
    .filter(([, servers]) => servers.length > 1)
    .flatMap(([audience, servers]) =>
      servers.map((server) => ({
        urn: server.urn,
        message:
          `audiences holds ${show(audience)}, which ${servers.length} authorization servers in this stack issue ` +
          `(${servers.map((s) => s.name).join(", ")}); accepted: each audience on one server. A component that checks ` +
          "issuer and audience then cannot tell a token minted for it from one minted for another.",
      })),
    );
};
