/**
 * What the doctor reads before it reads the org: the credentials, found as
 * terraform-provider-okta finds them (okta/config/config.go), and the
 * stack's state from `pulumi stack export` documents; and the command line.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configValues, CredentialsError, resolveCredentials } from "../../tools/doctor/credentials";
import { importFileOf } from "../../tools/doctor/repairs";
import { parseUrn, snapshotFromExport, StackReadError } from "../../tools/doctor/stack";
import { runNode } from "../support/nodeProcess";
import { projectDir } from "./support";

describe("finding the org and the credentials", () => {
  const config = (entries: Record<string, string>) => configValues(Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, { value: v, secret: k.endsWith("Token") }])));

  it("takes each setting from the stack's config, else from the provider's environment variable", () => {
    const fromConfig = resolveCredentials(config({ "okta:orgName": "acme", "okta:baseUrl": "okta.com", "okta:apiToken": "00config" }), { OKTA_ORG_NAME: "other", OKTA_API_TOKEN: "00env" });
    expect(fromConfig).toEqual({ orgUrl: "https://acme.okta.com", authorization: { scheme: "SSWS", token: "00config" }, from: { org: "stack config okta:orgName and stack config okta:baseUrl", token: "stack config okta:apiToken" } });
    const fromEnv = resolveCredentials({}, { OKTA_ORG_NAME: "acme", OKTA_BASE_URL: "oktapreview.com", OKTA_API_TOKEN: "00env" });
    expect(fromEnv.orgUrl).toBe("https://acme.oktapreview.com");
    expect(fromEnv.from).toEqual({ org: "$OKTA_ORG_NAME and $OKTA_BASE_URL", token: "$OKTA_API_TOKEN" });
  });

  it("sends every call to okta:httpProxy when it is set, as the provider does, and flags win over both", () => {
    expect(resolveCredentials(config({ "okta:orgName": "acme", "okta:baseUrl": "okta.com", "okta:httpProxy": "http://127.0.0.1:8080/", "okta:apiToken": "00t" }), {}).orgUrl).toBe("http://127.0.0.1:8080");
    expect(resolveCredentials({}, { OKTA_HTTP_PROXY: "http://127.0.0.1:9/", OKTA_API_TOKEN: "00t" }).orgUrl).toBe("http://127.0.0.1:9");
    const explicit = resolveCredentials(config({ "okta:httpProxy": "http://127.0.0.1:8080", "okta:apiToken": "00t" }), {}, { orgUrl: "http://127.0.0.1:1", apiToken: "00flag" });
    expect(explicit).toMatchObject({ orgUrl: "http://127.0.0.1:1", authorization: { token: "00flag" }, from: { org: "--org", token: "--api-token" } });
  });

  it("reads with an access token as Bearer, and refuses a service app's private key with what to use instead", () => {
    expect(resolveCredentials({}, { OKTA_HTTP_PROXY: "http://127.0.0.1:9", OKTA_ACCESS_TOKEN: "eyJ" }).authorization).toEqual({ scheme: "Bearer", token: "eyJ" });
    expect(() => resolveCredentials(config({ "okta:httpProxy": "http://127.0.0.1:9", "okta:clientId": "0oa1", "okta:privateKey": "-----BEGIN" }), {})).toThrow(/private key, which the doctor does not use/);
  });

  it("names what is missing, and never puts a token in a message", () => {
    expect(() => resolveCredentials(config({ "okta:orgName": "acme" }), {})).toThrow(new CredentialsError("cannot tell which Okta org to read: okta:baseUrl (or $OKTA_BASE_URL) not set; set them as for pulumi up, or pass --org <url>"));
    expect(() => resolveCredentials(config({ "okta:httpProxy": "ftp://x", "okta:apiToken": "00secret" }), {})).toThrow(/the org URL from stack config okta:httpProxy is not an http\(s\) URL \(got "ftp:\/\/x"\)/);
    const refused = (() => {
      try {
        resolveCredentials(config({ "okta:httpProxy": "not a url", "okta:apiToken": "00secret" }), {});
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refused).toBeInstanceOf(CredentialsError);
    expect(String(refused)).not.toContain("00secret");
  });
});

describe("reading a stack export", () => {
  it("splits a URN into stack, project, type (the last of its parent chain) and name", () => {
    expect(parseUrn("urn:pulumi:dev::stacklok-identity::stacklok:identity:PlatformIdentity$stacklok:identity:OAuthApp$okta:app/oAuth:OAuth::cli-desktop")).toEqual({
      stack: "dev",
      project: "stacklok-identity",
      qualifiedType: "stacklok:identity:PlatformIdentity$stacklok:identity:OAuthApp$okta:app/oAuth:OAuth",
      type: "okta:app/oAuth:OAuth",
      name: "cli-desktop",
    });
    expect(() => parseUrn("arn:aws:x")).toThrow(StackReadError);
  });

  it("takes the resources and pending operations, and refuses another deployment version or an unknown operation", () => {
    const stackUrn = "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev";
    const app = { urn: "urn:pulumi:dev::p::okta:app/oAuth:OAuth::cli-desktop", custom: true, type: "okta:app/oAuth:OAuth", inputs: { label: "L" }, parent: stackUrn };
    const snapshot = snapshotFromExport({ version: 3, deployment: { resources: [{ urn: stackUrn, type: "pulumi:pulumi:Stack" }], pending_operations: [{ resource: app, type: "creating" }] } }, "dev");
    expect(snapshot).toMatchObject({ source: "pulumi", project: "p", stack: "dev", pendingOperations: [{ kind: "creating", resource: { name: "cli-desktop", type: "okta:app/oAuth:OAuth", inputs: { label: "L" }, parent: stackUrn } }] });
    expect(() => snapshotFromExport({ version: 2, deployment: {} }, "dev")).toThrow(/not a version 3 deployment \(got version 2\)/);
    expect(() => snapshotFromExport({ version: 3, deployment: { resources: [], pending_operations: [{ resource: app, type: "exploding" }] } }, "dev")).toThrow(/unknown pending operation type "exploding"/);
  });

  it("gathers imports under their parents in the file pulumi import --file takes", () => {
    expect(importFileOf([
      { type: "okta:auth/server:Server", name: "shared", id: "aus1", parentUrn: "urn:a" },
      { type: "okta:auth/serverScope:ServerScope", name: "shared-scope", id: "aus1/scp1", parentUrn: "urn:a" },
      { type: "okta:group/group:Group", name: "access-group", id: "00g1", parentUrn: "urn:b" },
    ])).toEqual({
      nameTable: { parent0: "urn:a", parent1: "urn:b" },
      resources: [
        { type: "okta:auth/server:Server", name: "shared", id: "aus1", parent: "parent0" },
        { type: "okta:auth/serverScope:ServerScope", name: "shared-scope", id: "aus1/scp1", parent: "parent0" },
        { type: "okta:group/group:Group", name: "access-group", id: "00g1", parent: "parent1" },
      ],
    });
  });
});

describe("the command line", () => {
  const doctor = (args: string[], env: NodeJS.ProcessEnv = {}) => runNode([join(projectDir, "tools/doctor/main.cjs"), ...args], { cwd: projectDir, env: { PATH: process.env["PATH"], ...env } });

  it("refuses bad flags and a missing --stack with exit code 2 and the usage", async () => {
    for (const args of [["--stack", "dev", "--colour"], [], ["--stack", "dev", "--state-dir", "x"]]) {
      const run = await doctor(args);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("usage: npm run doctor -- --stack <name>");
      expect(run.stdout).toBe("");
    }
  });

  it("exits 2 with a clear message when local-apply's state is not there", async () => {
    const run = await doctor(["--stack", "local", "--local-apply", "--state-dir", "/nonexistent", "--api-token", "00x"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/doctor: cannot read local-apply state \/nonexistent\/stacklok-identity\/local\.json/);
  });
});
