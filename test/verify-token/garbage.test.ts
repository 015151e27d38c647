/**
 * Whatever is pasted in, the verifier answers with a report: it never throws
 * and never accepts what a component would refuse.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REQUIRED_SCOPE } from "../../components/facts";
import { DEFAULT_AUDIENCES } from "../../components/platform";
import { JwksCache, buildExpectations, parseToken, verifyAccessToken, type ComponentExpectation, type VerificationReport } from "../../tools/verify-token";
import { accessTokenClaims, createSigningKey, nowSeconds, sign, stackOutputs, startFakeIssuer, type FakeIssuer, type SigningKey } from "./fake-issuer";

let fake: FakeIssuer;
let key: SigningKey;
let keys: JwksCache;
let expectations: ComponentExpectation[];

beforeAll(async () => {
  key = await createSigningKey("k1");
  fake = await startFakeIssuer([key]);
  keys = new JwksCache();
  expectations = buildExpectations({ outputs: stackOutputs(fake) });
});
afterAll(() => fake.close());

/** Rejected by every component, each with at least one error that says why. */
function expectRejectedEverywhere(report: VerificationReport): void {
  expect(report.accepted).toBe(false);
  for (const component of report.components) {
    expect(component.verdict).toBe("rejected");
    expect(component.findings.filter((f) => f.severity === "error").length).toBeGreaterThan(0);
    for (const f of component.findings) expect(f.message.length).toBeGreaterThan(0);
  }
}

describe("inputs that are not tokens", () => {
  const fixed: [string, string][] = [
    ["empty", ""],
    ["whitespace", " \n\t "],
    ["a bare Bearer prefix", "Bearer "],
    ["two dots", ".."],
    ["three empty parts' worth of dots", "..."],
    ["a JWT-looking header and nothing valid", "eyJ.eyJ.x"],
    ["a header that decodes to a JSON array", "WzFd.e30.c2ln"],
    ["a huge run of letters", "a".repeat(10_000_000)],
    ["a huge run of dots", ".".repeat(1_000_000)],
    ["a huge three-part string", `eyJ${"A".repeat(300_000)}.eyJ${"B".repeat(300_000)}.sig`],
    ["control characters", "\u0000\u0001\u0002\u001b[31m"],
    ["a JSON object instead of a token", '{"iss":"https://acme.okta.com/oauth2/default"}'],
  ];
  for (const [what, input] of fixed) {
    it(`rejects ${what}`, async () => {
      expectRejectedEverywhere(await verifyAccessToken(input, expectations, keys));
    });
  }

  it("rejects a value that is not a string at all", async () => {
    expectRejectedEverywhere(await verifyAccessToken(undefined as unknown as string, expectations, keys));
  });

  it("never throws and never accepts random strings", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary", maxLength: 400 }), async (input) => {
        expectRejectedEverywhere(await verifyAccessToken(input, expectations, keys));
      }),
      { numRuns: 300 },
    );
  });

  it("never throws and never accepts random bytes read as text", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2_000 }), async (bytes) => {
        const input = Buffer.from(bytes).toString("latin1");
        expectRejectedEverywhere(await verifyAccessToken(input, expectations, keys));
      }),
      { numRuns: 200 },
    );
  });

  it("never throws and never accepts three random base64url parts", async () => {
    const part = fc.base64String({ maxLength: 200 }).map((s) => s.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""));
    await fc.assert(
      fc.asyncProperty(part, part, part, async (h, p, s) => {
        expectRejectedEverywhere(await verifyAccessToken(`${h}.${p}.${s}`, expectations, keys));
      }),
      { numRuns: 200 },
    );
  });
});

describe("altered tokens", () => {
  it("never accepts a token with one character of its header or payload changed", async () => {
    const genuine = await sign(key, accessTokenClaims(fake.issuer, { aud: DEFAULT_AUDIENCES.enterpriseManager }));
    const signedPartLength = genuine.lastIndexOf(".");
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: signedPartLength - 1 }), fc.constantFrom(...alphabet), async (index, replacement) => {
        fc.pre(genuine[index] !== "." && genuine[index] !== replacement);
        const altered = genuine.slice(0, index) + replacement + genuine.slice(index + 1);
        const report = await verifyAccessToken(altered, expectations, keys);
        expect(report.components.every((c) => c.verdict === "rejected")).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe("signed tokens with arbitrary claims", () => {
  it("are accepted by the Enterprise Manager exactly when iss, aud, scp, exp and nbf say so", async () => {
    const now = nowSeconds();
    const emOnly = expectations.filter((e) => e.component === "enterprise-manager");
    const claim = <T>(valid: fc.Arbitrary<T>) => fc.option(fc.oneof(valid, fc.jsonValue()), { nil: undefined });
    const claimsArbitrary = fc.record({
      iss: claim(fc.constantFrom(fake.issuer, `${fake.issuer}/`, fake.origin)),
      aud: claim(fc.constantFrom("enterprise-manager", ["enterprise-manager"], "api://enterprise-manager", ["cloud-ui", "enterprise-manager"], [])),
      scp: claim(fc.constantFrom([REQUIRED_SCOPE], ["openid"], `openid ${REQUIRED_SCOPE}`, [REQUIRED_SCOPE, 1])),
      exp: claim(fc.integer({ min: now - 7200, max: now + 7200 })),
      nbf: claim(fc.integer({ min: now - 7200, max: now + 7200 })),
    });

    await fc.assert(
      fc.asyncProperty(claimsArbitrary, async (raw) => {
        const claims = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
        const report = await verifyAccessToken(await sign(key, claims), emOnly, keys, { now, clockSkewSeconds: 60 });

        const aud: unknown = raw.aud;
        const scp: unknown = raw.scp;
        const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === "string");
        const audOk = aud === "enterprise-manager" || (isStrings(aud) && aud.includes("enterprise-manager"));
        const scopes = typeof scp === "string" ? scp.split(" ") : scp;
        const scpOk = isStrings(scopes) && scopes.includes(REQUIRED_SCOPE);
        const expOk = typeof raw.exp === "number" && now - 60 < raw.exp;
        const nbfOk = raw.nbf === undefined || (typeof raw.nbf === "number" && raw.nbf <= now + 60);
        const expected = raw.iss === fake.issuer && audOk && scpOk && expOk && nbfOk;

        expect(report.components[0]?.verdict).toBe(expected ? "accepted" : "rejected");
      }),
      { numRuns: 150 },
    );
  });
});

describe("parseToken", () => {
  it("strips a Bearer prefix and whitespace, and nothing else", () => {
    expect(parseToken("  Bearer  aaaa.bbbb.cccc \n").compact).toBeUndefined();
    expect(parseToken("bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln").compact).toBe("eyJhbGciOiJSUzI1NiJ9.e30.c2ln");
  });
});
