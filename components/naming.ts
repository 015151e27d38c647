/**
 * Okta object names and labels. Several stacks often share one Okta org (dev
 * and staging on a preview org), and Okta names must not collide across
 * them, so every name and label carries the stack's environment.
 */

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
 * Written into the description of the servers this program manages. On the
 * org-wide `default` server it also records which stack owns it, so a second
 * stack adopting `default` in the same org is stopped with a clear error.
 */
export function managedByMarker(stackId: string): string {
  return `managed by Pulumi stack ${stackId}`;
}

/** The stack id in a description written by `managedByMarker`, if any. */
export function ownerFromDescription(description: string | undefined): string | undefined {
  return description?.match(/managed by Pulumi stack (\S+)$/)?.[1];
}
