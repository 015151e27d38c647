/**
 * The browser half of a sign-in, three ways:
 *
 * - `loopbackBrowser`: what `thv` does (RFC 8252 section 7.3): listen on the
 *   loopback redirect URI, open the browser (or print the URL), and take the
 *   redirect the browser brings back;
 * - `pastedRedirect`: for the Cloud UI, whose redirect URI is its public
 *   URL, not this machine: the user signs in, then pastes the URL the
 *   browser ended on (the page itself may fail to load; the URL is enough);
 * - `oktaLocalSignInForm`: for tests and the demo against okta-local: fetches
 *   its sign-in page, posts the form with a seeded user's credentials and
 *   follows redirects by hand until one leaves for the redirect URI.
 *
 * A real browser for tests (Chromium through playwright-core) is in
 * browser.ts: it is the person at the keyboard, opened by `loopbackBrowser`
 * in place of the system browser, or a user agent of its own.
 */
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { createInterface } from "node:readline";
import type { UserAgent } from "./flow";

/** The browser part could not be completed (nothing pasted, port taken, a page instead of a redirect). */
export class UserAgentError extends Error {
  override readonly name = "UserAgentError";
}

export interface PromptIo {
  /** Where instructions go (standard error: standard output carries the report). */
  message: (text: string) => void;
}

/** How long the loopback listener waits for the browser, as a guard against a forgotten terminal. */
const LOOPBACK_TIMEOUT_MS = 5 * 60_000;

export interface LoopbackOptions extends PromptIo {
  /** false: only print the URL (`--no-browser`). */
  openBrowser?: boolean;
  /** Opens the URL in place of the system browser (tests drive a browser of their own). */
  open?: (url: URL) => void;
}

export function loopbackBrowser(io: LoopbackOptions): UserAgent {
  return async (authorizeUrl, redirectUri) => {
    const redirect = new URL(redirectUri);
    if (redirect.protocol !== "http:") {
      throw new UserAgentError(`cannot listen on ${redirectUri}: a loopback listener serves http only; register an http://127.0.0.1 or http://localhost redirect URI`);
    }
    const host = redirect.hostname.replace(/^\[(.*)\]$/, "$1");
    const port = redirect.port === "" ? 80 : Number(redirect.port);
    return new Promise<URL>((resolve, reject) => {
      const server = createServer((req, res) => {
        const url = new URL(req.url ?? "/", redirect.origin);
        if (url.pathname !== redirect.pathname) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
        res.end(callbackPageText(url));
        clearTimeout(timer);
        server.close();
        resolve(url);
      });
      const timer = setTimeout(() => {
        server.close();
        reject(new UserAgentError(`no sign-in reached ${redirectUri} within ${LOOPBACK_TIMEOUT_MS / 60_000} minutes`));
      }, LOOPBACK_TIMEOUT_MS);
      server.once("error", (error) => {
        clearTimeout(timer);
        reject(new UserAgentError(`cannot listen on ${redirectUri}: ${error.message}`));
      });
      server.listen(port, host, () => {
        io.message(`Open this URL in a browser to sign in (waiting on ${redirectUri}):\n\n  ${authorizeUrl.href}\n\n`);
        if (io.openBrowser !== false) (io.open ?? openInBrowser)(authorizeUrl);
      });
    });
  };
}

/** What the browser shows once back on the loopback listener: the authorization server's error, if it sent one (plain text, never HTML). */
function callbackPageText(callback: URL): string {
  const error = callback.searchParams.get("error");
  if (error === null) return "Signed in. You can close this window and return to the terminal.\n";
  const description = callback.searchParams.get("error_description");
  return `Sign-in failed: ${error}${description === null ? "" : `: ${description}`}\nSee the terminal for details.\n`;
}

