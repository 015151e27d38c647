import type { ResourceMapping } from "../provider";
import { appGroupAssignments, oauthApp } from "./app";
import {
  authServer,
  authServerClaim,
  authServerDefault,
  authServerPolicy,
  authServerPolicyRule,
  authServerScope,
} from "./authServer";
import { group, userSchemaProperty } from "./directory";

/** Every Okta resource type this emulation maps, by Pulumi type token. */
export const RESOURCES: ReadonlyMap<string, ResourceMapping> = new Map(
  [
    authServer,
    authServerDefault,
    authServerScope,
    authServerClaim,
    authServerPolicy,
    authServerPolicyRule,
    oauthApp,
    appGroupAssignments,
    group,
    userSchemaProperty,
  ].map((mapping) => [mapping.type, mapping]),
);
