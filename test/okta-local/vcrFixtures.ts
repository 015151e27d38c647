/**
 * The recorded Okta exchanges kept as fixtures (test/fixtures/vcr/): the
 * manifest that names them and their origin, and the cassettes themselves.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { readCassette, type RecordedExchange } from "./vcrReplay";

export const FIXTURE_DIR = join(__dirname, "..", "fixtures", "vcr");
/** Cassettes keep the provider's layout: `idaas/<test name>/<org>.yaml`. */
export const CASSETTE_DIR = join(FIXTURE_DIR, "idaas");

const manifestSchema = z.object({
  repository: z.string().url(),
  commit: z.string().regex(/^[0-9a-f]{40}$/, "a full commit hash"),
  path: z.string().min(1),
  cassettes: z.array(z.string().regex(/^[A-Za-z0-9_]+\/[a-z0-9-]+\.yaml$/, "<test name>/<org>.yaml")).min(1),
});
export type Manifest = z.infer<typeof manifestSchema>;

export function readManifest(): Manifest {
  return manifestSchema.parse(parse(readFileSync(join(FIXTURE_DIR, "manifest.yaml"), "utf8")));
}

export interface Cassette {
  /** `<test name>/<org>.yaml`, as the manifest names it. */
  name: string;
  exchanges: RecordedExchange[];
}

export function readCassettes(manifest: Manifest = readManifest()): Cassette[] {
  return manifest.cassettes.map((name) => ({ name, exchanges: readCassette(readFileSync(join(CASSETTE_DIR, name), "utf8")) }));
}
