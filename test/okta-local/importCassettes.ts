/**
 * Copies the cassettes test/fixtures/vcr/manifest.yaml lists out of a clone of
 * terraform-provider-okta at the manifest's commit, keeping of each recorded
 * exchange only what the conformance suite reads: the request's method, URL
 * and body, and the answer's status code and body without its `_links`
 * (headers, durations and protocol details are dropped). Every exchange is
 * kept, in order.
 *
 *   npx tsx test/okta-local/importCassettes.ts <terraform-provider-okta git dir or clone>
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parse, stringify } from "yaml";
import { z } from "zod";
import { CASSETTE_DIR, readManifest } from "./vcrFixtures";

const interactionSchema = z.object({
  id: z.number().int(),
  request: z.object({ method: z.string(), url: z.string(), body: z.string().default("") }),
  response: z.object({ code: z.number().int(), body: z.string().default("") }),
});

/**
 * An answer without its `_links` (the suite never compares them), re-serialised
 * compactly as Okta sent it; a body that is not JSON stays as recorded.
 */
function withoutLinks(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body;
  }
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value === null || typeof value !== "object") return value;
    return Object.fromEntries(Object.entries(value).filter(([key]) => key !== "_links").map(([key, v]) => [key, strip(v)]));
  };
  return JSON.stringify(strip(parsed));
}

export function pruneCassette(text: string): string {
  const { interactions } = z.object({ version: z.number().int(), interactions: z.array(interactionSchema) }).parse(parse(text));
  return stringify(
    {
      version: 2,
      interactions: interactions.map((i) => ({
        id: i.id,
        request: { method: i.request.method, url: i.request.url, body: i.request.body },
        response: { code: i.response.code, body: withoutLinks(i.response.body) },
      })),
    },
    { lineWidth: 0 },
  );
}

function main(gitDir: string | undefined): void {
  if (!gitDir) throw new Error("usage: npx tsx test/okta-local/importCassettes.ts <terraform-provider-okta git dir or clone>");
  const manifest = readManifest();
  for (const cassette of manifest.cassettes) {
    const source = `${manifest.path}/${cassette}`;
    const text = execFileSync("git", ["-C", gitDir, "show", `${manifest.commit}:${source}`], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    const target = join(CASSETTE_DIR, cassette);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, `# ${manifest.repository} ${source} at ${manifest.commit} (MPL-2.0, see test/fixtures/vcr/README.md)\n${pruneCassette(text)}`);
    process.stdout.write(`${cassette}\n`);
  }
}

if (require.main === module) main(process.argv[2]);
