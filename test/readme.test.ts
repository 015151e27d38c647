import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CONFIG_KEYS, configDefaults } from "../components/config";

const root = join(__dirname, "..");
const readme = readFileSync(join(root, "README.md"), "utf8");

/** The lines of one `## ` section, heading excluded, up to the next `## ` heading. */
function section(markdown: string, heading: string): string[] {
  const lines = markdown.split(/\r?\n/);
  const start = lines.findIndex((line) => line.trim() === `## ${heading}`);
  if (start < 0) throw new Error(`README has no "## ${heading}" section`);
  const next = lines.findIndex((line, i) => i > start && line.startsWith("## "));
  return lines.slice(start + 1, next < 0 ? undefined : next);
}

/**
 * The cells of a pipe-table row. `\|` is a literal pipe inside a cell (the
 * Type column writes alternatives that way), so it must not split the row.
 */
function cells(row: string): string[] {
  const placeholder = "\u0000";
  return row
    .trim()
    .replace(/^\|/, "")
    .replace(/\|$/, "")
    .replaceAll("\\|", placeholder)
    .split("|")
    .map((cell) => cell.replaceAll(placeholder, "|").trim());
}

/** The first table in the lines: its header cells and its body rows' cells. */
function firstTable(lines: string[]): { header: string[]; rows: string[][] } {
  const start = lines.findIndex((line) => line.trim().startsWith("|"));
  if (start < 0) throw new Error("no table in the section");
  const end = lines.findIndex((line, i) => i > start && !line.trim().startsWith("|"));
  const [headerLine = "", separator = "", ...body] = lines.slice(start, end < 0 ? undefined : end);
  const header = cells(headerLine);
  if (!cells(separator).every((cell) => /^:?-{3,}:?$/.test(cell))) {
    throw new Error(`the table's second line is not a header separator: ${separator}`);
  }
  const rows = body.map((line) => {
    const values = cells(line);
    if (values.length !== header.length) throw new Error(`row has ${values.length} cells, header has ${header.length}: ${line}`);
    return values;
  });
  return { header, rows };
}

/** The text of the first `code` span in a cell, if any. */
function firstCodeSpan(cell: string): string | undefined {
  return cell.match(/`([^`]+)`/)?.[1];
}

interface ConfigRow {
  key: string;
  /** The Default cell as written. */
  shownDefault: string;
}

const table = firstTable(section(readme, "Stack config"));
const rows: ConfigRow[] = table.rows.map(([keyCell = "", , defaultCell = ""]) => {
  const key = keyCell.match(/^`([^`]+)`$/)?.[1];
  if (key === undefined) throw new Error(`Key cell is not one code span: ${keyCell}`);
  return { key, shownDefault: defaultCell };
});

describe("README config table", () => {
  it("has the columns key, type, default, what it does", () => {
    expect(table.header).toEqual(["Key", "Type", "Default", "What it does"]);
  });

  it("has one row per top-level key of the config schema, and no other", () => {
    const keys = rows.map((row) => row.key);
    expect(new Set(keys).size, "a key has two rows").toBe(keys.length);
    expect([...keys].sort()).toEqual([...CONFIG_KEYS].sort());
  });

  it("shows the schema's default for every key that has one, and none for keys without", () => {
    const defaults = configDefaults();
    for (const { key, shownDefault } of rows) {
      const shown = firstCodeSpan(shownDefault);
      if (key in defaults) {
        expect(shown, `${key}: Default cell has no code span, the schema's default is ${JSON.stringify(defaults[key])}`).toBeDefined();
        // The cell writes the value as YAML, as a stack file would.
        expect(parse(shown ?? ""), `${key}: Default cell ${shownDefault}`).toEqual(defaults[key]);
      } else {
        expect(shown, `${key} has no schema default, but the README shows one`).toBeUndefined();
      }
    }
  });
});

describe("operator docs", () => {
  it("README stays short enough to read on a screen or two", () => {
    expect(readme.split("\n").length).toBeLessThanOrEqual(260);
  });

  // Readers only have the repository: a pointer into a document that is not
  // in it (a design note's section, an internal rule id, a tracker number or a
  // build machine's path) is a dead end.
  it.each(["README.md", "docs/operations.md", "docs/performance.md", "docs/verify-token.md", "Pulumi.yaml"])(
    "%s cites only public sources",
    (file) => {
      const text = readFileSync(join(root, file), "utf8");
      const pointers = text.split("\n").filter((line) => /DESIGN|OAUTH-[0-9]|PR-[0-9]|issue #?[0-9]|\/work\/shared/.test(line));
      expect(pointers).toEqual([]);
    },
  );
});
