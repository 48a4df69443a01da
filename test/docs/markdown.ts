import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root, for reading docs/, ops/ and src/ from tests. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export function readRepoFile(relative: string): string {
  return readFileSync(path.join(REPO_ROOT, relative), "utf8");
}

export interface Section {
  readonly level: number;
  readonly title: string;
  /** The lines under the heading, up to the next heading of the same or a higher level. */
  readonly body: string[];
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens. */
export function slug(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
}

/** Every ATX heading with the lines it owns (fenced code is not special: the docs checked have none). */
export function sections(markdown: string): Section[] {
  const lines = markdown.split("\n");
  const headingLevel = (line: string): number => /^(#{1,6}) /.exec(line)?.[1]?.length ?? 0;
  const out: Section[] = [];
  lines.forEach((line, i) => {
    const level = headingLevel(line);
    if (level === 0) return;
    const next = lines.findIndex(
      (l, j) => j > i && headingLevel(l) > 0 && headingLevel(l) <= level,
    );
    const title = line.slice(level + 1).trim();
    out.push({ level, title, body: lines.slice(i + 1, next === -1 ? undefined : next) });
  });
  return out;
}

/** The anchors a link `](#x)` may point at. */
export function anchors(markdown: string): Set<string> {
  return new Set(sections(markdown).map((s) => slug(s.title)));
}

/** The cells of each body row of the tables in `lines` (header and separator rows left out). */
export function tableRows(lines: readonly string[]): string[][] {
  const cells = (line: string): string[] =>
    line
      .trim()
      .replace(/^\|/, "")
      .replace(/\|$/, "")
      .split(/(?<!\\)\|/)
      .map((c) => c.trim());
  const isSeparator = (line: string | undefined): boolean =>
    line?.startsWith("|") === true && cells(line).every((c) => /^:?-+:?$/.test(c));
  return lines.flatMap((line, i) =>
    !line.startsWith("|") || isSeparator(line) || isSeparator(lines[i + 1]) ? [] : [cells(line)],
  );
}
