// @ts-check
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// `npm run test:e2e`: the program applied to okta-local, users signing in, the
// components' checks on real tokens. Its files end in .e2e.ts so the main
// suite (test/**/*.test.ts) never picks them up and `npm test` stays fast.
export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: {
    include: ["test/e2e/**/*.e2e.ts"],
    pool: "forks",
    // Each apply runs the program in a child process of its own; two test files at a time suit two cores.
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
