/**
 * Pulumi passes every config value to the program as a string (`"60"`,
 * `"true"`, `'{"cloudUi":"x"}'`). These wrappers accept both that form and
 * already-typed values, so the same schema serves stack files and tests.
 */
import { z } from "zod";

function decodeJson(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value; // left as a string: the schema then reports the wrong type
  }
}

/** A list or object, given as JSON text or as the value itself. */
export const json = <T extends z.ZodType>(schema: T) => z.preprocess(decodeJson, schema);

/** A whole number, given as digits or as a number. */
export const integer = (accepted: string) =>
  z.preprocess(
    (v) => (typeof v === "string" && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v),
    z.number({ error: `expected ${accepted}` }).int({ error: `expected ${accepted}` }),
  );

export const boolean = z.preprocess(
  (v) => (v === "true" ? true : v === "false" ? false : v),
  z.boolean({ error: "expected true or false" }),
);
