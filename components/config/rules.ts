/**
 * Rules for single config values: URLs the platform is served at, loopback
 * redirect URIs, audiences, server and claim names, expressions. Each
 * message names what is accepted.
 */
import { z } from "zod";
import { DEFAULT_CLI_REDIRECT_URI, DEFAULT_SERVER_NAME, LOOPBACK_HOSTS } from "../facts";
import { boolean } from "./decode";

/** Okta group IDs are 20 characters starting with `00g`. */
export const OKTA_GROUP_ID = /^00g[A-Za-z0-9]{17}$/;

/** Claim names Okta reserves for its own access-token claims. */
export const RESERVED_CLAIM_NAMES: ReadonlySet<string> = new Set([
  "iss", "sub", "aud", "exp", "iat", "nbf", "jti", "ver", "cid", "uid", "scp",
  "auth_time", "acr", "amr", "idp", "token_type", "at_hash", "c_hash", "nonce",
]);

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** RFC 3986's characters: letters, digits, `-._~`, the reserved punctuation and `%`. */
const URI_CHARACTER = /[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/;

/**
 * What makes the string as written differ from the URL the parser read. The
 * program sends the string itself to Okta (which compares redirect URIs
 * exactly) and to the charts, but the WHATWG parser silently drops tabs and
 * line breaks, trims spaces, percent-encodes or punycodes other characters,
 * and repairs `https:host` or a numeric host like `http://2130706433`; a
 * check on the parsed URL alone would pass a string that is not that URL.
 */
function writtenUrlProblem(value: string, url: URL): string | undefined {
  const odd = [...value].find((ch) => !URI_CHARACTER.test(ch));
  if (odd !== undefined) {
    const code = `U+${(odd.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
    return `contains ${JSON.stringify(odd)} (${code}), which a URL cannot carry as written`;
  }
  const prefix = `${url.protocol}//`;
  if (!value.toLowerCase().startsWith(prefix)) return `does not start with ${prefix}`;
  if (url.username || url.password) return "carries credentials";
  const authority = value.slice(prefix.length).split(/[/?#]/, 1)[0] ?? "";
  const host = authority.replace(/:\d*$/, "").toLowerCase();
  if (host !== url.hostname) return `writes its host as ${JSON.stringify(host)}, which is read as ${JSON.stringify(url.hostname)}`;
  return undefined;
}

/** DNS limits (RFC 1035) the URL parser does not apply. */
function dnsNameProblem(hostname: string): string | undefined {
  return hostname.length > 253 || hostname.split(".").some((label) => label.length > 63)
    ? "has a host name DNS cannot resolve (labels of at most 63 characters, 253 in all)"
    : undefined;
}

/**
 * A public https URL the platform is served at. Redirect URIs are derived from
 * it, and Okta compares them exactly, so it is normalised (no trailing slash)
 * and may carry no query, fragment or credentials.
 */
export const httpsUrl = (example: string) =>
  z
    .string({ error: `expected an https URL such as ${example}` })
    .superRefine((value, ctx) => {
      const url = parseUrl(value);
      const problem = !url
        ? "is not a URL"
        : url.protocol !== "https:"
          ? `uses ${url.protocol.replace(":", "")}, not https`
          : (writtenUrlProblem(value, url) ??
            (url.search || url.hash || value.includes("?") || value.includes("#")
              ? "has a query or fragment"
              : value.includes("*")
                ? "contains a wildcard"
                : dnsNameProblem(url.hostname)));
      if (problem) ctx.addIssue({ code: "custom", message: `${problem}; expected an https URL such as ${example}` });
    })
    .transform((value) => value.replace(/\/+$/, ""));

export const loopbackRedirectUri = z
  .string({ error: "expected a loopback URL such as http://localhost:8666/callback" })
  .superRefine((value, ctx) => {
    const url = parseUrl(value);
    const problem = !url
      ? "is not a URL"
      : url.protocol !== "http:" && url.protocol !== "https:"
        ? `uses ${url.protocol.replace(":", "")}`
        : !LOOPBACK_HOSTS.includes(url.hostname)
          ? `is not a loopback address (${url.hostname})`
          : (writtenUrlProblem(value, url) ??
            (url.hash || value.includes("#")
              ? "has a fragment"
              : value.includes("*")
                ? "contains a wildcard"
                : undefined));
    if (problem) {
      ctx.addIssue({
        code: "custom",
        message:
          `${problem}; expected a loopback URL on localhost, 127.0.0.1 or [::1] such as ${DEFAULT_CLI_REDIRECT_URI} ` +
          "(Okta matches redirect URIs exactly, port included)",
      });
    }
  });

/** An audience without a default: for keys whose default depends on other keys. */
export const audienceValue = (example: string) =>
  z
    .string({ error: `expected an audience string such as "${example}"` })
    // URI characters only: an invisible or look-alike character (NUL, a
    // zero-width space, a Cyrillic "a") makes an audience no token matches.
    .regex(new RegExp(`^${URI_CHARACTER.source}{1,1024}$`), {
      error:
        "expected a non-empty audience without whitespace: at most 1024 URI characters (letters, digits, " +
        "-._~:/?#[]@!$&'()*+,;=%), as tokens must match it exactly",
    });

export const audience = (fallback: string) => audienceValue(fallback).default(fallback);

/**
 * The authorization server name. Only the exact `default` adopts Okta's
 * server; `Default` or `default ` would quietly create a custom server (and
 * fail with E0000015 on a free org), so look-alikes are refused.
 */
export const authorizationServerName = z
  .string({ error: "expected an authorization server name" })
  .superRefine((value, ctx) => {
    const problem = !/^[^\p{Cc}\p{Cf}]{1,100}$/u.test(value)
      ? "expected 1 to 100 characters, no control or invisible characters"
      : value.trim() !== value
        ? "has leading or trailing whitespace; expected the name exactly as Okta shows it"
        : value !== DEFAULT_SERVER_NAME && value.toLowerCase() === DEFAULT_SERVER_NAME
          ? `differs from "${DEFAULT_SERVER_NAME}" only in case; expected exactly "${DEFAULT_SERVER_NAME}" to adopt Okta's ` +
            "pre-provisioned server, or a distinct name for a custom one"
          : undefined;
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

export const claimName = z
  .string({ error: "expected a claim name" })
  .regex(/^[A-Za-z_][A-Za-z0-9_.:-]{0,99}$/, {
    error: "expected a claim name: a letter or _ followed by letters, digits, _ . : or - (at most 100)",
  })
  .refine((name) => !RESERVED_CLAIM_NAMES.has(name), { error: "is a claim Okta reserves for its own use" });

export const groupsRegex = z
  .string({ error: "expected a regular expression over group names" })
  .min(1, { error: "expected a non-empty regular expression over group names" })
  .refine(
    (pattern) => {
      try {
        new RegExp(pattern);
        return true;
      } catch {
        return false;
      }
    },
    { error: "is not a valid regular expression" },
  );

export const expression = z
  .string({ error: "expected an Okta Expression Language expression" })
  .regex(/\S/, { error: "expected a non-empty Okta Expression Language expression" })
  .refine((value) => value.trim() !== "user.groups", {
    error:
      "reads a user-profile attribute `groups` that does not exist in Okta; for group names use " +
      "groupsRegex (e.g. \".*\") or an expression such as user.getGroups({'group.type': {'OKTA_GROUP'}}).![name]",
  });

/** One access-token claim: at most one of `groupsRegex` (GROUPS claim) or `expression`. */
export const claimObject = z
  .strictObject({
    name: claimName.optional(),
    groupsRegex: groupsRegex.optional(),
    expression: expression.optional(),
    enabled: boolean.optional(),
  })
  .refine((c) => !(c.groupsRegex !== undefined && c.expression !== undefined), {
    error: "sets both groupsRegex and expression; expected one of them",
  });

/** A list of Okta group IDs (`accessGroupIds`, `adminGroupIds`). */
export const groupIdList = z
  .array(
    z.string({ error: "expected an Okta group ID" }).regex(OKTA_GROUP_ID, {
      error: "expected an Okta group ID: 00g followed by 17 letters or digits (look it up in Directory > Groups)",
    }),
    { error: "expected a list of Okta group IDs" },
  )
  .refine((ids) => new Set(ids).size === ids.length, { error: "lists the same group twice" });

/**
 * One Registry Server claim matcher: claim name to the value (or any of the
 * values) the token must carry. Every key must match; an empty map never
 * matches in the registry (toolhive-registry-server `internal/auth/roles.go`),
 * so it is refused rather than silently granting nothing.
 */
export const claimMatcher = z
  .record(
    z.string({ error: "expected a claim name" }).min(1, { error: "expected a non-empty claim name" }),
    z.union(
      [
        z.string().min(1, { error: "expected a non-empty claim value" }),
        z.array(z.string().min(1, { error: "expected a non-empty claim value" })).min(1, { error: "expected at least one claim value" }),
      ],
      { error: "expected a claim value (a string) or a list of values any of which may match" },
    ),
    { error: 'expected a claim matcher such as {"groups": "stacklok-dev-admins"}' },
  )
  .refine((matcher) => Object.keys(matcher).length > 0, {
    error: 'is an empty matcher, which the Registry Server never matches; expected {"<claim>": "<value>"}',
  });

/**
 * An MCP server's name: a DNS label of at most 32 characters, as it ends the
 * Okta server name and the MCPOIDCConfig's Kubernetes name.
 */
export const mcpServerName = z
  .string({ error: "expected an MCP server name" })
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/, {
    error: "expected 1 to 32 lowercase letters, digits or dashes, starting and ending with a letter or digit",
  });