export function pastedRedirect(io: PromptIo & { input: NodeJS.ReadableStream }): UserAgent {
  return async (authorizeUrl, redirectUri) => {
    io.message(
      `Open this URL in a browser and sign in:\n\n  ${authorizeUrl.href}\n\n` +
        `The browser then goes to ${redirectUri}?code=... (the page may not load; that is fine).\n` +
        "Paste the full URL from the address bar: ",
    );
    const lines = createInterface({ input: io.input, terminal: false });
    let pasted: string | undefined;
    try {
      for await (const line of lines) {
        pasted = line.trim();
        break;
      }
    } finally {
      lines.close();
    }
    if (pasted === undefined || pasted === "") throw new UserAgentError("nothing was pasted");
    let url: URL;
    try {
      url = new URL(pasted);
    } catch {
      throw new UserAgentError("what was pasted is not a URL");
    }
    if (`${url.origin}${url.pathname}` !== redirectUri) {
      throw new UserAgentError(`the pasted URL does not start with the Cloud UI's redirect URI ${redirectUri}`);
    }
    return url;
  };
}

export interface Credentials {
  username: string;
  password: string;
}

/** Redirects followed before giving up (okta-local needs at most one). */
const MAX_REDIRECTS = 10;

/**
 * Drives okta-local's sign-in page the way a person would. The page is a
 * plain form okta-local renders (inputs `username`, `password` and the
 * pending request as hidden inputs); only that page is read here, not
 * arbitrary HTML.
 */
export function oktaLocalSignInForm(credentials: Credentials, fetchImpl: typeof fetch = fetch): UserAgent {
  return async (authorizeUrl, redirectUri) => {
    let response = await fetchImpl(authorizeUrl, { redirect: "manual" });
    let current = authorizeUrl;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const location = response.headers.get("location");
      if (response.status >= 300 && response.status < 400 && location !== null) {
        const next = new URL(location, current);
        if (`${next.origin}${next.pathname}` === redirectUri) return next;
        current = next;
        response = await fetchImpl(next, { redirect: "manual" });
        continue;
      }
      const html = await response.text();
      const form = signInForm(html);
      if (form === undefined || response.status !== 200) {
        throw new UserAgentError(`the authorization server answered ${response.status} without a redirect: ${pageText(html)}`);
      }
      const body = new URLSearchParams(form.hidden);
      body.set("username", credentials.username);
      body.set("password", credentials.password);
      const action = new URL(form.action, current);
      response = await fetchImpl(action, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body,
      });
      current = action;
      if (response.status === 200 || response.status === 401) {
        const page = await response.text();
        throw new UserAgentError(`sign-in as ${credentials.username} failed: ${pageText(page)}`);
      }
    }
    throw new UserAgentError(`more than ${MAX_REDIRECTS} redirects without reaching ${redirectUri}`);
  };
}

interface SignInFormFields {
  action: string;
  hidden: [string, string][];
}

function signInForm(html: string): SignInFormFields | undefined {
  const form = /<form\b[^>]*\bmethod="post"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (form === null) return undefined;
  const action = /\baction="([^"]*)"/i.exec(form[0])?.[1];
  if (action === undefined || !/\bname="username"/.test(form[1] ?? "") || !/\bname="password"/.test(form[1] ?? "")) return undefined;
  const hidden: [string, string][] = [];
  for (const input of (form[1] ?? "").matchAll(/<input\b[^>]*\btype="hidden"[^>]*>/gi)) {
    const name = /\bname="([^"]*)"/.exec(input[0])?.[1];
    const value = /\bvalue="([^"]*)"/.exec(input[0])?.[1] ?? "";
    if (name !== undefined) hidden.push([unescapeHtml(name), unescapeHtml(value)]);
  }
  return { action: unescapeHtml(action), hidden };
}

const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" };

function unescapeHtml(text: string): string {
  return text.replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity] ?? entity);
}

/** A page's words, for an error message. */
function pageText(html: string): string {
  return unescapeHtml(html.replace(/<(script|style|title)[\s\S]*?<\/\1>/gi, " ").replace(/<[^>]+>/g, " "))
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 300);
}

function openInBrowser(url: URL): void {
  const command = process.platform === "darwin" ? "open" : process.platform === "win32" ? "explorer" : "xdg-open";
  try {
    const child = spawn(command, [url.href], { stdio: "ignore", detached: true });
    child.on("error", () => undefined);
    child.unref();
  } catch {
    // The URL is printed; a missing opener is not an error.
  }
}
