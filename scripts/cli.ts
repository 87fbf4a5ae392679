// The command line of every npm run command (verify, bench, docs; the kata command has its own verbs):
// `--help` prints what the command does and exits 0; an option or a word the command does not know
// gets one line saying so and one line of usage, with exit code 2, never a stack.

import { parseArgs, type ParseArgsConfig } from "node:util";

/** Exit code for "the command did not understand what it was asked". */
export const USAGE = 2;

type Options = NonNullable<ParseArgsConfig["options"]>;

export interface CommandLine<O extends Options = Options> {
  /** How the command is typed: "npm run bench -- [--quick] [katas...]". */
  usage: string;
  /** What `--help` prints after the usage line. */
  help: string;
  options: O;
  /** The words (positionals) the command takes: a check that returns why they are wrong, if they are. */
  words?: (words: string[]) => string | undefined;
}

export type Parsed<O extends Options> = ReturnType<
  typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>
>;

/** A usage problem: thrown by a command's own checks after parsing (a kata that does not exist, say). */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Parses the command line; on --help or a mistake, prints and ends the process (exit 0 or 2). */
export function commandLine<O extends Options>(args: string[], line: CommandLine<O>): Parsed<O> {
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({
      args,
      options: { ...line.options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    }) as unknown as Parsed<O>;
  } catch (error) {
    // node's message goes on about "--" for positionals: its first sentence is what matters.
    return usageExit(line, (error as Error).message.split(". ")[0]!);
  }
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(`usage: ${line.usage}\n\n${line.help.trim()}\n`);
    process.exit(0);
  }
  const wrong = line.words
    ? line.words(parsed.positionals)
    : parsed.positionals.length > 0
      ? `unexpected argument '${parsed.positionals[0]}'`
      : undefined;
  if (wrong) usageExit(line, wrong);
  return parsed;
}

/** Prints the problem and the usage line to stderr, and exits with code 2. */
export function usageExit(line: Pick<CommandLine, "usage">, problem: string): never {
  process.stderr.write(`${problem}\nusage: ${line.usage}   (--help says more)\n`);
  process.exit(USAGE);
}
