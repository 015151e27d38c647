/**
 * The command an operator runs: arguments, standard input, exit status,
 * text and JSON output, and what it must never print.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT, runVerifyTokenCommand, type CommandIo, type VerificationReport } from "../../tools/verify-token";
import {
  accessTokenClaims,
  createSigningKey,
  printedStackOutputs,
  sign,
  stackOutputs,
  startFakeIssuer,
  type FakeIssuer,
  type SigningKey,
} from "./fake-issuer";

let fake: FakeIssuer;
let key: SigningKey;
let dir: string;
let outputsFile: string;
let emToken: string;

beforeAll(async () => {
  key = await createSigningKey("k1");
  fake = await startFakeIssuer([key]);
  dir = mkdtempSync(join(tmpdir(), "verify-token-"));
  outputsFile = join(dir, "outputs.json");
  writeFileSync(outputsFile, JSON.stringify(stackOutputs(fake)));
  emToken = await sign(key, accessTokenClaims(fake.issuer));
});
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Standard input is piped text, or a terminal (`{ tty: true }`). */
async function run(argv: string[], stdin: string | { tty: true } = ""): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const input: CommandIo["stdin"] = typeof stdin === "string" ? Readable.from([stdin]) : Object.assign(Readable.from([]), { isTTY: true });
  const code = await runVerifyTokenCommand(argv, {
    stdin: input,
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  return { code, stdout, stderr };
}

describe("verdict and exit status", () => {
  it("exits 0 when the one component asked about accepts the token", async () => {
    const result = await run(["--outputs", outputsFile, "--component", "enterprise-manager", emToken]);

    expect(result.code).toBe(EXIT.accepted);
    expect(result.stdout).toContain("Enterprise Manager: accepted");
    expect(result.stdout).not.toContain("Cloud UI");
    expect(result.stdout).toContain("Result: accepted by every component checked.");
  });

  it("exits 1 when any component asked about rejects it, and names the reason", async () => {
    const result = await run(["--outputs", outputsFile, emToken]);

    expect(result.code).toBe(EXIT.rejected);
    expect(result.stdout).toContain("Cloud UI: REJECTED");
    expect(result.stdout).toContain("error audience_mismatch");
    expect(result.stdout).toContain("Result: rejected by Cloud UI.");
  });

  it("reads the token from standard input, Bearer prefix and line breaks included", async () => {
    const pasted = `Bearer ${emToken.slice(0, 40)}\n${emToken.slice(40)}\n`;
    const result = await run(["--outputs", outputsFile, "--component", "enterprise-manager"], pasted);
    expect(result.code).toBe(EXIT.accepted);
  });

  it("takes the expected values from flags alone, finding the keys by discovery", async () => {
    const result = await run(["--issuer", fake.issuer, "--component", "enterprise-manager", "--component", "registry-server"], emToken);
    expect(result.code).toBe(EXIT.accepted);
    expect(result.stdout).toContain("Registry Server: accepted (provider cli-desktop)");
  });

  it("lets --audience and --scope replace the outputs' values", async () => {
    const token = await sign(key, accessTokenClaims(fake.issuer, { aud: "api://stacklok", scp: ["openid", "stacklok:read"] }));
    const accepted = await run(["--outputs", outputsFile, "--component", "enterprise-manager", "--audience", "api://stacklok", "--scope", "stacklok:read", token]);
    const rejected = await run(["--outputs", outputsFile, "--component", "enterprise-manager", token]);

    expect(accepted.code).toBe(EXIT.accepted);
    expect(rejected.code).toBe(EXIT.rejected);
  });

  it("exits 0 with a warning for a token that carries several components' audiences", async () => {
    const token = await sign(key, accessTokenClaims(fake.issuer, { aud: ["enterprise-manager", "cloud-ui"] }));
    const result = await run(["--outputs", outputsFile, token]);

    expect(result.code).toBe(EXIT.accepted);
    expect(result.stdout).toContain("Enterprise Manager: accepted");
    expect(result.stdout).toContain("  warning audience_multiple: aud holds 2 values");
    expect(result.stdout).toContain("Result: accepted by every component checked.");
  });

  it("exits 1 with a reason for garbage on standard input", async () => {
    const result = await run(["--outputs", outputsFile], "\u0000\u00ff not a token \u2603");
    expect(result.code).toBe(EXIT.rejected);
    expect(result.stdout).toContain("Token: not a token");
    expect(result.stdout).toContain("error not_jwt");
  });
});

describe("outputs from `pulumi stack output --json` (no --show-secrets)", () => {
  it("checks the Cloud UI from the registry's provider and says so", async () => {
    const printedFile = join(dir, "outputs-printed.json");
    writeFileSync(printedFile, JSON.stringify(printedStackOutputs(fake)));
    const cloudUiToken = await sign(key, accessTokenClaims(fake.issuer, { aud: "cloud-ui", scp: ["openid", "email"] }));
    const result = await run(["--outputs", printedFile, "--component", "cloud-ui", "--component", "registry-server", cloudUiToken]);

    expect(result.code).toBe(EXIT.accepted);
    expect(result.stdout).toContain("Cloud UI: accepted");
    expect(result.stdout).toContain('  expected values from registryServer.providers "cloud-ui" (the cloudUi output is secret');
  });
});

describe("--json", () => {
  it("prints the whole report as JSON", async () => {
    const result = await run(["--outputs", outputsFile, "--json", emToken]);
    const report = JSON.parse(result.stdout) as VerificationReport;

    expect(result.code).toBe(EXIT.rejected);
    expect(report.accepted).toBe(false);
    expect(report.components.map((c) => [c.component, c.verdict])).toEqual([
      ["enterprise-manager", "accepted"],
      ["cloud-ui", "rejected"],
      ["registry-server", "accepted"],
    ]);
    expect(report.components[1]?.findings[0]).toMatchObject({ code: "audience_mismatch", severity: "error", claim: "aud" });
    expect(report.token.claims.iss).toBe(fake.issuer);
  });
});

describe("what is never printed", () => {
  it("prints neither the Cloud UI client secret nor the token, in text or JSON", async () => {
    for (const flags of [[], ["--json"]]) {
      const result = await run(["--outputs", outputsFile, ...flags], emToken);
      const printed = result.stdout + result.stderr;
      expect(printed).not.toContain("cloud-ui-client-secret-do-not-print");
      expect(printed).not.toContain(emToken);
      expect(printed).not.toContain(emToken.split(".")[2]);
    }
  });
});

describe("crafted claims", () => {
  it("cannot put control characters on the operator's terminal", async () => {
    const token = await sign(key, accessTokenClaims(`${fake.issuer}\u001b[2J`, { groups: ["\u001b]0;owned\u0007", "ok"] }));
    const result = await run(["--outputs", outputsFile, "--component", "enterprise-manager", token]);

    expect(result.code).toBe(EXIT.rejected);
    const controlCharacters = [...result.stdout].filter((c) => c !== "\n" && c.charCodeAt(0) < 0x20);
    expect(controlCharacters).toEqual([]);
    expect(result.stdout).toContain("\\u001b[2J");
  });
});

describe("usage errors exit 2 with a message naming the problem", () => {
  const cases: [string, string[], string][] = [
    ["an unknown flag", ["--issuer", "https://example.okta.com/oauth2/default", "--audiance", "x"], "--audiance"],
    ["an unknown component", ["--issuer", "https://example.okta.com/oauth2/default", "--component", "cloudui"], 'not a component; expected one of enterprise-manager, cloud-ui, registry-server'],
    ["a bad clock skew", ["--issuer", "https://example.okta.com/oauth2/default", "--clock-skew", "1m"], '--clock-skew "1m" is not a whole number of seconds'],
    ["an issuer that is not a URL", ["--issuer", "example.okta.com"], '--issuer "example.okta.com" is not an http(s) URL'],
    ["no expected values", [], "no expected values"],
    ["a missing outputs file", ["--outputs", "/nonexistent/outputs.json"], "cannot read the outputs file /nonexistent/outputs.json"],
    ["both key flags", ["--issuer", "https://example.okta.com/oauth2/default", "--jwks-uri", "https://a/keys", "--jwks-file", "keys.json"], "not both"],
  ];
  for (const [what, argv, message] of cases) {
    it(`rejects ${what}`, async () => {
      const result = await run([...argv, "token-is-irrelevant-here"]);
      expect(result.code).toBe(EXIT.usage);
      expect(result.stderr).toContain(message);
      expect(result.stdout).toBe("");
    });
  }

  it("rejects an outputs file that is not JSON", async () => {
    const notJson = join(dir, "outputs.txt");
    writeFileSync(notJson, "enterpriseManager: {}");
    const result = await run(["--outputs", notJson, emToken]);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toContain("is not JSON");
  });

  it("asks for a token when standard input is a terminal", async () => {
    const result = await run(["--outputs", outputsFile], { tty: true });
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toContain("no token");
  });
});

describe("npm run verify-token (the real entry point)", () => {
  it("runs under tsx, reads standard input and sets the exit status", async () => {
    const child = spawn(join(process.cwd(), "node_modules", ".bin", "tsx"), ["tools/verify-token/cli.ts", "--outputs", outputsFile, "--component", "cloud-ui"], {
      cwd: process.cwd(),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stdin.end(emToken);
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));

    expect(code).toBe(EXIT.rejected);
    expect(stdout).toContain("Cloud UI: REJECTED");
    expect(stdout).toContain('aud is "enterprise-manager"; expected "cloud-ui"');
  });
});

describe("MCP servers (--component mcp:<name>)", () => {
  const mcpAudience = "https://mcp.example.com/github";
  let mcpOutputsFile: string;
  beforeAll(() => {
    mcpOutputsFile = join(dir, "mcp-outputs.json");
    const github = {
      issuer: fake.issuer,
      audience: mcpAudience,
      jwksUri: fake.jwksUri,
      resourceUrl: mcpAudience,
      oidcConfigRef: { name: "stacklok-dev-mcp-github", audience: mcpAudience, resourceUrl: mcpAudience },
    };
    writeFileSync(mcpOutputsFile, JSON.stringify(stackOutputs(fake, { mcpServers: { github } })));
  });

  it("accepts a token carrying the MCP server's issuer and audience", async () => {
    const token = await sign(key, accessTokenClaims(fake.issuer, { aud: mcpAudience, scp: ["openid", "offline_access"] }));
    const result = await run(["--outputs", mcpOutputsFile, "--component", "mcp:github", token]);
    expect(result.stdout).toContain("MCP server github: accepted");
    expect(result.code).toBe(EXIT.accepted);
  });

  it("rejects the Enterprise Manager's token at the MCP server for its audience", async () => {
    const result = await run(["--outputs", mcpOutputsFile, "--component", "mcp:github", emToken]);
    expect(result.code).toBe(EXIT.rejected);
    expect(result.stdout).toContain("MCP server github: REJECTED");
    expect(result.stdout).toContain("error audience_mismatch");
  });

  it("rejects a token from another issuer", async () => {
    const other = await sign(key, accessTokenClaims("https://other.example.com/oauth2/aus1", { aud: mcpAudience }));
    const result = await run(["--outputs", mcpOutputsFile, "--component", "mcp:github", other]);
    expect(result.code).toBe(EXIT.rejected);
    expect(result.stdout).toContain("error issuer_mismatch");
  });

  it("cannot check an MCP server the outputs do not list, and says so", async () => {
    const result = await run(["--outputs", mcpOutputsFile, "--component", "mcp:fetch", emToken]);
    expect(result.code).toBe(EXIT.rejected);
    expect(result.stdout).toContain("mcpServers.fetch");
  });

  it("refuses a name no MCP server can have", async () => {
    const result = await run(["--outputs", mcpOutputsFile, "--component", "mcp:GitHub", emToken]);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toContain("mcp:<name>");
  });
});
