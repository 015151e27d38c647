// @ts-check
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// `npm run test:engine`: the real `pulumi` CLI, language host and Okta
// provider against okta-local orgs. Its files end in .engine.ts so neither
// `npm test` nor `npm run test:e2e` picks them up. Each CLI command starts the
// language host and a provider, so two files at a time suit two cores.
export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: {
    include: ["test/engine/**/*.engine.ts"],
    globalSetup: ["test/engine/support/globalSetup.ts"],
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 15 * 60_000,
    hookTimeout: 15 * 60_000,
  },
});
