/**
 * okta-local's sign-in page as HTML: what it names, the texts it shows after
 * a failed attempt, the demo seed's user list (and no password anywhere
 * without one), escaping, and the security policy that keeps it
 * self-contained. How it looks and works in a browser: test/e2e/browser.e2e.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizeUrl, nativeAppBody, startTestOrg, type Json, type TestOrg } from "./support";

const REDIRECT_URI = nativeAppBody("x").settings.oauthClient.redirect_uris[0] ?? "";
const HTML_LABEL = `<b>Acme</b> & "Co" <script>document.title = 'x'</script>`;

const eve = { login: "eve@example.com", password: "Demo-Eve-1", email: "eve@example.com", firstName: "<i>Eve</i>", lastName: "Example", groups: ["<em>team</em>"] };
const finn = { login: "finn@example.com", password: "Demo-Finn-1", email: "finn@example.com", firstName: "Finn", lastName: "Nobody", groups: [] };
const gus = { login: "gus@example.com", password: "Demo-Gus-1", email: "gus@example.com", firstName: "Gus", lastName: "Gone", groups: [] };

interface Page {
  status: number;
  html: string;
  headers: Headers;
}

async function open(url: URL | string, form?: Record<string, string>): Promise<Page> {
  const response = await fetch(url, {
    redirect: "manual",
    ...(form === undefined ? {} : { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(form).toString() }),
  });
  return { status: response.status, html: await response.text(), headers: response.headers };
}

async function appWithLabel(t: TestOrg, label: string): Promise<string> {
  const created = await t.call("POST", "/api/v1/apps?activate=true", nativeAppBody(label));
  expect(created.status).toBe(200);
  return String(created.body.id);
}

describe("with a demo seed", () => {
  let t: TestOrg;
  let clientId: string;
  beforeAll(async () => {
    t = await startTestOrg({ seed: { demo: true, groups: [{ name: "<em>team</em>" }], users: [eve, finn, gus] } });
    clientId = await appWithLabel(t, HTML_LABEL);
    const gone = await t.call<Json[]>("GET", `/api/v1/users?q=${gus.login}`);
    expect((await t.call("POST", `/api/v1/users/${String(gone.body[0]?.id)}/lifecycle/deactivate`)).status).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("lists the users who can sign in with their passwords and groups, escaped", async () => {
    const page = await open(authorizeUrl(t.url, clientId, REDIRECT_URI));
    expect(page.status).toBe(200);
    expect(page.html).toContain("<h2 id=\"demo-users\">Demo users</h2>");
    expect(page.html).toContain(
      '<tr><td>&lt;i&gt;Eve&lt;/i&gt; Example<br><code>eve@example.com</code><br><span class="groups">&lt;em&gt;team&lt;/em&gt;</span></td><td><code>Demo-Eve-1</code></td></tr>',
    );
    expect(page.html).toContain('<tr><td>Finn Nobody<br><code>finn@example.com</code><br><span class="groups">in no group</span></td><td><code>Demo-Finn-1</code></td></tr>');
    // A deactivated user cannot sign in, so is not offered.
    expect(page.html).not.toContain(gus.login);
    expect(page.html).not.toContain(gus.password);
  });

  it("shows the app's label as text, never as markup", async () => {
    const page = await open(authorizeUrl(t.url, clientId, REDIRECT_URI));
    expect(page.html).toContain('<strong id="app-label">&lt;b&gt;Acme&lt;/b&gt; &amp; &quot;Co&quot; &lt;script&gt;document.title = &#39;x&#39;&lt;/script&gt;</strong>');
    expect(page.html).not.toContain("<b>");
    expect(page.html).not.toContain("<script");
  });
});

describe("with a seed that is not a demo seed", () => {
  let t: TestOrg;
  let clientId: string;
  beforeAll(async () => {
    t = await startTestOrg({ seed: { users: [eve, finn] } });
    clientId = await appWithLabel(t, "Stacklok CLI and Desktop (dev)");
  });
  afterAll(async () => {
    await t?.close();
  });

  it("names the org and the app, and never shows a password, before or after a failed attempt", async () => {
    const url = authorizeUrl(t.url, clientId, REDIRECT_URI);
    const first = await open(url);
    expect(first.html).toContain(`<p class="org">okta-local<span>${new URL(t.url).host}</span></p>`);
    expect(first.html).toContain('<strong id="app-label">Stacklok CLI and Desktop (dev)</strong>');
    expect(first.html).toContain("<title>okta-local - Sign In</title>");
    const failed = await open(`${t.url}${url.pathname}`, { ...Object.fromEntries(url.searchParams), username: eve.login, password: "wrong" });
    for (const page of [first, failed]) {
      expect(page.html).not.toContain("Demo users");
      for (const user of [eve, finn]) expect(page.html).not.toContain(user.password);
    }
  });

  it.each([
    ["a wrong password", { username: eve.login, password: "wrong" }, "Unable to sign in"],
    ["an unknown user", { username: "nobody@example.com", password: eve.password }, "Unable to sign in"],
    ["no username", { username: " ", password: eve.password }, "Please enter a username"],
    ["no password", { username: eve.login, password: "" }, "Please enter a password"],
  ])("answers %s with the form again, Okta's text and the username kept", async (_case, credentials, text) => {
    const url = authorizeUrl(t.url, clientId, REDIRECT_URI);
    const page = await open(`${t.url}${url.pathname}`, { ...Object.fromEntries(url.searchParams), ...credentials });
    expect(page.status).toBe(401);
    expect(page.headers.get("location")).toBeNull();
    expect(page.html).toContain(`<p class="error" role="alert">${text}</p>`);
    expect(page.html).toContain(`id="okta-signin-username" value="${credentials.username}"`);
  });

  it("serves its pages with a policy that lets nothing but the inline stylesheet load", async () => {
    const signIn = await open(authorizeUrl(t.url, clientId, REDIRECT_URI));
    const errorPage = await open(authorizeUrl(t.url, clientId, "http://localhost:1/not-registered"));
    expect(errorPage.status).toBe(400);
    for (const page of [signIn, errorPage]) {
      expect(page.headers.get("content-security-policy")).toBe("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'");
      expect(page.html).toMatch(/<style>[^<]+<\/style>/);
      expect(page.html).not.toMatch(/<(script|img|link|iframe)\b|\b(src|href)=|url\(/);
    }
  });
});
