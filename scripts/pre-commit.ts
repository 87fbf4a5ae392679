// The pre-commit hook's check: see .husky/pre-commit.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { repositoryRoot } from "../harness/engine/under-test.ts";

const tsc = spawnSync(
  process.execPath,
  [path.join(repositoryRoot, "node_modules", "typescript", "bin", "tsc"), "--pretty", "false"],
  {
    cwd: repositoryRoot,
    encoding: "utf8",
  },
);
const errors = tsc.stdout.split("\n").filter((line) => / error TS\d+:/.test(line));
const inKatas = errors.filter((line) => line.startsWith("katas/"));
const elsewhere = errors.filter((line) => !line.startsWith("katas/"));
if (inKatas.length > 0) {
  console.log(`note: ${inKatas.length} type error(s) in katas/ (not blocking the commit):\n${inKatas.join("\n")}`);
}
if (elsewhere.length > 0) {
  console.error(`type errors outside katas/ stop the commit:\n${elsewhere.join("\n")}`);
  process.exit(1);
}
