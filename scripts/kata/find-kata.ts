// Turns what the learner typed into a kata: a number (6, 06), a name (06-condition) or the start of
// one (cond, 06-c). When nothing fits, the closest names.

import type { Kata } from "../../katas/catalogue.ts";

export type Lookup = { kata: Kata } | { problem: string };

/** How the learner names a kata on the command line: its number, "02". */
export const shortName = (kata: Kata) => kata.slug.split("-")[0]!;

const nameOf = (slug: string) => slug.replace(/^\d+-/, "");

export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length]!;
}

/** The candidates within a few typos of `typed`, closest first. */
export function closest(
  typed: string,
  candidates: string[],
  names: (candidate: string) => string[] = (c) => [c],
): string[] {
  const scored = candidates.map((candidate) => ({
    candidate,
    distance: Math.min(...names(candidate).map((name) => editDistance(typed, name))),
  }));
  const limit = Math.max(2, Math.floor(typed.length / 3));
  return scored
    .filter((s) => s.distance <= limit)
    .sort((a, b) => a.distance - b.distance)
    .map((s) => s.candidate);
}

export function findKata(catalogue: Kata[], typed: string): Lookup {
  const query = typed.trim().toLowerCase();
  if (/^\d+$/.test(query)) {
    const kata = catalogue.find((k) => Number(k.slug.split("-")[0]) === Number(query));
    if (kata) return { kata };
    return {
      problem: `There is no kata number ${typed}. The katas run from ${catalogue[0]?.slug} to ${catalogue.at(-1)?.slug}.`,
    };
  }
  const exact = catalogue.find((k) => k.slug === query || nameOf(k.slug) === query);
  if (exact) return { kata: exact };
  const starting = catalogue.filter((k) => k.slug.startsWith(query) || nameOf(k.slug).startsWith(query));
  if (starting.length === 1) return { kata: starting[0]! };
  if (starting.length > 1)
    return {
      problem: `"${typed}" could be ${starting.map((k) => k.slug).join(", ")}: type more of it, or its number.`,
    };
  const near = closest(
    query,
    catalogue.map((k) => k.slug),
    (slug) => [slug, nameOf(slug)],
  );
  const suggestion = near.length > 0 ? ` Did you mean ${near.slice(0, 3).join(" or ")}?` : "";
  return { problem: `No kata is called "${typed}".${suggestion} (npm run kata -- list shows them all.)` };
}
