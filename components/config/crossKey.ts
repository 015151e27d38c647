/** Rules across config keys, which zod's per-key schema cannot express. */
import { DEFAULT_SERVER_NAME } from "../facts";
import { COMPONENTS, DEFAULT_AUDIENCES, PLATFORM_COMPONENTS, SINGLE_MODE_AUDIENCE_OF, type PlatformComponent } from "../platform";
import type { Problem } from "./errors";
import type { RawConfig } from "./schema";
import type { ClaimKey, ClaimSpec } from "./types";

/**
 * Each component's audience. Single mode has one server and Okta gives a
 * server exactly one audience, so every component takes the single-mode
 * audience; per-component mode fills Stacklok's default for a key left unset.
 */
export function resolveAudiences(raw: RawConfig): Record<PlatformComponent, string> {
  const shared = raw.audiences[SINGLE_MODE_AUDIENCE_OF];
  return Object.fromEntries(
    PLATFORM_COMPONENTS.map((key) => [
      key,
      raw.mode === "single" ? shared : (raw.audiences[key] ?? DEFAULT_AUDIENCES[key]),
    ]),
  ) as Record<PlatformComponent, string>;
}

/** What Okta answers a server with another number of audiences, quoted in the refusals. */
const ONE_AUDIENCE_RULE =
  'Okta allows exactly one audience per authorization server (Authorization Servers API: "Okta currently ' +
  'supports only one audience"; a second is refused with "audiences: \'audiences\' must be an array with exactly one value.")';

/** Cross-key rules zod's per-key schema cannot express. */
export function crossKeyProblems(raw: RawConfig, claims: ClaimSpec[]): Problem[] {
  const problems: Problem[] = [];
  const sharedKey = `audiences.${SINGLE_MODE_AUDIENCE_OF}`;
  if (raw.mode === "single") {
    const shared = raw.audiences[SINGLE_MODE_AUDIENCE_OF];
    for (const key of PLATFORM_COMPONENTS) {
      const own = raw.audiences[key];
      if (key === SINGLE_MODE_AUDIENCE_OF || own === undefined || own === shared) continue;
      problems.push({
        path: ["audiences", key],
        value: own,
        message:
          `differs from ${sharedKey} (${JSON.stringify(shared)}), but single mode has one authorization server and ` +
          `${ONE_AUDIENCE_RULE}, so every component uses ${sharedKey}. Remove audiences.${key}, or use ` +
          "mode: per-component to give each component its own server and audience",
      });
    }
  } else {
    const resolved = resolveAudiences(raw);
    PLATFORM_COMPONENTS.forEach((a, i) => {
      for (const b of PLATFORM_COMPONENTS.slice(i + 1)) {
        if (resolved[a].toLowerCase() !== resolved[b].toLowerCase()) continue;
        problems.push({
          path: ["audiences"],
          value: raw.audiences,
          message:
            `${a} and ${b} collide; each component needs its own audience so that a token minted ` +
            "for one is rejected by the other",
        });
      }
    });
  }
  if (raw.mode === "per-component" && raw.authorizationServer !== DEFAULT_SERVER_NAME) {
    problems.push({
      path: ["authorizationServer"],
      value: raw.authorizationServer,
      message:
        "only applies to single mode; per-component mode creates one server per component " +
        `(stacklok-<environment>-${PLATFORM_COMPONENTS.map((key) => COMPONENTS[key].slug).join(" and -")}). ` +
        "Remove the key or use mode: single",
    });
  }
  if (raw.extraAudiences.length > 0) {
    problems.push({
      path: ["extraAudiences"],
      value: raw.extraAudiences,
      message:
        `is no longer accepted: ${ONE_AUDIENCE_RULE}, so a server cannot keep other apps' audiences beside ` +
        "Stacklok's. Remove the key. To keep apps that rely on api://default working while adopting default, set " +
        `${sharedKey}: api://default instead; the Stacklok components then accept every token default issues ` +
        "for that audience, including tokens other apps obtain, so prefer a custom authorizationServer or " +
        "mode: per-component",
    });
  }
  const seen = new Map<string, ClaimKey>();
  for (const spec of claims) {
    const clash = seen.get(spec.name);
    if (clash) {
      problems.push({
        path: ["claims", spec.key, "name"],
        value: spec.name,
        message: `is also the name of the ${clash} claim; expected distinct claim names`,
      });
    }
    seen.set(spec.name, spec.key);
  }
  if (!raw.createAccessGroup && raw.accessGroupIds.length === 0 && !raw.allowEveryone) {
    problems.push({
      path: ["createAccessGroup"],
      value: false,
      message:
        "leaves no group assigned to the apps, so every sign-in would fail with user_not_assigned; " +
        "expected createAccessGroup: true, some accessGroupIds, or allowEveryone: true",
    });
  }
  const { accessTokenLifetimeMinutes: access, refreshTokenLifetimeMinutes: lifetime, refreshTokenWindowMinutes: window } = raw;
  if (lifetime > 0 && lifetime < access) {
    problems.push({
      path: ["refreshTokenLifetimeMinutes"],
      value: lifetime,
      message: `is shorter than accessTokenLifetimeMinutes (${access}); expected 0 (unlimited) or at least ${access}`,
    });
  } else if (lifetime > 0 && (window < access || window > lifetime)) {
    problems.push({
      path: ["refreshTokenWindowMinutes"],
      value: window,
      message:
        `must lie between accessTokenLifetimeMinutes (${access}) and refreshTokenLifetimeMinutes (${lifetime}); ` +
        "Okta rejects the rule otherwise",
    });
  }
  return problems;
}
