/**
 * Stack config (namespace `stacklok-identity`), validated with zod before any
 * resource is created. Each message names the key path, the value given and
 * what is accepted.
 *
 * decode.ts   Pulumi's string values to typed ones
 * rules.ts    rules for single values (URLs, audiences, names, expressions)
 * schema.ts   the schema, one entry per key, with the defaults
 * types.ts    the resolved config the program builds from
 * claims.ts   claim config mapped to Okta's claim API values
 * crossKey.ts rules across keys
 * errors.ts   problems formatted for operators
 * parse.ts    raw values to resolved config (pure)
 * read.ts     reading the stack's config through Pulumi
 */
export { ConfigError, keyPath } from "./errors";
export { environmentFromStack, parseStackConfig, type ParseContext, type ParseResult } from "./parse";
export { readStackConfig } from "./read";
export { RESERVED_CLAIM_NAMES } from "./rules";
export { CONFIG_KEYS, CONFIG_NAMESPACE, configDefaults } from "./schema";
export type {
  ClaimKey,
  ClaimMatcher,
  ClaimSpec,
  McpServerConfig,
  RegistryRoles,
  StacklokIdentityConfig,
  TokenLifetimes,
} from "./types";
