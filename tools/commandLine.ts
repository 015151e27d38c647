/**
 * The command-line conventions the tools share: strict flags, where a flag
 * the parser refuses is a usage error (exit code 2) told on standard error
 * with the usage beneath it (`npm run plan`, `npm run local:apply`); and one
 * way to run a command as the process (`npm run verify-token`, `sign-in`).
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

/** The process's own streams, as the commands take them. */
export const processIO = {
  stdin: process.stdin,
  stdout: (text: string) => void process.stdout.write(text),
  stderr: (text: string) => void process.stderr.write(text),
};

/**
 * Runs a command as the process: its result becomes the exit code, and a
 * failure it did not expect is told on standard error with exit code 3.
 */
export function runAsProcess(name: string, command: (argv: string[], io: typeof processIO) => Promise<number>): void {
  command(process.argv.slice(2), processIO).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${name}: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 3;
    },
  );
}
