/**
 * The kill points the interrupted-apply suite runs: a fixed sample in CI, or
 * every k on `local` both ways when `KILL_POINTS=all` (docs/operations.md,
 * "The fault matrix"). `KILL_POINTS` may also list points as
 * `<stack>:<way>@<k>`, e.g. `local:cli@12,prod:group@5`, to rerun one.
 */
import type { KillPoint, KillWay } from "./faults";

/**
 * The CI sample: both ways, an app, a group, a server and the roles
 * attribute created when the kill comes, a point late in the run, and one on
 * the protected, per-component prod stack.
 */
export const CI_SAMPLE: readonly KillPoint[] = [
  { stack: "local", way: "group", at: { route: "POST /api/v1/apps" }, covers: "an app create" },
  { stack: "local", way: "cli", at: { route: "POST /api/v1/apps" }, covers: "an app create, its plugins running on" },
  { stack: "local", way: "group", at: { route: "POST /api/v1/groups" }, covers: "a group create" },
  { stack: "local", way: "cli", at: { route: "POST /api/v1/authorizationServers" }, covers: "a server create, its plugins running on" },
  { stack: "local", way: "cli", at: { route: "POST /api/v1/meta/schemas/user/default" }, covers: "the roles attribute" },
  { stack: "local", way: "group", at: { route: "POST /api/v1/authorizationServers/*/policies/*/rules" }, covers: "a policy rule, late in the run" },
  { stack: "prod", way: "group", at: { route: "POST /api/v1/authorizationServers" }, covers: "a server create on the protected prod stack" },
];

/** Writes a clean first `pulumi up` of `local` makes (measured with the real engine against okta-local). */
export const LOCAL_FIRST_UP_WRITES = 24;

const POINT = /^(local|dev|prod):(group|cli)@(\d+)$/;

/** The points `KILL_POINTS` asks for: unset is the CI sample; `all` is every k on local, both ways. */
export function killPointsFrom(value: string | undefined, writes = LOCAL_FIRST_UP_WRITES): readonly KillPoint[] {
  if (value === undefined || value === "") return CI_SAMPLE;
  if (value === "all") {
    const ways: KillWay[] = ["group", "cli"];
    return Array.from({ length: writes }, (_, i) => i + 1).flatMap((k) => ways.map((way) => ({ stack: "local" as const, way, at: { write: k }, covers: `write ${k}` })));
  }
  return value.split(",").map((item) => {
    const match = POINT.exec(item.trim());
    if (!match) throw new Error(`KILL_POINTS: got "${item}"; expected "all" or a list of <stack>:<way>@<k>, stack local, dev or prod, way group or cli, e.g. local:cli@12`);
    return { stack: match[1] as KillPoint["stack"], way: match[2] as KillWay, at: { write: Number(match[3]) }, covers: `write ${match[3]}` };
  });
}
