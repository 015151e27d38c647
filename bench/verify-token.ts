/**
 * npm run bench:verify-token [-- --tokens 10000 --rounds 7]
 *
 * The performance bar: verifying distinct tokens with a warm key cache
 * is at least as fast as @okta/jwt-verifier on the same tokens against the
 * same JWKS, measured side by side in one run. Both verifiers get the same
 * work (signature, iss, aud, exp and the toolhive:config:read scope), are
 * called the same way (one token at a time, awaited), fetch the same key set
 * from a local issuer, and are warmed before timing.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import OktaJwtVerifier from "@okta/jwt-verifier";
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from "jose";
import { OIDC_DISCOVERY_PATH, OKTA_JWKS_PATH, REQUIRED_SCOPE } from "../components/facts";
import { DEFAULT_AUDIENCES } from "../components/platform";
import { JwksCache, buildExpectations, verifyAccessToken } from "../tools/verify-token";
import { median } from "./stats";

const { values } = parseArgs({
  options: { tokens: { type: "string", default: "10000" }, rounds: { type: "string", default: "7" } },
});
const tokenCount = Number(values.tokens);
const rounds = Number(values.rounds);
const BLOCK = 500;
if (!Number.isInteger(tokenCount) || tokenCount < 1 || !Number.isInteger(rounds) || rounds < 1) {
  throw new Error(`--tokens and --rounds must be positive integers (got ${values.tokens}, ${values.rounds})`);
}

async function main(): Promise<void> {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: "bench-k1", alg: "RS256", use: "sig" }] };

  const issuerPath = "/oauth2/default";
  let jwksRequests = 0;
  const server = createServer((request, response) => {
    response.setHeader("content-type", "application/json");
    if (request.url === issuerPath + OKTA_JWKS_PATH) {
      jwksRequests += 1;
      response.end(JSON.stringify(jwks));
    } else if (request.url === issuerPath + OIDC_DISCOVERY_PATH) {
      response.end(JSON.stringify({ issuer, jwks_uri: issuer + OKTA_JWKS_PATH }));
    } else {
      response.statusCode = 404;
      response.end("{}");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}${issuerPath}`;

  process.stdout.write(`Signing ${tokenCount} distinct tokens... `);
  const tokens = await signTokens(issuer, privateKey, tokenCount);
  process.stdout.write("done\n");

  const expectations = buildExpectations(
    {
      outputs: {
        enterpriseManager: {
          issuer,
          audience: DEFAULT_AUDIENCES.enterpriseManager,
          requiredScope: REQUIRED_SCOPE,
          jwksUri: issuer + OKTA_JWKS_PATH,
        },
      },
    },
    ["enterprise-manager"],
  );
  const keys = new JwksCache();
  const ours = async (token: string) => {
    const report = await verifyAccessToken(token, expectations, keys);
    if (!report.accepted) throw new Error(`ours rejected a valid token: ${JSON.stringify(report.components[0]?.findings)}`);
  };

  const okta = new OktaJwtVerifier({
    issuer,
    // The local issuer is plain http; the verifier refuses that without this.
    testing: { disableHttpsCheck: true },
    assertClaims: { "scp.includes": [REQUIRED_SCOPE] },
  });
  const theirs = async (token: string) => {
    await okta.verifyAccessToken(token, DEFAULT_AUDIENCES.enterpriseManager);
  };

  // Warm both key caches and both JITs on tokens outside the timed set's order.
  const warmup = tokens.slice(0, Math.min(1000, tokens.length));
  for (const token of warmup) await ours(token);
  for (const token of warmup) await theirs(token);
  const fetchesAfterWarmup = jwksRequests;

  // Each round runs every token through both verifiers, in blocks that
  // alternate which goes first, so that load from elsewhere on the machine
  // falls on both alike.
  const rates = { ours: [] as number[], okta: [] as number[] };
  for (let round = 1; round <= rounds; round++) {
    const elapsed = { ours: 0n, okta: 0n };
    for (let start = 0, block = 0; start < tokens.length; start += BLOCK, block++) {
      const slice = tokens.slice(start, start + BLOCK);
      const order: (keyof typeof elapsed)[] = (round + block) % 2 === 0 ? ["ours", "okta"] : ["okta", "ours"];
      for (const name of order) {
        const verify = name === "ours" ? ours : theirs;
        const started = process.hrtime.bigint();
        for (const token of slice) await verify(token);
        elapsed[name] += process.hrtime.bigint() - started;
      }
    }
    rates.ours.push(tokenCount / (Number(elapsed.ours) / 1e9));
    rates.okta.push(tokenCount / (Number(elapsed.okta) / 1e9));
    process.stdout.write(`round ${round}: ours ${fmt(rates.ours.at(-1))}/s, okta ${fmt(rates.okta.at(-1))}/s\n`);
  }
  server.close();

  if (jwksRequests !== fetchesAfterWarmup) {
    throw new Error(`the key set was fetched ${jwksRequests - fetchesAfterWarmup} times while timing; caches were not warm`);
  }
  const oursMedian = median(rates.ours);
  const oktaMedian = median(rates.okta);
  const cpu = cpus();
  console.log("");
  const load = loadavg().map((l) => l.toFixed(2)).join(", ");
  console.log(`machine: ${cpu.length} cores (${cpu[0]?.model.trim() ?? "unknown"}), Node ${process.version}, load average ${load}`);
  console.log(`tokens: ${tokenCount} distinct RS256 tokens, one key; rounds: ${rounds}; key set fetched ${jwksRequests} times in all (${jwksRequests} during warm-up)`);
  console.log("");
  console.log("| verifier | median tokens/s |");
  console.log("|---|---|");
  console.log(`| verify-token (jose) | ${fmt(oursMedian)} |`);
  console.log(`| @okta/jwt-verifier | ${fmt(oktaMedian)} |`);
  console.log(`| ratio ours/okta | ${(oursMedian / oktaMedian).toFixed(2)} |`);
  if (oursMedian < oktaMedian) process.exitCode = 1;
}

async function signTokens(issuer: string, privateKey: CryptoKey, count: number): Promise<string[]> {
  const now = Math.floor(Date.now() / 1000);
  const tokens: string[] = [];
  // WebCrypto signs off the main thread: batches keep both cores busy.
  for (let start = 0; start < count; start += 200) {
    const batch = Array.from({ length: Math.min(200, count - start) }, (_, offset) => {
      const i = start + offset;
      return new SignJWT({
        ver: 1,
        jti: `AT.bench-${i}`,
        cid: "0oa1clinative",
        uid: `00u${i}`,
        scp: ["openid", "profile", REQUIRED_SCOPE],
        groups: ["Everyone"],
      })
        .setProtectedHeader({ alg: "RS256", kid: "bench-k1" })
        .setIssuer(issuer)
        .setAudience(DEFAULT_AUDIENCES.enterpriseManager)
        .setSubject(`user${i}@example.com`)
        .setIssuedAt(now)
        .setExpirationTime(now + 3600)
        .sign(privateKey);
    });
    tokens.push(...(await Promise.all(batch)));
  }
  return tokens;
}


function fmt(rate: number | undefined): string {
  return rate === undefined ? "-" : Math.round(rate).toLocaleString("en-US");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
