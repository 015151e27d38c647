/**
 * The command-line convention `npm run plan` and `npm run local:apply` share:
 * strict flags, and a flag the parser refuses is a usage error (exit code 2)
 * told on standard error with the usage beneath it.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

type FlagsConfig = NonNullable<ParseArgsConfig["options"]>;

export const USAGE_ERROR = 2;

/** The flags' values, or undefined once a refused flag has been reported. */
export function parseCommandLine<const Options extends FlagsConfig>(
  argv: string[],
  options: Options,
  usage: string,
  stderr: (text: string) => void,
) {
  try {
    return parseArgs({ args: argv, options, strict: true }).values;
  } catch (err) {
    stderr(`${err instanceof Error ? err.message : String(err)}\n${usage}`);
    return undefined;
  }
}
