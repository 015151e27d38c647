/**
 * The HTTP contract around every route: SSWS auth, Okta's error shape for
 * anything malformed, 501 for anything not emulated, Okta's headers, proxy-form
 * request lines and the request log.
 */
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectOktaError, startTestOrg, type Json, type TestOrg } from "./support";

let t: TestOrg;
beforeAll(async () => {
  t = await startTestOrg({ apiToken: "00test-token" });
});
afterAll(async () => {
  await t.close();
});

describe("authentication", () => {
  it.each([
    ["no header", {}],
    ["a wrong token", { authorization: "SSWS 00wrong" }],
    ["a Bearer token", { authorization: "Bearer 00test-token" }],
  ])("answers 401 E0000011 to %s", async (_label, headers) => {
    const response = await fetch(`${t.url}/api/v1/users/me`, { headers });
    expect(response.status).toBe(401);
    expect(expectOktaError(await response.json())).toMatchObject({ errorCode: "E0000011", errorSummary: "Invalid token provided" });
  });

  it("accepts the configured token", async () => {
    expect((await t.call("GET", "/api/v1/users/me")).status).toBe(200);
  });

  it("leaves the okta-organization probe open", async () => {
    expect((await fetch(`${t.url}/.well-known/okta-organization`)).status).toBe(200);
  });
});

describe("what is not emulated", () => {
  it.each([
    ["GET", "/api/v1/idps"],
    ["POST", "/api/v1/authorizationServers/default/credentials/lifecycle/keyRotate"],
    ["PATCH", "/api/v1/groups/00gx"],
    ["GET", "/api/v1/meta/types/user"],
  ])("answers %s %s with 501 in Okta's shape and logs it", async (method, path) => {
    const { status, body } = await t.call(method, path);
    expect(status).toBe(501);
    const error = expectOktaError(body);
    expect(error.errorCauses[0]?.errorSummary).toBe(`okta-local does not emulate ${method} ${path}`);
    expect(t.org.requests().some((r) => r.method === method && r.path === path && r.status === 501 && r.errorCode === "E0000060")).toBe(true);
  });
});

describe("bad input", () => {
  it("answers malformed JSON with 400 E0000003", async () => {
    const { status, body } = await t.call("POST", "/api/v1/groups", "{not json");
    expect(status).toBe(400);
    expect(expectOktaError(body).errorCode).toBe("E0000003");
  });

  it("answers wrong types with 400 E0000001 naming the key and the value", async () => {
    const { status, body } = await t.call("POST", "/api/v1/groups", { profile: { name: 42 } });
    expect(status).toBe(400);
    const error = expectOktaError(body);
    expect(error.errorSummary).toBe("Api validation failed: profile.name");
    expect(error.errorCauses[0]?.errorSummary).toContain("42");
  });

  it.each([[[1, 2]], ["text"], [null]])("answers a body that is not an object (%j) with E0000001", async (body) => {
    const answer = await t.call("POST", "/api/v1/authorizationServers", JSON.stringify(body));
    expect(answer.status).toBe(400);
    expect(expectOktaError(answer.body).errorCode).toBe("E0000001");
  });

  it("answers a body over the limit with 413 in Okta's shape and creates nothing", async () => {
    const groupsBefore = Object.keys(t.org.store.state.groups).length;
    const { status, body } = await t.call("POST", "/api/v1/groups", { profile: { name: "huge", description: "x".repeat(2 * 1024 * 1024) } });
    expect(status).toBe(413);
    expect(expectOktaError(body).errorCode).toBe("E0000003");
    expect(Object.keys(t.org.store.state.groups)).toHaveLength(groupsBefore);
  });

  it("answers a non-JSON content type with 415 in Okta's shape", async () => {
    const { status, body } = await t.call("POST", "/api/v1/groups", "name=x", { "content-type": "text/plain" });
    expect(status).toBe(415);
    expectOktaError(body);
  });

  it.each(["../../etc/passwd", "%00", "x".repeat(600), "00g' OR 1=1"])("answers the id %j with 404 E0000007", async (id) => {
    const { status, body } = await t.call("GET", `/api/v1/groups/${encodeURIComponent(id)}`);
    expect(status).toBe(404);
    expect(expectOktaError(body).errorCode).toBe("E0000007");
  });

  it("answers a bad limit with E0000001 and a bad activate flag with E0000001", async () => {
    expect(expectOktaError((await t.call("GET", "/api/v1/groups?limit=abc")).body).errorSummary).toBe("Api validation failed: limit");
    expect(expectOktaError((await t.call("POST", "/api/v1/users?activate=maybe", { profile: { login: "a@example.com", email: "a@example.com", firstName: "A", lastName: "A" } })).body).errorSummary).toBe("Api validation failed: activate");
  });

  it("creates nothing when a change fails half-way (the store rolls back)", async () => {
    const before = JSON.stringify(t.org.store.state.users);
    const answer = await t.call("POST", "/api/v1/users", { profile: { login: "half@example.com", email: "half@example.com", firstName: "H", lastName: "H" }, groupIds: ["00gnothere"] });
    expect(answer.status).toBe(404);
    expect(JSON.stringify(t.org.store.state.users)).toBe(before);
  });
});

describe("headers and the request line", () => {
  it("sends X-Okta-Request-Id and the rate-limit headers on every answer", async () => {
    for (const path of ["/api/v1/users/me", "/api/v1/nothing"]) {
      const { headers } = await t.call("GET", path);
      expect(headers.get("x-okta-request-id")).toMatch(/^\S{10,}$/);
      expect(Number(headers.get("x-rate-limit-limit"))).toBeGreaterThan(0);
      expect(Number(headers.get("x-rate-limit-remaining"))).toBeLessThan(Number(headers.get("x-rate-limit-limit")));
      expect(Number(headers.get("x-rate-limit-reset"))).toBeGreaterThan(Date.now() / 1000);
    }
  });

  it("routes a proxy-form request line (an absolute URL) by its path", async () => {
    const { port } = new URL(t.url);
    const answer = await new Promise<{ status: number; body: Json }>((resolve, reject) => {
      const request = httpRequest(
        { host: "127.0.0.1", port: Number(port), method: "GET", path: `${t.url}/api/v1/users/me?x=1`, headers: { authorization: `SSWS ${t.apiToken}`, host: `127.0.0.1:${port}` } },
        (response) => {
          let text = "";
          response.on("data", (chunk: Buffer) => (text += chunk.toString()));
          response.on("end", () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as Json }));
        },
      );
      request.on("error", reject);
      request.end();
    });
    expect(answer.status).toBe(200);
    expect((answer.body.profile as Json).login).toBe("okta-local-admin@example.com");
    expect(t.org.requests().some((r) => r.path === "/api/v1/users/me?x=1" && r.status === 200)).toBe(true);
  });
});

describe("request log", () => {
  it("lists requests at GET /_local/requests and clears them with DELETE", async () => {
    await fetch(`${t.url}/_local/requests`, { method: "DELETE" });
    await t.call("GET", "/api/v1/groups");
    await t.call("POST", "/api/v1/groups", { profile: { name: "logged" } });
    const log = (await (await fetch(`${t.url}/_local/requests`)).json()) as { method: string; path: string; status: number }[];
    expect(log.map((r) => [r.method, r.path, r.status])).toEqual([
      ["GET", "/api/v1/groups", 200],
      ["POST", "/api/v1/groups", 200],
    ]);
    expect(t.org.requests()).toHaveLength(2);
    await fetch(`${t.url}/_local/requests`, { method: "DELETE" });
    expect(t.org.requests()).toEqual([]);
  });
});
