/**
 * The two HTML pages of the authorize endpoint: the sign-in page (okta-local's
 * stand-in for Okta's hosted Sign-In Widget) and Okta's error page for a
 * request that cannot be answered by redirect.
 *
 * Both are self-contained: one small inline stylesheet, no script, no image,
 * nothing fetched from elsewhere (`PAGE_SECURITY_POLICY` lets the browser
 * enforce that). Every value that reaches a page (app labels, logins, names,
 * the request's parameters) is escaped.
 */
import type { OAuthError } from "./errors";

/**
 * Served with every page: nothing but the inline stylesheet may load, so an
 * escaping mistake cannot run a script and the page cannot fetch assets.
 */
export const PAGE_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'";

/**
 * The Sign-In Widget's texts (okta/okta-signin-widget,
 * `packages/@okta/i18n/src/properties/login.properties`): the title and the
 * submit button (`primaryauth.title`, `primaryauth.submit`), the field labels
 * (`primaryauth.username.placeholder`, `primaryauth.password.placeholder`),
 * the text for failed credentials (`errors.E0000004`, the authentication API's
 * "Authentication failed") and for an empty field (`error.username.required`,
 * `error.password.required`).
 */
export const SIGN_IN_TEXT = {
  title: "Sign In",
  username: "Username",
  password: "Password",
  submit: "Sign In",
  failed: "Unable to sign in",
  usernameRequired: "Please enter a username",
  passwordRequired: "Please enter a password",
} as const;

/** A demo seed's user, listed on the sign-in page with the password. */
export interface DemoAccount {
  name: string;
  login: string;
  password: string;
  /** The user's groups now (Everyone left out). */
  groups: string[];
}

export interface SignInView {
  /** Where the form posts: the authorize endpoint's path. */
  action: string;
  /** The pending request's parameters, carried back as hidden inputs. */
  pending: Record<string, string>;
  /** The org URL, which names the org (Okta orgs are known by theirs, e.g. acme.okta.com). */
  orgUrl: string;
  /** The app's `label`, as its administrators named it. */
  appLabel: string;
  /** One of `SIGN_IN_TEXT`'s error texts, after a failed attempt. */
  problem?: string;
  /** The username typed before a failed attempt, kept as Okta's widget keeps it. */
  username?: string;
  /** Listed only for a demo seed; never a password otherwise. */
  demoAccounts?: readonly DemoAccount[];
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/gu, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}

const STYLESHEET = `
    :root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
    body { margin: 0; min-height: 100vh; background: #eef1f5; color: #1d1d21; display: flex; flex-direction: column; align-items: center; }
    main { box-sizing: border-box; width: min(440px, calc(100vw - 32px)); margin: 48px 0 16px; padding: 32px 40px; background: #fff; border: 1px solid #d7dbe2; border-radius: 8px; box-shadow: 0 2px 8px rgba(0, 0, 0, .06); }
    .org { margin: 0 0 24px; padding-bottom: 16px; border-bottom: 1px solid #e6e8ec; text-align: center; font-weight: 600; font-size: 15px; }
    .org span { display: block; font-weight: 400; font-size: 13px; color: #5d6270; }
    h1 { margin: 0; font-size: 22px; font-weight: 600; text-align: center; }
    .app { margin: 6px 0 20px; text-align: center; color: #5d6270; overflow-wrap: anywhere; }
    .app strong { color: #1d1d21; }
    .error { margin: 0 0 16px; padding: 10px 12px; border: 1px solid #e3a3a3; border-left: 4px solid #d0342c; border-radius: 4px; background: #fdf1f1; color: #8f1f19; }
    form { display: flex; flex-direction: column; }
    label { margin: 0 0 4px; font-size: 14px; font-weight: 600; }
    input[type=text], input[type=password] { margin: 0 0 16px; padding: 9px 10px; font: inherit; border: 1px solid #8c919c; border-radius: 4px; }
    input:focus { outline: 2px solid #1662dd; outline-offset: 1px; }
    button { padding: 10px; font: inherit; font-weight: 600; color: #fff; background: #1662dd; border: 0; border-radius: 4px; cursor: pointer; }
    button:hover { background: #0f4fba; }
    .demo { margin-top: 28px; padding-top: 16px; border-top: 1px solid #e6e8ec; font-size: 13px; }
    .demo h2 { margin: 0 0 4px; font-size: 14px; }
    .demo p { margin: 0 0 8px; color: #5d6270; }
    table { width: 100%; border-collapse: collapse; }
    th, td { padding: 6px 4px; text-align: left; vertical-align: top; border-bottom: 1px solid #eef0f3; }
    td:last-child { white-space: nowrap; }
    .groups { color: #5d6270; }
    th { font-weight: 600; color: #5d6270; }
    code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
    footer { margin: 0 0 32px; font-size: 12px; color: #5d6270; }
    #error-code, #error-description { font-weight: 600; }`;

