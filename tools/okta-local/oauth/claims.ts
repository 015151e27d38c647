/**
 * The claims an authorization server adds to its tokens, evaluated as Okta
 * does: the server's claims (`claimType` RESOURCE for access tokens, IDENTITY
 * for ID tokens and userinfo), each only when one of its
 * `conditions.scopes` was granted (an empty list means any scope), values
 * from a groups filter or an Okta expression, and null values left out.
 */
import { systemClaims } from "../management/claims";
import type { OktaJson, OrgState } from "../store";
import { OktaOAuthErrors, notEmulated } from "./errors";
import { at, groupIdsOfUser, groupName, obj, str, strings } from "./org";

/** Who a claim is evaluated for. */
export interface ClaimSubject {
  userId: string;
  user: OktaJson;
  clientId: string;
  /** The app username: Okta's default template `${source.login}`, i.e. the login. */
  appUserName: string;
}

/** "If more than 100 groups match the filter, then the request fails" (developer.okta.com, customize-tokens-groups-claim guide). */
export const GROUPS_CLAIM_LIMIT = 100;

/**
 * Okta's groups filters (Okta's management API spec, `group_filter_type`):
 * STARTS_WITH, EQUALS and CONTAINS ignore case; REGEX is case-sensitive and,
 * as Okta's regex guide writes patterns like `.*groupA.*`, must match the
 * whole group name.
 */
export function groupMatchesFilter(name: string, filterType: string, value: string): boolean {
  const lower = name.toLowerCase();
  const wanted = value.toLowerCase();
  switch (filterType) {
    case "EQUALS":
      return lower === wanted;
    case "STARTS_WITH":
      return lower.startsWith(wanted);
    case "CONTAINS":
      return lower.includes(wanted);
    case "REGEX": {
      const compiled = compileGroupRegex(value);
      if (compiled.kind === "unsupported") throw notEmulated(`the REGEX groups filter '${value}': ${compiled.reason}`);
      // Refused at claim create/update; reaching here means a hand-edited state file.
      if (compiled.kind === "invalid") throw notEmulated(`the REGEX groups filter '${value}', which is not a valid regular expression (${compiled.reason})`);
      return compiled.regex.test(name);
    }
    default:
      throw notEmulated(`the group_filter_type '${filterType}' (okta-local evaluates EQUALS, STARTS_WITH, CONTAINS and REGEX)`);
  }
}

export type CompiledGroupRegex = { kind: "ok"; regex: RegExp } | { kind: "unsupported"; reason: string } | { kind: "invalid"; reason: string };

/** Escapes that mean the same in Java's `java.util.regex.Pattern` and in a JavaScript RegExp without the `u` flag. */
const SHARED_LETTER_ESCAPES = new Set([..."dDwWsSbBtnrfuxck"]);
/** Java escapes with no JavaScript equivalent okta-local could translate faithfully. */
const JAVA_ONLY_ESCAPES = new Set([..."ZGRXhHpPeaNv"]);

/**
 * Okta evaluates a REGEX groups filter with Java's regular expressions
 * (Okta's expression language is Java-based; its regex guide writes patterns
 * such as `.*groupA.*`). The pattern is translated to a JavaScript RegExp
 * without the `u` flag, so identity escapes Java allows (`stacklok\-.*`,
 * `\_`) stay literal. Translated: a leading `(?i)` (the `i` flag), `\A` and
 * `\z` (start and end), `\Q…\E` quoting. Java constructs with no faithful
 * translation (inline flags elsewhere, possessive quantifiers, atomic groups,
 * class unions and intersections, `\p{…}`, `\Z`, `\G`, `\R`, `\h`, `\v`, …) are
 * `unsupported`; the token endpoint answers 501 for them. A pattern neither
 * Java nor JavaScript compiles is `invalid` (refused when the claim is saved).
 */
