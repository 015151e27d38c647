/**
 * Sign-in in a real browser: Debian's Chromium, driven by playwright-core,
 * on okta-local's sign-in page, for the prod example applied to okta-local.
 * `npm run sign-in` runs in-process with its own loopback listener (the CLI)
 * or reading the pasted address bar (the Cloud UI); only the person at the
 * keyboard is the test's: it types into the page's labelled fields and
 * presses its button.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ApplyResult } from "../../tools/local-apply/index";
import type { OktaLocal } from "../../tools/okta-local/index";
import { browserUserAgent, launchChromium } from "../../tools/sign-in/browser";
import { EXIT, runSignInCommand, startSignIn, type Credentials, type SignInIo } from "../../tools/sign-in/index";
import { authorizeUrl, nativeAppBody, startTestOrg, type Json } from "../okta-local/support";
import { freeLoopbackPort } from "../support/ports";
import { OUTSIDER_LOGIN, PASSWORDS, apply, expectNoSecretPrinted, member, memberLogin, outsider, parseOutputs, projectRoot, seedFor, startOrg } from "./support/harness";

const CLOUD_UI_CALLBACK = "https://stacklok.example.com/api/auth/oauth2/callback/oidc";


const scratch = mkdtempSync(join(tmpdir(), "e2e-browser-"));
let browser: Browser;
let org: OktaLocal;
let applied: ApplyResult;
let outputsFile: string;
/** One registered loopback redirect URI per test that signs in through the CLI's listener. */
const loopback = { member: "", outsider: "" };

beforeAll(async () => {
  const [chromium, started, memberPort, outsiderPort] = await Promise.all([launchChromium(), startOrg(seedFor("prod")), freeLoopbackPort(), freeLoopbackPort()]);
  browser = chromium;
  org = started;
  loopback.member = `http://127.0.0.1:${memberPort}/callback`;
  loopback.outsider = `http://127.0.0.1:${outsiderPort}/callback`;
  // Okta matches a redirect URI exactly, port included: the CLI app registers the two.
  applied = await apply(org, { projectDir: projectRoot, stack: "prod", stateDir: join(scratch, "state"), config: { cliRedirectUris: [loopback.member, loopback.outsider] } });
  outputsFile = join(scratch, "outputs.json");
  writeFileSync(outputsFile, JSON.stringify(applied.outputs));
});
afterAll(async () => {
  await browser?.close();
  await org?.close();
  rmSync(scratch, { recursive: true, force: true });
});

