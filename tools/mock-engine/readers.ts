/**
 * Readers for the inputs and outputs a run report records: plain JSON of
 * unknown shape, where a value of the wrong type counts as unset.
 */

/** A list input as strings; anything but a list reads as empty. */
export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

/** A string input, or `fallback` when it is not a string. */
export function text(value: unknown, fallback = ""): string {
  return typeof value === "string" ? value : fallback;
}
