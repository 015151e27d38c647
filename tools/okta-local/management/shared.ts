/**
 * What every management route needs: the org, body validation into Okta's
 * E0000001, lookups that answer E0000007, `Link`-header paging and the
 * `filter`/`search` expressions list calls take.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { invalidSearch, notFound, validationFailedFromZod, type OktaResourceType } from "../errors";
import type { OktaJson, OrgState, Store } from "../store";

export interface ManagementContext {
  store: Store;
  orgUrl: () => string;
  log: (message: string) => void;
}

export type ManagementRoutes = (app: FastifyInstance, ctx: ManagementContext) => void;

export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) throw validationFailedFromZod(result.error, body);
  return result.data;
}

export function timestamp(): string {
  return new Date().toISOString();
}

export function lookup(map: Record<string, OktaJson> | undefined, id: string, type: OktaResourceType): OktaJson {
  const found = map && Object.hasOwn(map, id) ? map[id] : undefined;
  if (!found) throw notFound(id, type);
  return found;
}

export function params(request: FastifyRequest): Record<string, string> {
  return request.params as Record<string, string>;
}

export function query(request: FastifyRequest): Record<string, string | undefined> {
  const raw = request.query as Record<string, unknown>;
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(raw)) {
    const first: unknown = Array.isArray(value) ? value[0] : value;
    out[key] = typeof first === "string" ? first : first === undefined ? undefined : JSON.stringify(first);
  }
  return out;
}

/** `?activate=` and similar flags: Okta reads `true`/`false`. */
export function booleanQuery(request: FastifyRequest, name: string, fallback: boolean): boolean {
  const value = query(request)[name];
  if (value === undefined) return fallback;
  return parseBody(
    z.object({ [name]: z.enum(["true", "false"], { message: `${name} must be true or false` }) }),
    { [name]: value },
  )[name] === "true";
}

/**
 * Okta pages list calls with `limit` and an opaque `after` cursor and says
 * where the next page is only in a `Link: <…>; rel="next"` header; the last
 * page has no `next` link (https://developer.okta.com/docs/api/#pagination).
 * okta-local's cursor is the last item's id.
 */
export function page<T extends OktaJson>(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: ManagementContext,
  items: T[],
  limits: { defaultLimit: number; maxLimit: number },
  cursorOf: (item: T) => string = (item) => String(item.id),
): T[] {
  const q = query(request);
  const parsed = parseBody(
    z.object({
      limit: z.coerce.number().int().min(1, "limit must be at least 1").optional(),
      after: z.string().optional(),
    }),
    { limit: q.limit, after: q.after },
  );
  // ASSUMPTION: a limit above the maximum is clamped to it, not rejected.
  const limit = Math.min(parsed.limit ?? limits.defaultLimit, limits.maxLimit);
  let start = 0;
  if (parsed.after !== undefined) {
    const index = items.findIndex((item) => cursorOf(item) === parsed.after);
    start = index === -1 ? items.length : index + 1;
  }
  const slice = items.slice(start, start + limit);
  const base = new URL(request.url, ctx.orgUrl());
  const link = (after: string | undefined): string => {
    const url = new URL(base.pathname, ctx.orgUrl());
    for (const [key, value] of base.searchParams) if (key !== "after" && key !== "limit") url.searchParams.append(key, value);
    url.searchParams.set("limit", String(limit));
    if (after !== undefined) url.searchParams.set("after", after);
    return url.toString();
  };
  const links = [`<${link(parsed.after)}>; rel="self"`];
  const last = slice[slice.length - 1];
  if (start + limit < items.length && last) links.push(`<${link(cursorOf(last))}>; rel="next"`);
  void reply.header("link", links);
  return slice;
}

/**
 * Okta's `filter` and `search` expressions, the subset okta-local evaluates:
 * `attr eq|sw|co "value"` and `attr pr` terms joined by `and` or `or` (no parentheses),
 * attributes as dotted paths (`profile.name`, `type`). Anything else answers
 * E0000031 rather than matching nothing.
 */
export function matchesExpression(expression: string, item: OktaJson): boolean {
  return parseExpression(expression)(item);
}

type Predicate = (item: OktaJson) => boolean;

export function parseExpression(expression: string): Predicate {
  const orParts = expression.split(/\s+or\s+/i);
  const orPredicates = orParts.map((orPart) => {
    const andPredicates = orPart.split(/\s+and\s+/i).map(parseTerm);
    return (item: OktaJson) => andPredicates.every((p) => p(item));
  });
  return (item) => orPredicates.some((p) => p(item));
}

function parseTerm(term: string): Predicate {
  // `attr pr`: the attribute is present (has a value), as the provider's users data source sends it.
  const present = /^\s*([A-Za-z][\w.]*)\s+pr\s*$/i.exec(term);
  if (present) {
    const attribute = present[1] ?? "";
    return (item) => {
      const actual = attributeValue(item, attribute);
      return actual !== undefined && actual !== null;
    };
  }
  const match = /^\s*([A-Za-z][\w.]*)\s+(eq|sw|co)\s+(?:"((?:[^"\\]|\\.)*)"|(true|false|\d+))\s*$/i.exec(term);
  if (!match) throw invalidSearch(`cannot evaluate "${term}": okta-local understands attr eq|sw|co "value" and attr pr, joined by and/or`);
  const [, attribute = "", operator = "", quoted, bare] = match;
  const expected = (quoted ?? bare ?? "").replace(/\\(.)/g, "$1");
  return (item) => {
    const actual = attributeValue(item, attribute);
    if (actual === undefined || actual === null) return false;
    const text = typeof actual === "string" ? actual : JSON.stringify(actual);
    switch (operator.toLowerCase()) {
      case "eq":
        return text === expected;
      case "sw":
        return text.toLowerCase().startsWith(expected.toLowerCase());
      default:
        return text.toLowerCase().includes(expected.toLowerCase());
    }
  };
}

function attributeValue(item: OktaJson, path: string): unknown {
  let current: unknown = item;
  for (const key of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export function selfLink(ctx: ManagementContext, path: string, allow?: string[]): OktaJson {
  return allow ? { href: `${ctx.orgUrl()}${path}`, hints: { allow } } : { href: `${ctx.orgUrl()}${path}` };
}

/** Okta's "An object with this field already exists" validation failure for a unique field. */
export const ALREADY_EXISTS = "An object with this field already exists in the current organization";

export type { OrgState };
