/**
 * docs/verify-token.md is the operator's table of failures: it must explain
 * every reason code the verifier can emit, and no code it cannot.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ReasonCode } from "../../tools/verify-token";

const doc = readFileSync(join(__dirname, "..", "..", "docs", "verify-token.md"), "utf8");
const tableCodes = [...doc.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]);

describe("docs/verify-token.md", () => {
  it("has one failure-table row per reason code, and only those", () => {
    expect([...tableCodes].sort()).toEqual(Object.values(ReasonCode).sort());
  });

  it("links to the measured benchmark, which docs/performance.md carries", () => {
    const performance = readFileSync(join(__dirname, "..", "..", "docs", "performance.md"), "utf8");
    expect(doc).toContain("performance.md");
    expect(performance).not.toContain("BENCHMARK_RESULTS");
    // rounds | load | ours (tokens/s) | @okta/jwt-verifier (tokens/s) | ratio
    expect(performance).toMatch(/\| \d+ \| [^|]+ \| [\d,]+ \| [\d,]+ \| \d+\.\d\d \|/);
  });
});
