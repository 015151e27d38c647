/**
 * `npm run sign-in` as a command, in-process, against the prod example
 * applied to okta-local: where it reads the outputs from, what it prints
 * (claims, verdicts, the roles the token grants; never a token or the client
 * secret), and its exit codes.
 * Only the browser is replaced, by a user agent that fills okta-local's
 * sign-in form.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApplyResult } from "../../tools/local-apply/index";
import type { OktaLocal } from "../../tools/okta-local/index";
import { EXIT, oktaLocalSignInForm, runSignInCommand, type Credentials, type UserAgent } from "../../tools/sign-in/index";
import { apply, expectNoSecretPrinted, member, outsider, planOf, projectRoot, seedFor, startOrg } from "./support/harness";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** Every URL the user agent was sent to. */
  authorizeUrls: URL[];
}

const scratch = mkdtempSync(join(tmpdir(), "e2e-sign-in-"));
const stateDir = join(scratch, "state");
let org: OktaLocal;
let applied: ApplyResult;
let outputsFile: string;

beforeAll(async () => {
  org = await startOrg(seedFor("prod"));
  applied = await apply(org, { projectDir: projectRoot, stack: "prod", stateDir });
  outputsFile = join(scratch, "outputs.json");
  writeFileSync(outputsFile, JSON.stringify(applied.outputs));
});
afterAll(async () => {
  await org?.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function signInCommand(args: string[], who: Credentials = member("prod")): Promise<Run> {
  const run: Run = { code: -1, stdout: "", stderr: "", authorizeUrls: [] };
  const form = oktaLocalSignInForm(who);
  const userAgent: UserAgent = (url, redirectUri) => {
    run.authorizeUrls.push(url);
    return form(url, redirectUri);
  };
  run.code = await runSignInCommand(args, {
    stdin: Readable.from([]),
    stdout: (text) => (run.stdout += text),
    stderr: (text) => (run.stderr += text),
    userAgent,
    runPulumi: () => Promise.resolve(undefined),
  });
  return run;
}

function expectNoSecrets(run: Run): void {
  expectNoSecretPrinted(run.stdout + run.stderr, applied.outputs);
}

describe("npm run sign-in", () => {
  it("signs in through the CLI app with PKCE, prints the claims and the verdicts of the components its tokens are for", async () => {
    const run = await signInCommand(["--stack", "prod", "--outputs", outputsFile]);
    expect(run.stderr).toContain(`stack outputs from ${outputsFile}`);
    expect(run.code).toBe(EXIT.accepted);
    const authorize = run.authorizeUrls[0];
    expect(authorize?.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorize?.searchParams.get("scope")).toBe("openid offline_access toolhive:config:read");
    expect(authorize?.searchParams.get("redirect_uri")).toBe("http://localhost:8666/callback");
    expect(run.stdout).toContain('"scp": [');
    expect(run.stdout).toContain('"alg": "RS256"');
    expect(run.stdout).toContain("Enterprise Manager: accepted");
    expect(run.stdout).toContain("Registry Server: accepted");
    expect(run.stdout).not.toContain("Cloud UI:");
    // A member of the users group only: no registry role (prod's default matchers name the admin group), reader on the platform.
    expect(run.stdout).toContain("  Registry Server roles: none\n  Platform role: reader\n");
    expectNoSecrets(run);
  });

  it("as thv does: listens on the loopback redirect URI and takes the code the browser brings back", async () => {
    let stdout = "";
    let stderr = "";
    let browser: Promise<void> | undefined;
    const code = await runSignInCommand(["--stack", "prod", "--outputs", outputsFile, "--redirect-uri", "http://127.0.0.1:8666/callback", "--no-browser"], {
      stdin: Readable.from([]),
      stdout: (text) => (stdout += text),
      stderr: (text) => {
        stderr += text;
        const printed = /^ {2}(http:\/\/\S+\/v1\/authorize\?\S+)$/m.exec(text)?.[1];
        // The "browser": fills in okta-local's form, then follows the redirect to the listener.
        if (printed !== undefined) {
          browser = oktaLocalSignInForm(member("prod"))(new URL(printed), "http://127.0.0.1:8666/callback").then(async (redirect) => {
            const answer = await fetch(redirect);
            expect(await answer.text()).toContain("Signed in.");
          });
        }
      },
    });
    await browser;
    expect(browser, stderr).toBeDefined();
    expect(code).toBe(EXIT.accepted);
    expect(stderr).toContain("waiting on http://127.0.0.1:8666/callback");
    expect(stdout).toContain("Enterprise Manager: accepted");
  });

  it("for the Cloud UI, takes the redirected URL the user pastes", async () => {
    const pasted = new PassThrough();
    let stdout = "";
    let stderr = "";
    let browser: Promise<void> | undefined;
    const code = await runSignInCommand(["--stack", "prod", "--app", "cloud-ui", "--outputs", outputsFile], {
      stdin: pasted,
      stdout: (text) => (stdout += text),
      stderr: (text) => {
        stderr += text;
        const printed = /^ {2}(http:\/\/\S+\/v1\/authorize\?\S+)$/m.exec(text)?.[1];
        if (printed !== undefined) {
          // The person: signs in, then copies the address bar of the page the browser landed on.
          browser = oktaLocalSignInForm(member("prod"))(new URL(printed), "https://stacklok.example.com/api/auth/oauth2/callback/oidc").then(
            (landed) => void pasted.write(`${landed.href}\n`),
          );
        }
      },
    });
    await browser;
    expect({ code, stderr }).toEqual({ code: EXIT.accepted, stderr: expect.stringContaining("Paste the full URL from the address bar") as unknown });
    expect(stdout).toContain("Cloud UI: accepted");
    expectNoSecrets({ code, stdout, stderr, authorizeUrls: [] });
  });

  it("says so when what is pasted is not the Cloud UI's callback", async () => {
    let stderrLines = "";
    const code = await runSignInCommand(["--stack", "prod", "--app", "cloud-ui", "--outputs", outputsFile], {
      stdin: Readable.from(["https://elsewhere.example.com/?code=abc\n"]),
      stdout: () => undefined,
      stderr: (text) => void (stderrLines += text),
    });
    expect(code).toBe(EXIT.failed);
    expect(stderrLines).toContain("the pasted URL does not start with the Cloud UI's redirect URI https://stacklok.example.com/api/auth/oauth2/callback/oidc");
  });

  it("signs in through the Cloud UI app with its secret, read from local-apply's state, and never prints the secret", async () => {
    const run = await signInCommand(["--stack", "prod", "--app", "cloud-ui", "--state-dir", stateDir]);
    expect(run.stderr).toContain(`stack outputs from ${applied.statePath}`);
    expect(run.code).toBe(EXIT.accepted);
    expect(run.authorizeUrls[0]?.searchParams.get("redirect_uri")).toBe("https://stacklok.example.com/api/auth/oauth2/callback/oidc");
    expect(run.stdout).toContain("Cloud UI: accepted");
    expectNoSecrets(run);
  });

  it("otherwise asks the Pulumi CLI for the outputs, with --show-secrets", async () => {
    const calls: string[][] = [];
    let stderr = "";
    let stdout = "";
    const code = await runSignInCommand(["--stack", "prod", "--app", "cloud-ui", "--state-dir", join(scratch, "no-state-here")], {
      stdin: Readable.from([]),
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
      userAgent: oktaLocalSignInForm(member("prod")),
      runPulumi: (args) => {
        calls.push(args);
        return Promise.resolve(JSON.stringify(applied.outputs));
      },
    });
    expect(calls).toEqual([["stack", "output", "--json", "--show-secrets", "--stack", "prod"]]);
    expect(stderr).toContain("stack outputs from pulumi stack output --json --show-secrets --stack prod");
    expect(code).toBe(EXIT.accepted);
    expect(stdout).toContain("Cloud UI: accepted");
  });

  it("exits 1 and names the reason when a component checked rejects the token", async () => {
    const run = await signInCommand(["--stack", "prod", "--outputs", outputsFile, "--component", "cloud-ui"]);
    expect(run.code).toBe(EXIT.rejected);
    expect(run.stdout).toContain("Cloud UI: REJECTED");
    expect(run.stdout).toContain("issuer_mismatch");
  });

  it("exits 4 with Okta's error when the user may not sign in", async () => {
    const run = await signInCommand(["--stack", "prod", "--outputs", outputsFile], outsider);
    expect(run.code).toBe(EXIT.refused);
    expect(run.stderr).toContain("access_denied: User is not assigned to the client application.");
  });

  it("refuses bad arguments with usage (exit 2), naming what is accepted", async () => {
    const noStack = await signInCommand([]);
    expect(noStack.code).toBe(EXIT.usage);
    expect(noStack.stderr).toContain("--stack is required");
    const badApp = await signInCommand(["--stack", "prod", "--outputs", outputsFile, "--app", "desktop"]);
    expect(badApp.code).toBe(EXIT.usage);
    expect(badApp.stderr).toContain('--app "desktop" is not an app; expected one of cli, cloud-ui');
    const nowhere = await signInCommand(["--stack", "nope", "--state-dir", stateDir]);
    expect(nowhere.code).toBe(EXIT.usage);
    expect(nowhere.stderr).toContain('no outputs for stack "nope"');
    expect(nowhere.authorizeUrls).toEqual([]);
  });

  it("says when the outputs were printed without --show-secrets", async () => {
    const redacted = join(scratch, "redacted.json");
    writeFileSync(redacted, JSON.stringify({ ...applied.outputs, cloudUi: "[secret]" }));
    const run = await signInCommand(["--stack", "prod", "--outputs", redacted, "--app", "cloud-ui"]);
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr).toContain('printed as "[secret]": add --show-secrets');
  });
});

describe("the README's path with no Okta org (Pulumi.local.yaml)", () => {
  it("plans cleanly, applies to okta-local, and npm run sign-in -- --stack local gets tokens each component accepts", async () => {
    const plan = await planOf(projectRoot, "local");
    expect(plan.problems).toEqual([]);
    const localOrg = await startOrg(seedFor("local"));
    const localState = join(scratch, "local-state");
    try {
      // local-apply stands in for `pulumi up` with okta:httpProxy: the Pulumi CLI and the real provider are not run here.
      await apply(localOrg, { projectDir: projectRoot, stack: "local", stateDir: localState });
      for (const app of ["cli", "cloud-ui"]) {
        const run = await signInCommand(["--stack", "local", "--app", app, "--state-dir", localState], member("local"));
        expect({ app, code: run.code, stderr: run.stderr }).toEqual({ app, code: EXIT.accepted, stderr: expect.stringContaining("local-state") as unknown });
      }
    } finally {
      await localOrg.close();
    }
  });
});
