// The self-check's new-kata row: `npm run new-kata` proven on a copy of the repository. In a
// temporary folder that holds what a commit would (git ls-files, the parts the checks read) and
// node_modules by symlink, it adds the next kata, then the layout check accepts it (the layout, the
// docs, its contract table), its stub fails with NotImplementedError only and its reference passes
// (its known answers too: verify --kata on the copy, at the quick stress level: the row proves what
// new-kata writes fits together, not the placeholder suite's power, and on a busy machine the default
// level's repetitions with overlap take tens of seconds to come by), and `--remove` leaves every file
// as it was (a hash of the copy's files, before and after). The copy goes in the end, whatever happened.

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from "node:fs";
import path from "node:path";
import { removeTemporaryFolder, temporaryFolder } from "../harness/engine/temp.ts";
import { repositoryRoot } from "../harness/engine/under-test.ts";
import { unformattedFiles } from "./format-check.ts";
import { nextNumber, takenNow } from "./new-kata.ts";
import type { ReliabilityRow as Row } from "./reliability.ts";

/** What the checks in the copy read: the course, the code and the scripts, the docs and the scores, the formatter's settings. */
const needed = [
  "package.json",
  "tsconfig.json",
  "vitest.config.ts",
  ".prettierrc.json",
  ".prettierignore",
  "README.md",
  "mutation/",
  "katas/",
  "solutions/",
  "harness/",
  "toolkit/",
  "scripts/",
  "bench/",
];

/** node_modules entries not linked: the caches that runs write (bundles, vite's), so they stay in the copy. */
const unlinked = new Set([".cache", ".vite", ".vitest"]);

/** Neither hashed nor copied: the dependencies, and the run state the checks leave in the copy. */
const unhashed = new Set(["node_modules", ".threadkata"]);

