/**
 * The two HTML pages of the authorize endpoint: the sign-in form (okta-local's
 * stand-in for the Okta Sign-In Widget) and Okta's error page for a request
 * that cannot be answered by redirect.
 */
import type { OAuthError } from "./errors";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/gu, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}

/**
 * A form that posts back to the authorize endpoint with `username`,
 * `password` and, hidden, every parameter of the pending request: okta-local
 * keeps no session, so the request travels with the form.
 */
export function signInPage(action: string, pending: Record<string, string>, problem?: string): string {
  const hidden = Object.entries(pending)
    .map(([name, value]) => `    <input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join("\n");
  const message = problem === undefined ? "" : `  <p class="error" role="alert">${escapeHtml(problem)}</p>\n`;
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Sign In</title></head>
<body>
  <h1>Sign In</h1>
${message}  <form method="post" action="${escapeHtml(action)}">
${hidden}
    <label>Username <input type="text" name="username" autocomplete="username"></label>
    <label>Password <input type="password" name="password" autocomplete="current-password"></label>
    <button type="submit">Sign In</button>
  </form>
</body>
</html>
`;
}

/**
 * Okta's page for an invalid redirect_uri or client: "400 Bad Request… Your
 * request resulted in an error", then the error code and description
 * (as reported in backstage/backstage#12006 and okta/okta-react-native#175).
 */
export function errorPage(error: OAuthError): string {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>400 Bad Request</title></head>
<body>
  <h1>400 Bad Request</h1>
  <p>Your request resulted in an error.</p>
  <p>Error Code: <code id="error-code">${escapeHtml(error.error)}</code></p>
  <p>Description: <span id="error-description">${escapeHtml(error.description)}</span></p>
</body>
</html>
`;
}
