/**
 * Reads a stack's config the way the Pulumi CLI hands it to the program:
 * `Pulumi.<stack>.yaml` values over the defaults declared in `Pulumi.yaml`,
 * every value as a string (objects and lists as JSON), keys qualified with
 * their namespace. Secure values are never decrypted: offline runs get a
 * placeholder, marked secret, in their place.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { isRecord } from "../../components/contract";

export interface StackConfig {
  project: string;
  stack: string;
  /** `namespace:key` -> value, as the engine passes it in PULUMI_CONFIG. */
  config: Record<string, string>;
  /** Keys whose values are secrets (PULUMI_CONFIG_SECRET_KEYS). */
  secretKeys: string[];
}

export class StackConfigError extends Error {}

const SECURE_PLACEHOLDER = "[secure value not decrypted offline]";

type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };


function isSecure(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(isSecure);
  if (!isRecord<YamlValue>(value)) return false;
  return (Object.keys(value).length === 1 && typeof value["secure"] === "string") || Object.values(value).some(isSecure);
}

function asEngineString(value: YamlValue): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

function qualify(key: string, project: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

function readYaml(path: string): unknown {
  try {
    return parse(readFileSync(path, "utf8")) as unknown;
  } catch (err) {
    throw new StackConfigError(`cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function loadStackConfig(projectDir: string, stack: string): StackConfig {
  const projectFile = readYaml(join(projectDir, "Pulumi.yaml"));
  if (!isRecord<YamlValue>(projectFile) || typeof projectFile["name"] !== "string") {
    throw new StackConfigError(`${join(projectDir, "Pulumi.yaml")} has no project name`);
  }
  const project = projectFile["name"];
  const stackPath = join(projectDir, `Pulumi.${stack}.yaml`);
  const stackFile = readYaml(stackPath);
  const stackValues = isRecord<YamlValue>(stackFile) && isRecord<YamlValue>(stackFile["config"]) ? stackFile["config"] : {};

  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(stackValues)) {
    const fullKey = qualify(key, project);
    if (isSecure(value)) {
      config[fullKey] = SECURE_PLACEHOLDER;
      secretKeys.push(fullKey);
    } else {
      config[fullKey] = asEngineString(value);
    }
  }

  // Declared project config: a default fills a missing key; a declared key
  // with neither a default nor a stack value stops the run, as the CLI does.
  const declared = isRecord<YamlValue>(projectFile["config"]) ? projectFile["config"] : {};
  const missing: string[] = [];
  for (const [key, declaration] of Object.entries(declared)) {
    const fullKey = qualify(key, project);
    if (fullKey in config) continue;
    const isSchema = isRecord<YamlValue>(declaration) && ("type" in declaration || "default" in declaration || "value" in declaration);
    const fallback = isSchema ? (declaration["default"] ?? declaration["value"]) : declaration;
    if (fallback === undefined || fallback === null) missing.push(key);
    else config[fullKey] = asEngineString(fallback);
  }
  if (missing.length > 0) {
    throw new StackConfigError(
      `Stack '${stack}' is missing configuration value${missing.length === 1 ? "" : "s"} ` +
        `${missing.map((k) => `'${k}'`).join(" and ")} (set with: pulumi config set <key> <value> --stack ${stack})`,
    );
  }
  return { project, stack, config, secretKeys };
}
