/**
 * What a guardrail check is, and the readers every check uses.
 *
 * A check is a pure function over one resource: its Pulumi type token, its
 * input properties (as the policy analyzer sees them: after the provider's
 * Check, so with Pulumi's autoname and the provider's schema defaults filled
 * in) and a small context; it returns the violations it finds. A check
 * ignores resource types it is not about, so the wiring (`policies.ts`) can
 * hand every resource to every check. Nothing under `rules/` imports
 * `@pulumi/policy`: tests call the checks directly.
 *
 * Every message names the property, the value given and what is accepted,
 * then the Okta or provider fact that makes it matter.
 */
import { PLATFORM_CLAIM_NAMES } from "../../components/facts";

/** A resource's input properties, keyed by their `@pulumi/okta` (camelCase) names. */
export type Props = Readonly<Record<string, unknown>>;

export interface Violation {
  /** The input property at fault, as the `@pulumi/okta` Args interface names it. */
  property: string;
  /** What is wrong, what is accepted, and why it matters. */
  message: string;
}

export interface CheckContext {
  /** The resource's logical (Pulumi) name: `args.name` inside a policy. */
  logicalName: string;
  /** Claim names that must be access-token claims (policy config, default PLATFORM_CLAIM_NAMES). */
  platformClaimNames: readonly string[];
  /** The resource option `deleteBeforeReplace` (`args.opts` inside a policy); unset means false. */
  deleteBeforeReplace?: boolean;
}

export type Check = (type: string, props: Props, context: CheckContext) => Violation[];

/**
 * What a check sees in place of an input the engine does not know yet during
 * preview (the id of a resource still to be created). It is an opaque id to
 * every check: it matches no enum spelling and no literal such as
 * `ALL_CLIENTS`. A violation on a property holding it is not reported at
 * preview; the check runs again at `pulumi up` with the real value.
 */
export const UNKNOWN_AT_PREVIEW = "<unknown until the resources it depends on exist>";

/** A context for callers that have no logical name or policy config at hand. */
export function defaultContext(logicalName = ""): CheckContext {
  return { logicalName, platformClaimNames: PLATFORM_CLAIM_NAMES };
}

// ---------------------------------------------------------------------------
// Small readers. Inputs arrive as plain JSON; anything of the wrong shape is
// treated as unset rather than trusted.

export function show(value: unknown): string {
  return value === undefined ? "unset" : JSON.stringify(value);
}

export function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function asNumber(value: unknown): number | undefined {
  // Number.isFinite is false for anything that is not a number, without coercing.
  return Number.isFinite(value) ? (value as number) : undefined;
}

export function asStrings(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : undefined;
}

export function quoteList(values: readonly string[]): string {
  return values.map((v) => JSON.stringify(v)).join(", ");
}