let context: BrowserContext;
let page: Page;
beforeEach(async () => {
  context = await browser.newContext();
  page = await context.newPage();
});
afterEach(async () => {
  await context?.close();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run sign-in` in-process; `io` replaces what the test plays (the browser, the terminal's input). */
async function signInCommand(args: string[], io: Partial<SignInIo> & { onStderr?: (text: string) => void } = {}): Promise<Run> {
  const run: Run = { code: -1, stdout: "", stderr: "" };
  const { onStderr, ...rest } = io;
  run.code = await runSignInCommand(args, {
    stdin: Readable.from([]),
    stdout: (text) => (run.stdout += text),
    stderr: (text) => {
      run.stderr += text;
      onStderr?.(text);
    },
    runPulumi: () => Promise.resolve(undefined),
    ...rest,
  });
  return run;
}

/**
 * The CLI's sign-in as thv does it: `npm run sign-in` listens on the loopback
 * redirect URI and opens the browser, here Chromium, where `who` signs in;
 * the browser's redirect reaches the listener. A browser that fails ends the
 * wait at once instead of leaving the listener to its timeout.
 */
async function cliSignInThroughBrowser(who: Credentials, redirectUri: string): Promise<Run> {
  let browserFailed: (error: unknown) => void = () => undefined;
  const failed = new Promise<never>((_resolve, reject) => (browserFailed = reject));
  const command = signInCommand(["--stack", "prod", "--outputs", outputsFile, "--redirect-uri", redirectUri], {
    openBrowser: (url) => void browserUserAgent(page, who)(url, redirectUri).catch(browserFailed),
  });
  const run = await Promise.race([command, failed]);
  await page.waitForURL((url) => url.href.startsWith(`${redirectUri}?`));
  return run;
}

async function bodyText(): Promise<string> {
  return (await page.locator("body").innerText()).replace(/\s+/g, " ").trim();
}

function expectNoSecrets(run: Run): void {
  expectNoSecretPrinted(run.stdout + run.stderr, applied.outputs);
}

describe("okta-local's sign-in page in Chromium", () => {
  it("names the org and the app by its label, is styled, and loads nothing but itself", async () => {
    const outputs = parseOutputs(applied.outputs);
    const started = await startSignIn({ app: "cli", outputs, redirectUri: loopback.member });
    const requests: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    const response = await page.goto(started.authorizeUrl.href);
    expect(response?.status()).toBe(200);

    const label = String(org.store.state.apps[outputs.enterpriseManager.clientId]?.label);
    expect(label).toBe("Stacklok CLI and Desktop (prod)");
    expect(await page.title()).toBe("okta-local - Sign In");
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Sign In");
    expect(await page.locator("#app-label").innerText()).toBe(label);
    expect(await bodyText()).toContain(`okta-local ${new URL(org.url).host}`);
    expect(await page.getByLabel("Username").getAttribute("type")).toBe("text");
    expect(await page.getByLabel("Password", { exact: true }).getAttribute("type")).toBe("password");
    // The inline stylesheet applies: a coloured button, a card on a tinted page.
    expect(await page.evaluate("getComputedStyle(document.querySelector('button')).backgroundColor")).toBe("rgb(22, 98, 221)");
    expect(await page.evaluate("getComputedStyle(document.body).backgroundColor")).not.toBe("rgba(0, 0, 0, 0)");
    // No script, no image, no stylesheet or font from anywhere: the page is the only request.
    expect(requests.filter((url) => !url.endsWith("/favicon.ico"))).toEqual([started.authorizeUrl.href]);
    expect(await page.locator("script, img, link").count()).toBe(0);
    // Not a demo seed: no user is listed and no password appears anywhere.
    expect(await page.getByRole("heading", { name: "Demo users" }).count()).toBe(0);
    const html = await page.content();
    for (const password of Object.values(PASSWORDS)) expect(html).not.toContain(password);
  });
});

describe("npm run sign-in through Chromium", () => {
  it("CLI/Desktop: PKCE on npm run sign-in's own loopback listener; the member gets a token the Enterprise Manager accepts", async () => {
    const run = await cliSignInThroughBrowser(member("prod"), loopback.member);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: EXIT.accepted, stderr: expect.stringContaining(`waiting on ${loopback.member}`) as unknown });
    expect(run.stdout).toContain("Enterprise Manager: accepted");
    expect(run.stdout).toContain("Registry Server: accepted");
    // What the person sees at the end: the listener's page.
    expect(await bodyText()).toBe("Signed in. You can close this window and return to the terminal.");
    expectNoSecrets(run);
  });

  it("Cloud UI: the web flow with its client secret; the person pastes the address bar the browser ended on", async () => {
    // The Cloud UI is not running here: its callback answers with a placeholder page, as a person's browser would show something.
    await context.route(`${CLOUD_UI_CALLBACK}?**`, (route) => route.fulfill({ contentType: "text/html", body: "<title>Cloud UI</title><p>Cloud UI callback</p>" }));
    const pasted = new PassThrough();
    let browsing: Promise<void> | undefined;
    const run = await signInCommand(["--stack", "prod", "--app", "cloud-ui", "--outputs", outputsFile], {
      stdin: pasted,
      onStderr: (text) => {
        const printed = /^ {2}(http:\/\/\S+\/v1\/authorize\?\S+)$/m.exec(text)?.[1];
        if (printed === undefined) return;
        browsing = browserUserAgent(page, member("prod"))(new URL(printed), CLOUD_UI_CALLBACK).then(async () => {
          await page.waitForURL((url) => url.href.startsWith(`${CLOUD_UI_CALLBACK}?`));
          pasted.write(`${page.url()}\n`);
        });
        browsing.catch((error: unknown) => pasted.destroy(error instanceof Error ? error : new Error(String(error))));
      },
    });
    await browsing;
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: EXIT.accepted, stderr: expect.stringContaining("Paste the full URL from the address bar") as unknown });
    expect(run.stdout).toContain("Cloud UI: accepted");
    expect(await bodyText()).toBe("Cloud UI callback");
    expectNoSecrets(run);
  });

  it("a wrong password: the page shows Okta's text, keeps the username, and no redirect happens", async () => {
    const wrong = { username: memberLogin("prod"), password: "not-the-password" };
    const statuses: number[] = [];
    page.on("response", (response) => void (response.request().isNavigationRequest() && statuses.push(response.status())));
    const run = await signInCommand(["--stack", "prod", "--app", "cloud-ui", "--outputs", outputsFile], { userAgent: browserUserAgent(page, wrong) });
    expect(run.code).toBe(EXIT.failed);
    expect(run.stderr).toContain(`sign-in as ${memberLogin("prod")} failed: Unable to sign in`);
    expect(await page.getByRole("alert").innerText()).toBe("Unable to sign in");
    expect(await page.getByLabel("Username").inputValue()).toBe(memberLogin("prod"));
    expect(await page.getByLabel("Password", { exact: true }).inputValue()).toBe("");
    expect(new URL(page.url()).pathname).toMatch(/^\/oauth2\/aus\w+\/v1\/authorize$/);
    expect(statuses).toEqual([200, 401]);
  });

  it("a user in no group: Okta's access_denied on the listener's page and in the terminal (exit 4)", async () => {
    expect(outsider.username).toBe(OUTSIDER_LOGIN);
    const run = await cliSignInThroughBrowser(outsider, loopback.outsider);
    expect(run.code).toBe(EXIT.refused);
    expect(run.stderr).toContain("Okta refused the sign-in: access_denied: User is not assigned to the client application.");
    expect(await bodyText()).toBe("Sign-in failed: access_denied: User is not assigned to the client application. See the terminal for details.");
  });
});

describe("okta-local's sign-in page with the demo seed, in Chromium", () => {
  it("lists the demo users with their passwords, shows HTML in a label as text, and a listed user signs in with what the page shows", async () => {
    const t = await startTestOrg({ seed: join(projectRoot, "tools", "okta-local", "demo-seed.yaml") });
    try {
      const label = `<b>Acme</b> & "Co" <script>document.title = 'changed'</script>`;
      const app = await t.call("POST", "/api/v1/apps?activate=true", nativeAppBody(label));
      const clientId = String(app.body.id);
      const everyone = (await t.call<Json[]>("GET", "/api/v1/groups?q=Everyone")).body[0];
      expect((await t.call("PUT", `/api/v1/apps/${clientId}/groups/${String(everyone?.id)}`, {})).status).toBe(200);
      const redirectUri = nativeAppBody(label).settings.oauthClient.redirect_uris[0] ?? "";
      const url = authorizeUrl(t.url, clientId, redirectUri);
      await page.goto(url.href);

      expect(await page.locator("#app-label").innerText()).toBe(label);
      expect(await page.title()).toBe("okta-local - Sign In");
      expect(await page.locator("script, b").count()).toBe(0);

      const rows = await page.getByRole("table").getByRole("row").allInnerTexts();
      expect(rows.map((row) => row.replace(/\s+/g, " ").trim())).toEqual([
        "User and groups Password",
        "Dana Developer dana.developer@example.com in no group Demo-Developer-1",
        "Alex Admin alex.admin@example.com in no group Demo-Admin-1",
        "Oscar Outsider oscar.outsider@example.com in no group Demo-Outsider-1",
      ]);
      // The person reads Dana's password off the page and signs in with it.
      const dana = page.getByRole("row").filter({ hasText: "dana.developer@example.com" });
      const password = await dana.getByRole("cell").last().innerText();
      const redirected = await browserUserAgent(page, { username: "dana.developer@example.com", password })(url, redirectUri);
      expect(redirected.searchParams.get("state")).toBe("state-1");
      expect(redirected.searchParams.get("code")).toMatch(/\S{20,}/);
    } finally {
      await t.close();
    }
  });
});
