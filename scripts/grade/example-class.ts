// A class of five to try `npm run grade` on (and the one its closing note was measured on):
//
//   npx tsx scripts/grade/example-class.ts /tmp/class && npm run grade -- /tmp/class
//
// alice, bob  copies of solutions/: every kata solved
// carol       known-wrong answers swapped in for 02, 08 and 13 (solutions/NN/wrong/)
// dave        04's Semaphore.acquire() never returns: an endless loop in a worker thread
// erin        02's Lock.acquire() ends its worker thread (process.exit), and 06's Condition.wait()
//             kills the whole test process (SIGKILL): the grader must go on with erin's other katas

import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { catalogue } from "../../katas/catalogue.ts";
import { repositoryRoot } from "../../harness/engine/under-test.ts";
import { knownWrongAnswers } from "../known-wrong.ts";

const folder = path.resolve(process.argv[2] ?? "");
if (!process.argv[2] || existsSync(folder)) {
  console.error("usage: npx tsx scripts/grade/example-class.ts <new folder>");
  process.exit(2);
}

function learner(name: string): string {
  const tree = path.join(folder, name);
  cpSync(path.join(repositoryRoot, "solutions"), tree, {
    recursive: true,
    filter: (source) => !/[/\\](wrong|right)$/.test(source),
  });
  return tree;
}

/** Puts a statement at the top of a method's body in the learner's copy of a kata file. */
function inject(tree: string, file: string, method: string, statement: string): void {
  const target = path.join(tree, file);
  const text = readFileSync(target, "utf8");
  const at = new RegExp(`^([ \\t]+)${method}\\([^)]*\\)[^{]*\\{\\n`, "m").exec(text);
  if (!at) throw new Error(`no ${method}() in ${file}`);
  const end = at.index + at[0].length;
  writeFileSync(target, `${text.slice(0, end)}${at[1]}  ${statement}\n${text.slice(end)}`);
}

learner("alice");
learner("bob");

const carol = learner("carol");
for (const [slug, bug] of [
  ["02-lock", "check-then-set"],
  ["08-queue", "if-not-while"],
  ["13-executor", "worker-per-task"],
] as const) {
  const answer = knownWrongAnswers(catalogue.find((kata) => kata.slug === slug)!).find((wrong) => wrong.name === bug)!;
  cpSync(path.resolve(repositoryRoot, answer.file), path.join(carol, slug, answer.replaces));
}

const dave = learner("dave");
inject(dave, "04-semaphore/semaphore.ts", "acquire", "for (;;);");

const erin = learner("erin");
inject(erin, "02-lock/lock.ts", "acquire", "process.exit(1);");
inject(erin, "06-condition/condition.ts", "wait", 'process.kill(process.pid, "SIGKILL");');

console.log(`a class of five in ${folder}: npm run grade -- ${process.argv[2]}`);
