import * as okta from "@pulumi/okta";
import { describe, expect, it } from "vitest";
import { OktaType } from "../components/facts";

/** Each class's own type token (a static the SDK sets on every resource class). */
function tokenOf(resourceClass: unknown): string {
  return (resourceClass as { __pulumiType: string }).__pulumiType;
}

describe("OktaType", () => {
  it.each([
    ["authServer", okta.auth.Server],
    ["authServerDefault", okta.AuthServerDefault],
    ["serverScope", okta.auth.ServerScope],
    ["serverClaim", okta.auth.ServerClaim],
    ["serverPolicy", okta.auth.ServerPolicy],
    ["serverPolicyRule", okta.auth.ServerPolicyRule],
    ["oauthApp", okta.app.OAuth],
    ["appGroupAssignments", okta.AppGroupAssignments],
    ["group", okta.group.Group],
    ["userSchemaProperty", okta.UserSchemaProperty],
  ] as const)("%s is the token @pulumi/okta registers", (key, resourceClass) => {
    expect(OktaType[key]).toBe(tokenOf(resourceClass));
  });
});
