/**
 * The key cache: one per key set, shared by the components that trust the
 * same issuer, loaded once, re-loaded when stale, read from a file too.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportJWK } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { JwksCache, KeySourceError, buildExpectations, verifyAccessToken } from "../../tools/verify-token";
import { accessTokenClaims, createSigningKey, sign, stackOutputs, startFakeIssuer, type FakeIssuer, type SigningKey } from "./fake-issuer";

let fake: FakeIssuer;
let key1: SigningKey;
let key2: SigningKey;
let dir: string;

beforeAll(async () => {
  [key1, key2] = await Promise.all([createSigningKey("k1"), createSigningKey("k2")]);
  fake = await startFakeIssuer([key1]);
  dir = mkdtempSync(join(tmpdir(), "verify-token-keys-"));
});
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => fake.publish([key1]));

describe("one cache per key set", () => {
  it("fetches the key set once for many tokens and all three components of a single-mode stack", async () => {
    const keys = new JwksCache();
    const expectations = buildExpectations({ outputs: stackOutputs(fake) });
    const before = fake.requests.jwks;

    for (let i = 0; i < 20; i++) {
      const report = await verifyAccessToken(await sign(key1, accessTokenClaims(fake.issuer, { jti: `t${i}` })), expectations, keys);
      expect(report.components.find((c) => c.component === "enterprise-manager")?.verdict).toBe("accepted");
    }
    expect(fake.requests.jwks).toBe(before + 1);
  });

  it("shares one load between concurrent verifications on a cold cache", async () => {
    const keys = new JwksCache();
    const expectations = buildExpectations({ issuer: fake.issuer }, ["enterprise-manager"]);
    const tokens = await Promise.all(Array.from({ length: 10 }, (_, i) => sign(key1, accessTokenClaims(fake.issuer, { jti: `c${i}` }))));
    const before = { ...fake.requests };

    const reports = await Promise.all(tokens.map((t) => verifyAccessToken(t, expectations, keys)));

    expect(reports.every((r) => r.accepted)).toBe(true);
    expect(fake.requests.discovery).toBe(before.discovery + 1);
    expect(fake.requests.jwks).toBe(before.jwks + 1);
  });

  it("does not re-fetch a key set it has just loaded for a token whose kid it lacks", async () => {
    const keys = new JwksCache({ unknownKidCooldownMs: 0 });
    const before = fake.requests.jwks;
    const report = await verifyAccessToken(
      await sign(key2, accessTokenClaims(fake.issuer)),
      buildExpectations({ outputs: stackOutputs(fake) }, ["enterprise-manager"]),
      keys,
    );
    expect(report.components[0]?.findings.map((f) => f.code)).toEqual(["unknown_kid"]);
    expect(fake.requests.jwks).toBe(before + 1);
  });

  it("loads the key set again once it is older than maxAge, dropping rotated-out keys", async () => {
    let clock = 1_000_000;
    const keys = new JwksCache({ maxAgeMs: 60_000, clock: () => clock });
    const expectations = buildExpectations({ outputs: stackOutputs(fake) }, ["enterprise-manager"]);
    const oldKeyToken = await sign(key1, accessTokenClaims(fake.issuer));
    expect((await verifyAccessToken(oldKeyToken, expectations, keys)).accepted).toBe(true);

    fake.publish([key2]);
    clock += 30_000;
    expect((await verifyAccessToken(oldKeyToken, expectations, keys)).accepted).toBe(true);
    clock += 31_000;
    const report = await verifyAccessToken(oldKeyToken, expectations, keys);
    expect(report.components[0]?.findings.map((f) => f.code)).toEqual(["unknown_kid"]);
  });
});

describe("key set from a file", () => {
  it("verifies against a JWKS file given with --jwks-file", async () => {
    const file = join(dir, "keys.json");
    writeFileSync(file, JSON.stringify({ keys: [key1.publicJwk] }));
    const before = fake.requests.jwks;
    const report = await verifyAccessToken(
      await sign(key1, accessTokenClaims(fake.issuer)),
      buildExpectations({ issuer: fake.issuer, jwks: { kind: "file", path: file } }, ["enterprise-manager"]),
      new JwksCache(),
    );
    expect(report.accepted).toBe(true);
    expect(fake.requests.jwks).toBe(before);
  });

  it("names the file when it cannot be read or is not JSON", async () => {
    const notJson = join(dir, "keys.txt");
    writeFileSync(notJson, "-----BEGIN PUBLIC KEY-----");
    const cache = new JwksCache();
    const header = { alg: "RS256" as const, kid: "k1" };
    await expect(cache.keySetFor({ kind: "file", path: join(dir, "missing.json") }).getKey(header, { payload: "", signature: "" })).rejects.toMatchObject({
      code: "jwks_unreachable",
      message: expect.stringContaining("missing.json") as unknown,
    });
    await expect(cache.keySetFor({ kind: "file", path: notJson }).getKey(header, { payload: "", signature: "" })).rejects.toBeInstanceOf(KeySourceError);
  });

  it("refuses a key set holding a private key", async () => {
    const file = join(dir, "private.json");
    writeFileSync(file, JSON.stringify({ keys: [{ ...(await exportJWK(key1.privateKey)), kid: "k1", alg: "RS256" }] }));
    const report = await verifyAccessToken(
      await sign(key1, accessTokenClaims(fake.issuer)),
      buildExpectations({ issuer: fake.issuer, jwks: { kind: "file", path: file } }, ["enterprise-manager"]),
      new JwksCache(),
    );
    expect(report.components[0]?.findings.map((f) => f.code)).toEqual(["jwks_invalid"]);
  });
});