/** The files a commit would hold now: tracked, or new and not ignored (so a row runs before its commit). */
function committable(): string[] {
  const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: repositoryRoot,
    encoding: "utf8",
  });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr.trim() || listed.error?.message}`);
  return listed.stdout.split("\0").filter((file) => file && existsSync(path.join(repositoryRoot, file)));
}

function makeCopy(folder: string): number {
  const files = committable().filter((file) =>
    needed.some((part) => (part.endsWith("/") ? file.startsWith(part) : file === part)),
  );
  for (const file of files) {
    mkdirSync(path.dirname(path.join(folder, file)), { recursive: true });
    cpSync(path.join(repositoryRoot, file), path.join(folder, file));
  }
  const modules = path.join(folder, "node_modules");
  mkdirSync(modules);
  for (const entry of readdirSync(path.join(repositoryRoot, "node_modules"))) {
    if (unlinked.has(entry)) continue;
    const target = path.join(repositoryRoot, "node_modules", entry);
    // A junction on Windows needs no special rights; elsewhere the type is ignored.
    symlinkSync(target, path.join(modules, entry), statSync(target).isDirectory() ? "junction" : "file");
  }
  return files.length;
}

/** Every file and folder of the copy (but node_modules and run state), with a hash of each file's bytes. */
function snapshot(folder: string): Map<string, string> {
  const entries = new Map<string, string>();
  const walk = (relative: string): void => {
    for (const entry of readdirSync(path.join(folder, relative), { withFileTypes: true })) {
      const inside = relative ? `${relative}/${entry.name}` : entry.name;
      if (!relative && unhashed.has(entry.name)) continue;
      if (entry.isDirectory()) {
        entries.set(`${inside}/`, "folder");
        walk(inside);
      } else
        entries.set(
          inside,
          createHash("sha256")
            .update(readFileSync(path.join(folder, inside)))
            .digest("hex"),
        );
    }
  };
  walk("");
  return entries;
}

function digest(entries: Map<string, string>): string {
  const hash = createHash("sha256");
  for (const [name, content] of [...entries].sort(([a], [b]) => (a < b ? -1 : 1))) hash.update(`${name}\0${content}\0`);
  return hash.digest("hex").slice(0, 16);
}

function differences(before: Map<string, string>, after: Map<string, string>): string[] {
  const changed: string[] = [];
  for (const name of after.keys()) if (!before.has(name)) changed.push(`${name} left behind`);
  for (const [name, content] of before) {
    if (!after.has(name)) changed.push(`${name} gone`);
    else if (after.get(name) !== content) changed.push(`${name} changed`);
  }
  return changed;
}

interface Step {
  ok: boolean;
  said: string;
}

/** Runs a script of the copy with tsx, as `npm run` would there. */
function tsx(folder: string, args: string[], settings: Record<string, string> = {}): Step & { ms: number } {
  const started = performance.now();
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1", ...settings };
  for (const name of ["THREADKATA_SOURCE", "THREADKATA_SWAP"]) delete env[name];
  const ran = spawnSync(process.execPath, [path.join(folder, "node_modules", "tsx", "dist", "cli.mjs"), ...args], {
    cwd: folder,
    env,
    encoding: "utf8",
    timeout: 120_000,
  });
  const said = `${ran.stdout ?? ""}${ran.stderr ?? ""}`.trim();
  const why = ran.error ? ran.error.message : ran.status !== 0 ? `exit ${ran.status ?? ran.signal}` : "";
  return { ok: ran.status === 0, said: why ? `${why}: ${said}` : said, ms: performance.now() - started };
}

/** The rows a verify run must have passed, by the start of their check and variant columns, that it did not. */
function missingRows(said: string, wanted: [check: string, variant: string][]): string[] {
  const passed = said
    .split("\n")
    .filter((line) => line.startsWith("ok "))
    .map((line) => line.slice(4).trimStart());
  return wanted
    .filter(([check, variant]) => !passed.some((line) => line.startsWith(check) && line.slice(17).startsWith(variant)))
    .map(([check, variant]) => `${check} ${variant}`.trim());
}

/** The FAIL lines of a verify run (or its last lines), on one line. */
function failures(said: string): string {
  const failed = said.split("\n").filter((line) => line.startsWith("FAIL"));
  return (failed.length ? failed : said.split("\n").slice(-3))
    .map((line) => line.replace(/\s+/g, " ").trim())
    .join(" / ");
}

export function newKataCheck(): Row {
  const started = performance.now();
  let slug = "NN-self-check";
  const row = (ok: boolean, got: string): Row => ({
    check: "new-kata",
    variant: `add ${slug}, check, --remove`,
    expected: "green, then as before",
    ok,
    got,
    ms: performance.now() - started,
  });
  let folder: string | undefined;
  try {
    folder = temporaryFolder("new-kata-");
    const copied = makeCopy(folder);
    const before = snapshot(folder);
    // The next number as the copy has it (a stray folder of the repository may not have been copied).
    const number = String(nextNumber(takenNow(folder))).padStart(2, "0");
    slug = `${number}-self-check`;

    const made = tsx(folder, ["scripts/new-kata.ts", slug, "The self-check's kata"]);
    if (!made.ok) return row(false, `new-kata failed: ${made.said.split("\n")[0]}`);
    const layout = tsx(folder, ["scripts/verify.ts", "--layout", "--kata", number]);
    const layoutMissing = missingRows(layout.said, [
      ["layout", ""],
      ["docs", ""],
      [slug, "contract table"],
    ]);
    if (!layout.ok || layoutMissing.length)
      return row(
        false,
        `the layout check refused the new kata: ${layout.ok ? `no passing row for ${layoutMissing.join(", ")}` : failures(layout.said)}`,
      );
    const unformatted = unformattedFiles(folder, [`katas/${slug}`, `solutions/${slug}`, "katas/catalogue.ts"]);
    if (unformatted.length > 0)
      return row(false, `the new kata is not formatted as npm run format would: ${unformatted.join(", ")}`);
    const suites = tsx(folder, ["scripts/verify.ts", "--skip-static", "--kata", number], {
      THREADKATA_STRESS: "quick",
    });
    const suitesMissing = missingRows(suites.said, [
      [slug, "reference"],
      [slug, "stub"],
      [slug, "right: "],
      [slug, "wrong: "],
    ]);
    if (!suites.ok || suitesMissing.length)
      return row(
        false,
        `its suite, on the stub, the reference or a known answer: ${suites.ok ? `no passing row for ${suitesMissing.join(", ")}` : failures(suites.said)}`,
      );
    const removed = tsx(folder, ["scripts/new-kata.ts", "--remove", slug]);
    if (!removed.ok) return row(false, `--remove failed: ${removed.said.split("\n")[0]}`);

    const after = snapshot(folder);
    const changed = differences(before, after);
    if (changed.length > 0)
      return row(
        false,
        `--remove left the copy different: ${changed.slice(0, 4).join(", ")}${changed.length > 4 ? ` and ${changed.length - 4} more` : ""}`,
      );
    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    return row(
      true,
      `${copied} files copied; added (${seconds(made.ms)}), layout, docs and format ok (${seconds(layout.ms)}), stub NotImplementedError, reference and known answers as expected at quick stress (${seconds(suites.ms)}), removed (${seconds(removed.ms)}): files hash ${digest(after)} as before`,
    );
  } catch (error) {
    return row(false, `${(error as Error).message.split("\n")[0]}`);
  } finally {
    if (folder) removeTemporaryFolder(folder);
  }
}
