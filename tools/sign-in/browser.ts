/**
 * A real browser for the tests and the docs' screenshots: Debian's Chromium
 * driven by playwright-core (which never downloads a browser of its own), and
 * a user agent that signs in on the page it shows as a person would: by the
 * fields' labels, then the button, then wherever the page sends the browser.
 *
 * Kept out of index.ts so that `npm run sign-in` and the demo never load
 * playwright-core.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import type { UserAgent } from "./flow";
import { UserAgentError, type Credentials } from "./userAgents";

/** Debian's `chromium` package; `CHROMIUM_PATH` names another Chromium or Chrome. */
export function chromiumPath(): string {
  return process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
}

/**
 * Headless and quiet: no sandbox (the tests run as root, where Chromium's
 * sandbox refuses to start), no GPU, and none of the background connections
 * (QUIC, component updates, sync, ...) that a closed network refuses.
 */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
] as const;

/**
 * Starts Chromium with a fresh profile (playwright-core makes a temporary
 * user-data-dir for every launch and removes it on close).
 */
export async function launchChromium(executablePath = chromiumPath()): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error(`no Chromium at ${executablePath}: install Debian's package (apt-get install chromium), or set CHROMIUM_PATH to a Chromium or Chrome`);
  }
  return chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS] });
}

/** How long one step (a page, a redirect) may take before the sign-in is given up. */
const STEP_TIMEOUT_MS = 30_000;

function isAt(url: string, redirectUri: string): boolean {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}` === redirectUri;
}

type Step = { kind: "redirect"; url: URL } | { kind: "page"; status: number | undefined } | { kind: "refused"; text: string };

/**
 * Signs in on the page `page` shows, like a person: opens the authorize URL,
 * types the username and password into the fields labelled so, presses
 * "Sign In", and resolves with the URL the browser is then sent to at the
 * redirect URI (whether or not anything answers there). A page that shows an
 * alert instead (a wrong password) or no sign-in form (an error page) fails
 * with its text. The page stays the caller's, to look at afterwards.
 */
export function browserUserAgent(page: Page, credentials: Credentials, timeoutMs = STEP_TIMEOUT_MS): UserAgent {
  return async (authorizeUrl, redirectUri) => {
    // Waited for from the start: a request refused before sign-in goes straight back to the redirect URI.
    const arrival: Promise<Step> = page
      .waitForRequest((request) => request.isNavigationRequest() && isAt(request.url(), redirectUri), { timeout: timeoutMs })
      .then((request) => ({ kind: "redirect", url: new URL(request.url()) }));
    const opened: Promise<Step> = page.goto(authorizeUrl.href, { timeout: timeoutMs }).then((response) => ({ kind: "page", status: response?.status() }));
    const first = await Promise.race([arrival, opened]);
    if (first.kind === "redirect") return first.url;

    const username = page.getByLabel("Username");
    if (first.kind !== "page" || (await username.count()) === 0) {
      throw new UserAgentError(`the authorization server answered ${first.kind === "page" ? String(first.status) : "a page"} without a sign-in form: ${await visibleText(page)}`);
    }
    await username.fill(credentials.username);
    await page.getByLabel("Password", { exact: true }).fill(credentials.password);
    const alert = page.getByRole("alert");
    const refused: Promise<Step> = alert.waitFor({ timeout: timeoutMs }).then(async () => ({ kind: "refused", text: (await alert.innerText()).trim() }));
    await page.getByRole("button", { name: "Sign In" }).click();
    const outcome = await Promise.race([arrival, refused]);
    if (outcome.kind === "redirect") return outcome.url;
    throw new UserAgentError(`sign-in as ${credentials.username} failed: ${outcome.kind === "refused" ? outcome.text : await visibleText(page)}`);
  };
}

async function visibleText(page: Page): Promise<string> {
  return (await page.locator("body").innerText()).replace(/\s+/g, " ").trim().slice(0, 300);
}
