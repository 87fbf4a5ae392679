// A kata's entry in the course: katas/NN-slug/kata.ts, read as source text. Nothing here imports the
// catalogue, so the self-check can look for missing or malformed entries before it loads the course
// (katas/catalogue.ts imports every kata.ts, and one missing stops that import with a bare
// ERR_MODULE_NOT_FOUND).

import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { repositoryRoot } from "../harness/engine/under-test.ts";

/** A kata's entry in the course, in its own folder: what the catalogue imports. */
export const entryFileName = "kata.ts";

/** A string a kata.ts gives ("slug", "title"), read from its source: undefined if it is not a plain string there. */
function entryString(source: string, name: string): string | undefined {
  const object = defaultExport(ts.createSourceFile(entryFileName, source, ts.ScriptTarget.Latest, true));
  return object ? stringProperty(object, name) : undefined;
}

export const entryTitle = (source: string) => entryString(source, "title");

/** What is wrong with the kata.ts of katas/<folder> (its entry in the course), if anything. */
export function entryFileProblems(folder: string, source: string | undefined): string[] {
  const file = `katas/${folder}/${entryFileName}`;
  if (source === undefined)
    return [
      `${file} is missing: every kata folder holds its entry in the course there (export default { slug, title, ... } satisfies Kata; npm run new-kata writes one)`,
    ];
  const problems: string[] = [];
  const slug = entryString(source, "slug");
  if (slug !== folder)
    problems.push(
      `${file} ${slug === undefined ? "gives no slug as a plain string in its default export" : `says slug "${slug}"`}: it must be its folder's name, "${folder}"`,
    );
  // Every process that reads the course (npm test, the kata command, the grader) loads every kata.ts: it must stay light.
  const parsed = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  for (const statement of parsed.statements) {
    if (ts.isImportDeclaration(statement) && !statement.importClause?.isTypeOnly)
      problems.push(
        `${file} imports ${statement.moduleSpecifier.getText(parsed)}: a kata's entry imports types only (import type)`,
      );
  }
  return problems;
}

/** The object literal a kata.ts exports by default (through `satisfies Kata` or `as Kata`), if it is one. */
function defaultExport(file: ts.SourceFile): ts.ObjectLiteralExpression | undefined {
  for (const statement of file.statements) {
    if (!ts.isExportAssignment(statement)) continue;
    let expression = statement.expression;
    while (
      ts.isSatisfiesExpression(expression) ||
      ts.isAsExpression(expression) ||
      ts.isParenthesizedExpression(expression)
    )
      expression = expression.expression;
    return ts.isObjectLiteralExpression(expression) ? expression : undefined;
  }
  return undefined;
}

function stringProperty(object: ts.ObjectLiteralExpression, name: string): string | undefined {
  for (const property of object.properties) {
    if (
      ts.isPropertyAssignment(property) &&
      ts.isIdentifier(property.name) &&
      property.name.text === name &&
      ts.isStringLiteral(property.initializer)
    )
      return property.initializer.text;
  }
  return undefined;
}

/** The files katas/catalogue.ts imports that are not there (a kata.ts deleted, or a folder renamed). */
export function missingCatalogueImports(root = repositoryRoot): string[] {
  const katas = path.join(root, "katas");
  const catalogue = path.join(katas, "catalogue.ts");
  const source = existsSync(catalogue) ? readFileSync(catalogue, "utf8") : "";
  const missing: string[] = [];
  for (const statement of ts.createSourceFile(catalogue, source, ts.ScriptTarget.Latest).statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const imported = path.join(katas, statement.moduleSpecifier.text);
    if (!existsSync(imported)) missing.push(path.relative(root, imported).split(path.sep).join("/"));
  }
  return missing;
}
