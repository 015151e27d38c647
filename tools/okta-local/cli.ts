/**
 * `npm run okta:local -- [--port N] [--seed FILE] [--state FILE] [--api-token TOKEN] [--faults FILE]`.
 * Prints one line with the org URL (and the generated API token) once listening;
 * SIGINT/SIGTERM close it.
 */
import { parseArgs } from "node:util";
import { start } from "./index";

const USAGE = "usage: npm run okta:local -- [--port N] [--seed FILE] [--state FILE] [--api-token TOKEN] [--faults FILE]";

async function main(argv: string[]): Promise<number> {
  let values: { port?: string; seed?: string; state?: string; "api-token"?: string; faults?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { port: { type: "string" }, seed: { type: "string" }, state: { type: "string" }, "api-token": { type: "string" }, faults: { type: "string" }, help: { type: "boolean" } },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`okta-local: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`okta-local: --port must be an integer from 0 to 65535 (got ${JSON.stringify(values.port)})\n`);
    return 2;
  }
  const tokenGiven = values["api-token"] !== undefined;
  if (tokenGiven && !/^\S+$/.test(values["api-token"] ?? "")) {
    process.stderr.write("okta-local: --api-token must be one word without spaces\n");
    return 2;
  }
  // Listen for the stop signals before starting, so a signal during start-up is not lost.
  const stopped = new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  let org: Awaited<ReturnType<typeof start>>;
  try {
    org = await start({ port, seed: values.seed, statePath: values.state, apiToken: values["api-token"], faults: values.faults });
  } catch (error) {
    process.stderr.write(`okta-local: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  process.stdout.write(tokenGiven ? `okta-local listening on ${org.url}\n` : `okta-local listening on ${org.url} api-token ${org.apiToken}\n`);
  await stopped;
  await org.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`okta-local: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