export function compileGroupRegex(pattern: string): CompiledGroupRegex {
  let source = pattern;
  let flags = "";
  const leadingFlags = /^\(\?([a-zA-Z]+)\)/u.exec(source);
  if (leadingFlags !== null) {
    if (leadingFlags[1] !== "i") return { kind: "unsupported", reason: `the inline flags '(?${leadingFlags[1] ?? ""})' (okta-local translates a leading (?i) only)` };
    flags = "i";
    source = source.slice(leadingFlags[0].length);
  }
  let out = "";
  let inClass = false;
  let previous = "";
  for (let i = 0; i < source.length; i++) {
    const char = source[i] ?? "";
    if (char === "\\") {
      const next = source[i + 1];
      if (next === undefined) return { kind: "invalid", reason: "the pattern ends with a lone backslash" };
      if (next === "Q") {
        const end = source.indexOf("\\E", i + 2);
        const quoted = source.slice(i + 2, end === -1 ? source.length : end);
        out += quoted.replace(/[.*+?^${}()|[\]\\/-]/gu, "\\$&");
        i = end === -1 ? source.length : end + 1;
        previous = "Q";
        continue;
      }
      if (/[A-Za-z]/u.test(next)) {
        if (!inClass && next === "A") out += "^";
        else if (!inClass && next === "z") out += "$";
        else if (next === "x" && source[i + 2] === "{") return { kind: "unsupported", reason: "the Java escape '\\x{…}'" };
        else if (JAVA_ONLY_ESCAPES.has(next)) return { kind: "unsupported", reason: `the Java escape '\\${next}'` };
        else if (SHARED_LETTER_ESCAPES.has(next)) out += `\\${next}`;
        else return { kind: "invalid", reason: `'\\${next}' is not an escape sequence` };
      } else {
        out += `\\${next}`;
      }
      i += 1;
      previous = "\\";
      continue;
    }
    if (inClass) {
      if (char === "[") return { kind: "unsupported", reason: "a character class inside a character class (Java's class union)" };
      if (char === "&" && source[i + 1] === "&") return { kind: "unsupported", reason: "'&&' in a character class (Java's class intersection)" };
      if (char === "]" && previous !== "[" && previous !== "[^") inClass = false;
      previous = previous === "[" && char === "^" ? "[^" : char;
      out += char;
      continue;
    }
    if (char === "[") {
      inClass = true;
      previous = "[";
      out += char;
      continue;
    }
    if (char === "(" && source[i + 1] === "?") {
      const kind = source[i + 2] ?? "";
      if (kind === ">") return { kind: "unsupported", reason: "an atomic group '(?>…)'" };
      if (/[a-zA-Z-]/u.test(kind)) return { kind: "unsupported", reason: "inline flags '(?…)' inside the pattern" };
    }
    if (char === "+" && ["*", "+", "?", "}"].includes(previous) && source[i - 2] !== "(") {
      return { kind: "unsupported", reason: "a possessive quantifier" };
    }
    out += char;
    // A quantifier's own `+`/`?` suffix ends it: `a+?+` is not possessive-of-lazy here.
    previous = (char === "+" || char === "?") && ["*", "+", "?", "}"].includes(previous) ? "" : char;
  }
  if (inClass) return { kind: "invalid", reason: "a character class is not closed" };
  try {
    return { kind: "ok", regex: new RegExp(`^(?:${out})$`, flags) };
  } catch (error) {
    return { kind: "invalid", reason: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The names of the user's groups (Everyone included: it is a group the user is
 * in, and Okta's recorded groups claims filter on it) that pass the filter.
 */
export function filteredGroupNames(state: OrgState, userId: string, filterType: string, value: string): string[] {
  const names = groupIdsOfUser(state, userId)
    .map((id) => groupName(state, id))
    .filter((n): n is string => n !== undefined && groupMatchesFilter(n, filterType, value));
  if (names.length > GROUPS_CLAIM_LIMIT) throw OktaOAuthErrors.tooManyGroups();
  return names;
}

const NULL_CHECK_TERNARY = /^\(?\s*(appuser|user|app)\s*!=\s*null\s*\)?\s*\?\s*(.+?)\s*:\s*(.+)$/u;
const STRING_LITERAL = /^(?:"([^"\\]*)"|'([^'\\]*)')$/u;
const USER_ATTRIBUTE = /^user\.([A-Za-z_][A-Za-z0-9_]*)$/u;

/**
 * The part of the Okta Expression Language okta-local evaluates: what Okta's
 * system claims and this project's claims use. `user.<attr>` reads the
 * profile (an array attribute stays an array: a claim's datatype is "the same
 * datatype as the evaluated result", okta.github.io OAuth guide),
 * `appuser.userName`, `app.clientId`, string literals, and the system `sub`
 * claim's `(appuser != null) ? appuser.userName : app.clientId`.
 * Anything else is not emulated: the token endpoint answers 501 naming the
 * claim and the expression, rather than guessing.
 */
export function evaluateExpression(expression: string, subject: ClaimSubject | undefined, clientId: string, claimName: string): unknown {
  const text = expression.trim();
  const ternary = NULL_CHECK_TERNARY.exec(text);
  if (ternary !== null) {
    const present = ternary[1] === "app" || subject !== undefined;
    return evaluateExpression(present ? (ternary[2] ?? "") : (ternary[3] ?? ""), subject, clientId, claimName);
  }
  const literal = STRING_LITERAL.exec(text);
  if (literal !== null) return literal[1] ?? literal[2];
  if (text === "app.clientId") return clientId;
  if (text === "appuser.userName") return subject?.appUserName ?? null;
  const attribute = USER_ATTRIBUTE.exec(text);
  if (attribute !== null) {
    if (subject === undefined) return null;
    const value = obj(subject.user.profile)[attribute[1] ?? ""];
    return value === undefined ? null : value;
  }
  throw notEmulated(
    `the expression '${expression}' of claim '${claimName}' (okta-local evaluates user.<attribute>, ` +
      "appuser.userName, app.clientId, string literals and (appuser != null) ? a : b)",
  );
}

/** "If the evaluated result is null, that custom claim isn't added" (okta.github.io OAuth guide); an empty list is treated the same (ASSUMPTION). */
function isAbsent(value: unknown): boolean {
  return value === null || value === undefined || (Array.isArray(value) && value.length === 0);
}

function claimApplies(claim: OktaJson, grantedScopes: readonly string[]): boolean {
  if (claim.status !== undefined && claim.status !== "ACTIVE") return false;
  const scopes = strings(at(claim, "conditions", "scopes"));
  return scopes.length === 0 || scopes.some((s) => grantedScopes.includes(s));
}

/** Okta's standard OIDC claims (valueType SYSTEM), read from the user's profile. */
function systemIdentityValue(name: string, subject: ClaimSubject): unknown {
  const profile = obj(subject.user.profile);
  const text = (key: string): string | undefined => str(profile[key]);
  switch (name) {
    case "name": {
      const full = [text("firstName"), text("lastName")].filter((p) => p !== undefined && p !== "").join(" ");
      return full === "" ? null : full;
    }
    case "preferred_username":
      return text("login") ?? null;
    case "email":
      return text("email") ?? null;
    case "email_verified":
      // ASSUMPTION: okta-local's users are seeded or created active, with a verified email.
      return text("email") === undefined ? null : true;
    case "given_name":
      return text("firstName") ?? null;
    case "family_name":
      return text("lastName") ?? null;
    case "middle_name":
      return text("middleName") ?? null;
    case "nickname":
      return text("nickName") ?? null;
    case "locale":
      return text("locale") ?? null;
    case "zoneinfo":
      return text("timezone") ?? null;
    case "profile":
    case "website":
      return text("profileUrl") ?? null;
    case "phone_number":
      return text("mobilePhone") ?? text("primaryPhone") ?? null;
    case "updated_at": {
      const updated = str(subject.user.lastUpdated);
      return updated === undefined ? null : Math.floor(Date.parse(updated) / 1000);
    }
    case "address": {
      const address = {
        street_address: text("streetAddress"),
        locality: text("city"),
        region: text("state"),
        postal_code: text("zipCode"),
        country: text("countryCode"),
      };
      return Object.values(address).every((v) => v === undefined) ? null : address;
    }
    default:
      return null;
  }
}

function claimValue(state: OrgState, claim: OktaJson, subject: ClaimSubject | undefined, clientId: string): unknown {
  const name = str(claim.name) ?? "";
  const value = str(claim.value) ?? "";
  switch (claim.valueType) {
    case "GROUPS":
      return subject === undefined ? null : filteredGroupNames(state, subject.userId, str(claim.group_filter_type) ?? "", value);
    case "EXPRESSION":
      return evaluateExpression(value, subject, clientId, name);
    case "SYSTEM":
      return subject === undefined ? null : systemIdentityValue(name, subject);
    default:
      throw notEmulated(`the valueType '${String(claim.valueType)}' of claim '${name}'`);
  }
}

/**
 * The org server has no claims of its own in the management API: it answers
 * with the system IDENTITY claims every new server gets (recorded).
 */
function orgServerIdentityClaims(): OktaJson[] {
  return systemClaims().filter((claim) => claim.claimType === "IDENTITY");
}

function serverClaims(state: OrgState, serverId: string | undefined): OktaJson[] {
  return serverId === undefined ? orgServerIdentityClaims() : Object.values(state.claims[serverId] ?? {});
}

/**
 * RESOURCE claims for an access token. `alwaysIncludeInToken` "is always TRUE
 * for access token Claims" (Okta's management API spec). `sub` is the server's
 * system claim `(appuser != null) ? appuser.userName : app.clientId`.
 */
export function accessTokenClaims(
  state: OrgState,
  serverId: string,
  subject: ClaimSubject | undefined,
  clientId: string,
  grantedScopes: readonly string[],
): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  for (const claim of serverClaims(state, serverId)) {
    if (claim.claimType !== "RESOURCE" || !claimApplies(claim, grantedScopes)) continue;
    const value = claimValue(state, claim, subject, clientId);
    if (!isAbsent(value)) claims[str(claim.name) ?? ""] = value;
  }
  return claims;
}

/**
 * IDENTITY claims for an ID token or userinfo. In an ID token issued together
 * with an access token (the code flow always is) only claims with
 * `alwaysIncludeInToken: true` appear; the rest are for `/v1/userinfo`
 * (Okta's former OIDC reference, "Scope-dependent claims").
 */
export function identityClaims(
  state: OrgState,
  serverId: string | undefined,
  subject: ClaimSubject,
  grantedScopes: readonly string[],
  purpose: "id_token" | "userinfo",
): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  for (const claim of serverClaims(state, serverId)) {
    if (claim.claimType !== "IDENTITY" || !claimApplies(claim, grantedScopes)) continue;
    if (purpose === "id_token" && claim.alwaysIncludeInToken !== true) continue;
    // The system IDENTITY claims are tied to their OIDC scope; "any scope" does not apply to them.
    if (claim.system === true && strings(at(claim, "conditions", "scopes")).length === 0) continue;
    const value = claimValue(state, claim, subject, subject.clientId);
    if (!isAbsent(value)) claims[str(claim.name) ?? ""] = value;
  }
  return claims;
}
