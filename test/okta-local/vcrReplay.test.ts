/**
 * The replay the conformance suite rests on, held to small cassettes written
 * here and replayed against a real okta-local: it maps ids as they appear,
 * normalises only what differs between any two orgs, reports every other
 * difference, and tells out-of-scope exchanges apart.
 */
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestOrg, type TestOrg } from "./support";
import { baselineIdsOf, CassetteReplay, differenceSignature, readCassette, summarise, type ExchangeResult, type RecordedExchange } from "./vcrReplay";

let t: TestOrg;
beforeAll(async () => {
  t = await startTestOrg();
});
afterAll(async () => {
  await t.close();
});

const ORG = "https://oie-00.dne-okta.com";
const GROUP_ID = "00gkwqrnf7RjmwjSP1d7";

/** A go-vcr v2 cassette as the provider records them (the fields the replay reads, and some it ignores). */
function cassette(exchanges: { method: string; path: string; body?: unknown; status: number; answer?: unknown }[]): RecordedExchange[] {
  return readCassette(
    stringify({
      version: 2,
      interactions: exchanges.map((e, id) => ({
        id,
        request: { proto: "HTTP/1.1", method: e.method, url: `${ORG}${e.path}`, body: e.body === undefined ? "" : JSON.stringify(e.body), headers: { Authorization: ["SSWS REDACTED"] } },
        response: { code: e.status, body: e.answer === undefined ? "" : JSON.stringify(e.answer), duration: "120ms" },
      })),
    }),
  );
}

async function replay(exchanges: RecordedExchange[]): Promise<ExchangeResult[]> {
  const target = {
    url: t.url,
    baselineIds: baselineIdsOf(t.org.store.state),
    call: async (method: string, path: string, body: string | undefined) => {
      const answer = await t.call<unknown>(method, path, body);
      return { status: answer.status, text: answer.body === undefined ? "" : JSON.stringify(answer.body) };
    },
  };
  const run = new CassetteReplay(target);
  const results: ExchangeResult[] = [];
  for (const exchange of exchanges) results.push(await run.replay(exchange));
  return results;
}

const recordedGroup = (name: string, description: string) => ({
  id: GROUP_ID,
  created: "2025-03-13T23:26:59.000Z",
  lastUpdated: "2025-03-13T23:26:59.000Z",
  lastMembershipUpdated: "2025-03-13T23:26:59.000Z",
  objectClass: ["okta:user_group"],
  type: "OKTA_GROUP",
  profile: { name, description },
  _links: { users: { href: `${ORG}/api/v1/groups/${GROUP_ID}/users` } },
});

describe("the replay", () => {
  it("maps a recorded id to okta-local's as it appears and sends later requests to okta-local's", async () => {
    const results = await replay(
      cassette([
        { method: "POST", path: "/api/v1/groups", body: { profile: { name: "replayed", description: "d" } }, status: 200, answer: recordedGroup("replayed", "d") },
        { method: "GET", path: `/api/v1/groups/${GROUP_ID}`, status: 200, answer: recordedGroup("replayed", "d") },
        { method: "DELETE", path: `/api/v1/groups/${GROUP_ID}`, status: 204 },
        { method: "GET", path: `/api/v1/groups/${GROUP_ID}`, status: 404, answer: { errorCode: "E0000007", errorSummary: `Not found: Resource not found: ${GROUP_ID} (UserGroup)`, errorLink: "E0000007", errorId: "oaeXXXXXXXXXXXXXXXXXXXXXXX", errorCauses: [] } },
      ]),
    );
    expect(results.map((r) => [r.outcome, r.differences])).toEqual([
      ["reproduced", []],
      ["reproduced", []],
      ["reproduced", []],
      ["reproduced", []],
    ]);
    expect(t.org.requests().some((r) => r.path.startsWith("/api/v1/groups/00g") && !r.path.includes(GROUP_ID))).toBe(true);
  });

  it("reports a value okta-local answers differently, a field it leaves out and a wrong status", async () => {
    const results = await replay(
      cassette([
        { method: "POST", path: "/api/v1/groups", body: { profile: { name: "differs", description: "sent" } }, status: 200, answer: { ...recordedGroup("differs", "recorded"), extra: true } },
        { method: "GET", path: "/api/v1/groups/00gnothere0000000001", status: 200, answer: recordedGroup("x", "y") },
      ]),
    );
    expect(results.map((r) => r.outcome)).toEqual(["differs", "differs"]);
    expect(results[0]?.differences.map((d) => d.path)).toEqual(["$.profile.description", "$.extra"]);
    expect(results[1]?.differences.map((d) => differenceSignature(results[1] ?? { endpoint: "" }, d))).toEqual(["GET /api/v1/groups/{id} status"]);
    expect(summarise(results)).toMatchObject({ inScope: 2, reproduced: 0, percentage: 0 });
  });

  it("counts what okta-local answers 501, and what names an object it created, as out of scope", async () => {
    const hook = "calkwujw3cQGbhJ151d7";
    const results = await replay(
      cassette([
        { method: "POST", path: "/api/v1/inlineHooks", body: { name: "h" }, status: 200, answer: { id: hook, name: "h" } },
        { method: "GET", path: `/api/v1/inlineHooks/${hook}`, status: 200, answer: { id: hook, name: "h" } },
        { method: "GET", path: "/api/v1/groups?q=Everyone", status: 200, answer: [{ ...recordedGroup("Everyone", "All users in your organization"), id: "00gnkw1sdqL30MdGk1d7", type: "BUILT_IN" }] },
      ]),
    );
    expect(results.map((r) => [r.outcome, r.reason])).toEqual([
      ["out-of-scope", "okta-local does not emulate it (501 E0000060)"],
      ["out-of-scope", `names ${hook}, which an out-of-scope exchange created`],
      ["reproduced", undefined],
    ]);
    expect(summarise(results)).toMatchObject({ inScope: 1, reproduced: 1, outOfScope: 2, percentage: 100 });
  });
});
