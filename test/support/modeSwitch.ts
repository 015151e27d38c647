/**
 * What a mode switch must not do: keep a child's URN while its parent id
 * changes. The real provider cannot move a scope, claim, policy or rule to
 * another server in place (it updates the old id under the new parent), and
 * the mock engine would not notice.
 */
import { OktaType } from "../../components/facts";
import type { RunReport } from "./program";

/** Children whose parent id the provider cannot change in place (it updates the old id under the new parent). */
export const PARENT_ID_INPUTS: Readonly<Record<string, string[]>> = {
  [OktaType.serverScope]: ["authServerId"],
  [OktaType.serverClaim]: ["authServerId"],
  [OktaType.serverPolicy]: ["authServerId"],
  [OktaType.serverPolicyRule]: ["authServerId", "policyId"],
};

/**
 * What `pulumi up` would have to do in place that the real provider cannot:
 * a resource keeping its URN while its parent id changes.
 */
export function inPlaceParentMoves(before: RunReport, after: RunReport): string[] {
  const previous = new Map(before.resources.map((r) => [r.urn, r]));
  const moves: string[] = [];
  for (const resource of after.resources) {
    const fields = PARENT_ID_INPUTS[resource.type];
    const old = previous.get(resource.urn);
    if (!fields || !old) continue;
    for (const field of fields) {
      if (old.inputs[field] !== resource.inputs[field]) {
        moves.push(`${resource.urn}: ${field} ${String(old.inputs[field])} -> ${String(resource.inputs[field])}`);
      }
    }
  }
  return moves;
}

/** The resources a switch must keep under the same URN, so client IDs survive. */
export const APP_RESOURCES = [
  [OktaType.oauthApp, "cli-desktop"],
  [OktaType.oauthApp, "cloud-ui"],
  [OktaType.appGroupAssignments, "cli-desktop-groups"],
  [OktaType.appGroupAssignments, "cloud-ui-groups"],
] as const;
