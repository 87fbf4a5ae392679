// The formatting check, for the self-check's format row and for the new kata it adds in a copy.
import { spawnSync } from "node:child_process";
import path from "node:path";

/**
 * The code files under `paths` that prettier would change, as `npm run format` would format them in
 * `root` (its .prettierrc.json, and its .prettierignore to say which files are code). A prettier
 * that could not run is one line saying why.
 */
export function unformattedFiles(root: string, paths: string[] = ["."]): string[] {
  const prettier = spawnSync(
    process.execPath,
    [path.join(root, "node_modules", "prettier", "bin", "prettier.cjs"), "--list-different", ...paths],
    { cwd: root, encoding: "utf8" },
  );
  const files = prettier.stdout.split("\n").filter(Boolean);
  if (prettier.status !== 0 && files.length === 0) return [`prettier failed: ${prettier.stderr.split("\n")[0]}`];
  return files;
}
