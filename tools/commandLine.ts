/**
 * The command-line conventions the tools share: strict flags, where a flag
 * the parser refuses is a usage error (exit code 2) told on standard error
 * with the usage beneath it (`npm run plan`, `npm run local:apply`); and one
 * way to run a command as the process (`npm run verify-token`, `sign-in`).
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

type FlagsConfig = NonNullable<ParseArgsConfig["options"]>;

export const USAGE_ERROR = 2;

const HELP = { help: { type: "boolean", short: "h", default: false } } as const;

/**
 * The flags' values; or, once `--help` was answered (usage on standard
 * output, exit 0) or a refused flag reported (on standard error, with the
 * usage beneath it, exit 2), the exit code. Every command takes `-h`/`--help`.
 */
export function parseCommandLine<const Options extends FlagsConfig>(
  argv: string[],
  options: Options,
  usage: string,
  io: { stdout: (text: string) => void; stderr: (text: string) => void },
) {
  type Config = { args: string[]; options: Options & typeof HELP; strict: true };
  let values: ReturnType<typeof parseArgs<Config>>["values"];
  try {
    values = parseArgs<Config>({ args: argv, options: { ...options, ...HELP }, strict: true }).values;
  } catch (err) {
    io.stderr(`${err instanceof Error ? err.message : String(err)}\n${usage}`);
    return { exitCode: USAGE_ERROR } as const;
  }
  if ((values as { help?: boolean }).help === true) {
    io.stdout(usage);
    return { exitCode: 0 } as const;
  }
  return { values };
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
