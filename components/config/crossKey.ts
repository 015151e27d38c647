/** Rules across config keys, which zod's per-key schema cannot express. */
import { DEFAULT_SERVER_NAME } from "../facts";
import { COMPONENTS, PLATFORM_COMPONENTS } from "../platform";
import type { Problem } from "./errors";
import type { RawConfig } from "./schema";
import type { ClaimKey, ClaimSpec } from "./types";

/** Cross-key rules zod's per-key schema cannot express. */
export function crossKeyProblems(raw: RawConfig, claims: ClaimSpec[]): Problem[] {
  const problems: Problem[] = [];
  PLATFORM_COMPONENTS.forEach((a, i) => {
    for (const b of PLATFORM_COMPONENTS.slice(i + 1)) {
      if (raw.audiences[a].toLowerCase() !== raw.audiences[b].toLowerCase()) continue;
      problems.push({
        path: ["audiences"],
        value: raw.audiences,
        message:
          `${a} and ${b} collide; each component needs its own audience so that a token minted ` +
          "for one is rejected by the other",
      });
    }
  });
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
  if (raw.extraAudiences.length > 0 && raw.mode === "per-component") {
    problems.push({
      path: ["extraAudiences"],
      value: raw.extraAudiences,
      message: "only applies to single mode, where an existing server (such as default) keeps audiences other apps use",
    });
  }
  const ours = PLATFORM_COMPONENTS.map((key) => raw.audiences[key].toLowerCase());
  raw.extraAudiences.forEach((extra, i) => {
    if (ours.includes(extra.toLowerCase())) {
      problems.push({
        path: ["extraAudiences", i],
        value: extra,
        message: "is already one of Stacklok's audiences; list only audiences other apps use",
      });
    }
  });
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
