/**
 * What sign-in (and the demo) read from a stack's config beside its outputs:
 * the redirect URI, the Cloud UI's auth method, and the names of the claims
 * the platform reads groups and roles from.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { readStackSettings } from "../../tools/sign-in";
import { ProjectCopies, projectRoot } from "../support/projectCopy";

const copies = new ProjectCopies();
afterAll(() => copies.dispose());

it("takes the example stacks' settings, and the program's default claim names", () => {
  expect(readStackSettings(projectRoot, "prod")).toEqual({
    cliRedirectUri: "http://localhost:8666/callback",
    tokenEndpointAuthMethod: "client_secret_basic",
    platformClaims: { groups: "groups", roles: "roles" },
  });
});

it("follows renamed groups and roles claims, as the program names them on the servers", () => {
  const dir = copies.make("renamed-claims", (project) =>
    writeFileSync(
      join(project, "Pulumi.renamed.yaml"),
      [
        "config:",
        "  stacklok-identity:mode: single",
        "  stacklok-identity:cloudUiUrl: https://stacklok.example.com",
        "  stacklok-identity:cloudUiTokenEndpointAuthMethod: client_secret_post",
        "  stacklok-identity:claims:",
        "    groups: { name: memberOf }",
        "    roles: { name: stacklokRoles, expression: user.stacklokRoles }",
        "  stacklok-identity:registryRoles:",
        '    superAdmin: [{ memberOf: stacklok-renamed-admins }]',
        "    manageSources: []",
        "    manageRegistries: []",
        "    manageEntries: []",
        "",
      ].join("\n"),
    ),
  );
  expect(readStackSettings(dir, "renamed")).toEqual({
    cliRedirectUri: "http://localhost:8666/callback",
    tokenEndpointAuthMethod: "client_secret_post",
    platformClaims: { groups: "memberOf", roles: "stacklokRoles" },
  });
});

it("keeps the defaults when the stack file is absent (outputs from another machine)", () => {
  expect(readStackSettings(projectRoot, "no-such-stack").platformClaims).toEqual({ groups: "groups", roles: "roles" });
});
