import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Pulumi's runtime keeps global state (mocks, config, the resource
    // monitor): isolate every test file in its own process.
    pool: "forks",
    testTimeout: 60_000,
  },
});
