/**
 * A reader for the small YAML subset ops/alerts.yml is written in, so that its structure can be
 * checked without a YAML dependency (promtool, when installed, parses it for real): block mappings,
 * block sequences of mappings or scalars, plain and double-quoted scalars, `>-` and `|` block
 * scalars, full-line comments. Anything else (flow collections, anchors, tabs) is refused.
 */
export type Yaml = string | Yaml[] | { [key: string]: Yaml };

interface Line {
  indent: number;
  text: string;
}

export function parseYamlSubset(source: string): Yaml {
  if (source.includes("\t")) throw new Error("tabs are not in the subset");
  const lines: Line[] = source
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.trim().startsWith("#"))
    .map((l) => ({ indent: l.length - l.trimStart().length, text: l.trim() }));
  const reader = { lines, at: 0 };
  const value = block(reader, 0);
  if (reader.at !== lines.length) throw new Error(`unexpected line: ${lines[reader.at]?.text}`);
  return value;
}

type Reader = { lines: Line[]; at: number };

function block(r: Reader, indent: number): Yaml {
  const first = r.lines[r.at];
  if (first === undefined || first.indent < indent) throw new Error("an empty block");
  return first.text.startsWith("- ") ? sequence(r, first.indent) : mapping(r, first.indent);
}

function sequence(r: Reader, indent: number): Yaml[] {
  const items: Yaml[] = [];
  for (let line = r.lines[r.at]; line?.indent === indent && line.text.startsWith("- "); ) {
    const rest = line.text.slice(2).trim();
    if (/^[\w.-]+:( |$)/.test(rest)) {
      // "- key: value" opens a mapping whose keys sit two columns further in.
      r.lines[r.at] = { indent: indent + 2, text: rest };
      items.push(mapping(r, indent + 2));
    } else {
      items.push(scalar(rest));
      r.at++;
    }
    line = r.lines[r.at];
  }
  return items;
}

function mapping(r: Reader, indent: number): { [key: string]: Yaml } {
  const out: { [key: string]: Yaml } = {};
  for (let line = r.lines[r.at]; line?.indent === indent; line = r.lines[r.at]) {
    const m = /^([\w.-]+):(?: (.*))?$/.exec(line.text);
    if (m === null) throw new Error(`not a "key: value" line: ${line.text}`);
    const [, key, rest] = m as unknown as [string, string, string | undefined];
    if (key in out) throw new Error(`duplicate key ${key}`);
    r.at++;
    if (rest === undefined) out[key] = block(r, indent + 1);
    else if (rest === ">-" || rest === "|") out[key] = blockScalar(r, indent, rest);
    else out[key] = scalar(rest);
  }
  return out;
}

function blockScalar(r: Reader, indent: number, style: ">-" | "|"): string {
  const parts: string[] = [];
  while ((r.lines[r.at]?.indent ?? -1) > indent) parts.push(r.lines[r.at++]!.text);
  return parts.join(style === ">-" ? " " : "\n");
}

function scalar(text: string): string {
  if (/^[[{&*!|>'@`]/.test(text)) throw new Error(`not in the subset: ${text}`);
  if (!text.startsWith('"')) return text;
  if (!/^"(?:[^"\\]|\\.)*"$/.test(text)) throw new Error(`a broken quoted string: ${text}`);
  return JSON.parse(text) as string;
}
