/**
 * Okta object names and labels. Several stacks often share one Okta org (dev
 * and staging on a preview org), and Okta names must not collide across
 * them, so every name and label carries the stack's environment.
 */

import { OktaType } from "./facts";
import { CLIENT_APPS, type ClientApp, type ComponentServerRole, type McpServerKey } from "./platform";

export interface OktaNames {
  /** Custom authorization server for one component or MCP server (per-component mode). */
  componentServer(role: ComponentServerRole | McpServerKey): string;
  accessPolicy: string;
  accessRule: string;
  accessGroup: string;
  /** The group whose members administer the registry and hold the platform's `writer` role. */
  adminGroup: string;
  /** The platform role binding and the Kubernetes name prefix of the manifests. */
  platformRoleBinding: string;
  /** The Okta label of each client app. */
  appLabel(client: ClientApp): string;
}

export function oktaNames(environment: string): OktaNames {
  const prefix = `stacklok-${environment}`;
  return {
    componentServer: (role) => `${prefix}-${role}`,
    accessPolicy: `${prefix}-clients`,
    accessRule: `${prefix}-assigned-users`,
    accessGroup: `${prefix}-users`,
    adminGroup: `${prefix}-admins`,
    platformRoleBinding: `${prefix}-platform-roles`,
    appLabel: (client) => `${CLIENT_APPS[client].label} (${environment})`,
  };
}

/**
 * Every Okta object the stack creates carries a marker naming the stack
 * (`<project>/<stack>`) and its Pulumi (logical) name, where Okta keeps a field
 * for it, so that an object the state does not know (an interrupted `pulumi up`,
 * a retried create) can be traced back: `npm run doctor` reads it. On the
 * org-wide `default` server it also records which stack owns it, so a second
 * stack adopting `default` in the same org is stopped with a clear error.
 *
 * `resource <name> managed by Pulumi stack <project>/<stack>`: it ends as the
 * first format did (`managed by Pulumi stack <project>/<stack>`, no name), which
 * older versions of this program read, and both are read back.
 */
export function stackMarker(stackId: string, name: string): string {
  return `resource ${name} managed by Pulumi stack ${stackId}`;
}

export interface StackMarker {
  /** `<project>/<stack>`. */
  stackId: string;
  /** The Pulumi name; absent in the first format, which had none. */
  name?: string;
}

/** The marker in a description or note written by `stackMarker` (or the first format), if any. */
export function markerIn(text: string | null | undefined): StackMarker | undefined {
  const match = text?.match(/(?:resource (\S+) )?managed by Pulumi stack (\S+)$/);
  if (!match?.[2]) return undefined;
  return match[1] === undefined ? { stackId: match[2] } : { stackId: match[2], name: match[1] };
}

/** The stack id in a marked description, if any. */
export function ownerFromDescription(description: string | undefined): string | undefined {
  return markerIn(description)?.stackId;
}

/**
 * A human description followed by the marker, within Okta's limit for the
 * field. When both do not fit, the marker alone (it is what the doctor needs);
 * when even that does not fit, the description alone, and the object is
 * found by its deterministic name instead.
 */
export function markedDescription(text: string, marker: string, maxLength: number): string {
  const both = `${text}; ${marker}`;
  if (both.length <= maxLength) return both;
  return marker.length <= maxLength ? marker : text.slice(0, maxLength);
}

/** Okta's and the provider's limits on the fields that carry the marker. */
export const MARKER_FIELD_LIMITS = {
  /** An authorization server policy's description: 1–255 (management API spec, AuthorizationServerPolicy). */
  policyDescription: 255,
  /** An app's admin note: terraform-provider-okta `app.go` validates `admin_note` with StrMaxLength(250). */
  appAdminNote: 250,
  /** ASSUMPTION: servers and groups take 1024 characters, as okta-local allows; no Okta source states a limit. */
  description: 1024,
} as const;

/**
 * Where each kind of Okta object the program creates carries the marker, and,
 * where Okta keeps no field for it, what identifies the object instead. One
 * home for the decision; docs/operations.md ("How the stack marks what it
 * creates") explains it.
 */
export const MARKER_FIELDS = {
  [OktaType.authServer]: { field: "description" },
  [OktaType.authServerDefault]: { field: "description" },
  [OktaType.serverPolicy]: { field: "description" },
  [OktaType.oauthApp]: { field: "adminNote" },
  [OktaType.group]: { field: "description" },
  // A scope's description and display name are shown to users on consent screens: left clean.
  [OktaType.serverScope]: { field: undefined, identifiedBy: "its name on a marked server" },
  // Okta's claim object has no free-text field.
  [OktaType.serverClaim]: { field: undefined, identifiedBy: "its name on a marked server" },
  // Okta's policy rule object has no description.
  [OktaType.serverPolicyRule]: { field: undefined, identifiedBy: "its name in a marked policy" },
  // An assignment's profile is the app's per-group profile, not free text.
  [OktaType.appGroupAssignments]: { field: undefined, identifiedBy: "its marked app" },
  // Org-wide and shared by every stack that manages it: a stack's marker would make two stacks rewrite it in turn.
  [OktaType.userSchemaProperty]: { field: undefined, identifiedBy: "its attribute name" },
} as const satisfies Record<(typeof OktaType)[keyof typeof OktaType], { field: "description" | "adminNote" | undefined; identifiedBy?: string }>;
