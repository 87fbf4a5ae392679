// The benchmarks' smoke test only: npx vitest run --config bench/vitest.config.ts
// (the learner's `npm test` runs the katas; speed is never asserted in a test).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: fileURLToPath(new URL("..", import.meta.url)),
    include: ["bench/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 120_000,
  },
});