function document(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)}</title>
  <style>${STYLESHEET}
  </style>
</head>
<body>
${body}
  <footer>okta-local, an Okta org emulator on this machine</footer>
</body>
</html>
`;
}

/** The org's name as its URL shows it: the host, e.g. `127.0.0.1:8080`. */
function orgHost(orgUrl: string): string {
  return URL.canParse(orgUrl) ? new URL(orgUrl).host : orgUrl;
}

function demoSection(accounts: readonly DemoAccount[]): string {
  if (accounts.length === 0) return "";
  const rows = accounts
    .map(
      (account) =>
        `        <tr><td>${escapeHtml(account.name)}<br><code>${escapeHtml(account.login)}</code>` +
        `<br><span class="groups">${account.groups.length === 0 ? "in no group" : account.groups.map(escapeHtml).join(", ")}</span></td>` +
        `<td><code>${escapeHtml(account.password)}</code></td></tr>`,
    )
    .join("\n");
  return `
  <section class="demo" aria-labelledby="demo-users">
    <h2 id="demo-users">Demo users</h2>
    <p>From the demo seed; these passwords are for this local demo only.</p>
    <table>
      <thead><tr><th scope="col">User and groups</th><th scope="col">Password</th></tr></thead>
      <tbody>
${rows}
      </tbody>
    </table>
  </section>`;
}

/**
 * ASSUMPTION: the org line and "to <label>" are okta-local's own wording for
 * naming the org and the app; no source gives Okta's.
 *
 * The sign-in form: it posts back to the authorize endpoint with `username`,
 * `password` and, hidden, every parameter of the pending request (okta-local
 * keeps no session, so the request travels with the form). The inputs carry
 * the ids of Okta's Classic Sign-In Widget (`okta-signin-username`, …).
 */
export function signInPage(view: SignInView): string {
  const hidden = Object.entries(view.pending)
    .map(([name, value]) => `    <input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join("\n");
  const message = view.problem === undefined ? "" : `  <p class="error" role="alert">${escapeHtml(view.problem)}</p>\n`;
  return document(
    `okta-local - ${SIGN_IN_TEXT.title}`,
    `<main>
  <p class="org">okta-local<span>${escapeHtml(orgHost(view.orgUrl))}</span></p>
  <h1>${SIGN_IN_TEXT.title}</h1>
  <p class="app">to <strong id="app-label">${escapeHtml(view.appLabel)}</strong></p>
${message}  <form method="post" action="${escapeHtml(view.action)}">
${hidden}
    <label for="okta-signin-username">${SIGN_IN_TEXT.username}</label>
    <input type="text" name="username" id="okta-signin-username" value="${escapeHtml(view.username ?? "")}" autocomplete="username" autofocus>
    <label for="okta-signin-password">${SIGN_IN_TEXT.password}</label>
    <input type="password" name="password" id="okta-signin-password" autocomplete="current-password">
    <button type="submit" id="okta-signin-submit">${SIGN_IN_TEXT.submit}</button>
  </form>${demoSection(view.demoAccounts ?? [])}
</main>`,
  );
}

/**
 * Okta's page for an invalid redirect_uri or client: "400 Bad Request… Your
 * request resulted in an error", then the error code and description
 * (as reported in backstage/backstage#12006 and okta/okta-react-native#175).
 */
export function errorPage(error: OAuthError): string {
  return document(
    "400 Bad Request",
    `<main>
  <h1>400 Bad Request</h1>
  <p>Your request resulted in an error.</p>
  <p>Error Code: <code id="error-code">${escapeHtml(error.error)}</code></p>
  <p>Description: <span id="error-description">${escapeHtml(error.description)}</span></p>
</main>`,
  );
}
