// `npm install` runs this (the "prepare" script). It installs the contributors' git hooks with husky,
// and quietly does nothing where there is nothing to install into: in CI, outside a git checkout,
// or with `npm install --omit=dev` (where husky itself is absent and a bare `husky` would exit 127).
import { existsSync } from "node:fs";

if (process.env.CI || !existsSync(".git")) process.exit(0);
try {
  const { default: husky } = await import("husky");
  const problem = husky();
  if (problem) console.log(`git hooks not installed: ${problem}`);
} catch {
  // husky is a dev dependency: absent with --omit=dev, and then there is nothing to do.
}
