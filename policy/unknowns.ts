/**
 * Inputs the engine does not know yet. During `pulumi preview` (and the
 * preview half of `pulumi up`) an input computed from a resource not created
 * yet, such as an app's client ID, reaches the pack as an unknown value, and
 * `@pulumi/policy` hands the inputs through a proxy that throws its
 * `UnknownValueError` the moment such a value is read
 * (`@pulumi/policy/proxy.js`, `unknownCheckingProxy`).
 */
import { UNKNOWN_AT_PREVIEW, type Props } from "./rules";

/** `@pulumi/policy`'s own error class: the proxy's module declares no types, hence the typed require. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { UnknownValueError } = require("@pulumi/policy/proxy") as { UnknownValueError: new (...args: never[]) => Error };

export interface KnownInputs {
  /** The inputs, each unknown value (at any depth) replaced by `UNKNOWN_AT_PREVIEW`. */
  props: Props;
  /** Top-level input properties holding at least one unknown value. */
  unknownProperties: ReadonlySet<string>;
}

/** Reads the proxied inputs once, all the way down, without ever throwing on an unknown. */
export function knownInputs(proxied: Props): KnownInputs {
  const props: Record<string, unknown> = {};
  const unknownProperties = new Set<string>();
  for (const key of Object.keys(proxied)) {
    const read = readKnown(() => proxied[key]);
    props[key] = read.value;
    if (read.unknown) unknownProperties.add(key);
  }
  return { props, unknownProperties };
}

/** `groups[0].profile` and `groups.0.profile` belong to `groups`. */
export function topLevelProperty(property: string): string {
  return property.split(/[.[]/, 1)[0] ?? property;
}

function readKnown(read: () => unknown): { value: unknown; unknown: boolean } {
  let value: unknown;
  try {
    value = read();
  } catch (error) {
    if (error instanceof UnknownValueError) return { value: UNKNOWN_AT_PREVIEW, unknown: true };
    throw error;
  }
  if (Array.isArray(value)) {
    // Index by index: Array methods would read every element through the proxy at once.
    const array = value as unknown[];
    const copy: unknown[] = [];
    let unknown = false;
    for (let index = 0; index < array.length; index++) {
      const element = readKnown(() => array[index]);
      copy.push(element.value);
      unknown ||= element.unknown;
    }
    return { value: copy, unknown };
  }
  if (value !== null && typeof value === "object") {
    const object = value as Record<string, unknown>;
    const copy: Record<string, unknown> = {};
    let unknown = false;
    for (const key of Object.keys(object)) {
      const field = readKnown(() => object[key]);
      copy[key] = field.value;
      unknown ||= field.unknown;
    }
    return { value: copy, unknown };
  }
  return { value, unknown: false };
}
