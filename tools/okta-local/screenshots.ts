/**
 * `npm run docs:screenshots`: the pictures of okta-local's sign-in page in
 * docs/okta-local.md, taken in Chromium (the e2e suite's browser and driver,
 * tools/sign-in/browser.ts). The local example stack (Pulumi.local.yaml) is
 * applied to an okta-local org seeded with the demo seed, then three pages
 * of the CLI/Desktop app's sign-in are shot: with the demo users, after a
 * wrong password, and, the org restarted from its state file without the
 * seed, as a seed that is not a demo seed shows it.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import type { Page } from "playwright-core";
import { DEFAULT_CLI_REDIRECT_URI } from "../../components/facts";
import { applyStack } from "../local-apply/index";
import { browserUserAgent, launchChromium } from "../sign-in/browser";
import { UserAgentError, signInOutputsSchema, startSignIn, type SignInOutputs } from "../sign-in/index";
import { start } from "./index";

const PROJECT_DIR = resolve(__dirname, "..", "..");
const SEED_FILE = join(PROJECT_DIR, "tools", "okta-local", "demo-seed.yaml");
const IMAGES = join(PROJECT_DIR, "docs", "images");
const STACK = "local";
/** A seeded user, as the README signs in. */
const USERNAME = "dana.developer@example.com";

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), "okta-local-screenshots-"));
  const statePath = join(scratch, "org.json");
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 560, height: 400 } });
    let org = await start({ seed: SEED_FILE, statePath, quiet: true });
    try {
      const applied = await applyStack({ projectDir: PROJECT_DIR, stack: STACK, orgUrl: org.url, apiToken: org.apiToken, stateDir: join(scratch, "local-apply"), log: () => undefined });
      const outputs = signInOutputsSchema.parse(applied.outputs);

      await openSignInPage(page, outputs);
      await shoot(page, "okta-local-sign-in-demo.png");

      const started = await startSignIn({ app: "cli", outputs, redirectUri: DEFAULT_CLI_REDIRECT_URI });
      try {
        await browserUserAgent(page, { username: USERNAME, password: "not-the-password" })(started.authorizeUrl, started.redirectUri);
        throw new Error("a wrong password was accepted");
      } catch (error) {
        if (!(error instanceof UserAgentError)) throw error;
      }
      await shoot(page, "okta-local-sign-in-error.png");

      // The same org restarted from its state file without the seed: no demo users on its page.
      // It comes back on another port, its issuers moved there (docs/okta-local.md), and so are the outputs' URLs.
      const before = org.url;
      await org.close();
      org = await start({ statePath, quiet: true });
      await openSignInPage(page, signInOutputsSchema.parse(JSON.parse(JSON.stringify(applied.outputs).replaceAll(before, org.url))));
      await shoot(page, "okta-local-sign-in.png");
    } finally {
      await org.close();
    }
  } finally {
    await browser.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function openSignInPage(page: Page, outputs: SignInOutputs): Promise<void> {
  const started = await startSignIn({ app: "cli", outputs, redirectUri: DEFAULT_CLI_REDIRECT_URI });
  const response = await page.goto(started.authorizeUrl.href);
  if (response?.status() !== 200) throw new Error(`the sign-in page answered ${String(response?.status())}`);
}

async function shoot(page: Page, name: string): Promise<void> {
  const path = join(IMAGES, name);
  await page.screenshot({ path, fullPage: true });
  process.stdout.write(`${relative(PROJECT_DIR, path)} (${Math.round(statSync(path).size / 1024)} KiB)\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`docs:screenshots: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
