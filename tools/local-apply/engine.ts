/**
 * The part of the Pulumi engine an update needs, over the resources the
 * program registers: each Okta resource is created, refreshed and diffed,
 * updated or replaced, and resources no longer registered are deleted at
 * the end, children first. What it does, step by step, is what
 * `pulumi up --refresh` does with terraform-provider-okta behind it:
 *
 * - a resource not in the state is created (the provider's Create, which
 *   reads the object back);
 * - a resource in the state is read (the provider's Read); when the desired
 *   inputs equal the refreshed state nothing is written; otherwise the
 *   provider's Update runs, or, when a ForceNew input or one named in
 *   `replaceOnChanges` changed, a replacement: create-then-delete, or
 *   delete-then-create under `deleteBeforeReplace`;
 * - replaced and unregistered resources are deleted after the program
 *   finished, in reverse state order (children before parents), except
 *   `retainOnDelete` ones, which only leave the state; a `protect`ed one
 *   stops the update before anything is deleted.
 *
 * Not emulated: `import`, `ignoreChanges`, aliases, explicit providers,
 * `pulumi refresh` on its own, previews, and replacing the dependents of a
 * delete-before-replace resource.
 */
import { REDACTED } from "../../components/contract";
import { OktaApiError } from "./http";
import { INVOKES } from "./invokes";
import { changedInputs, type Props, type ProviderSession, type ResourceMapping } from "./provider";
import { RESOURCES } from "./resources";
import type { StackState, StateResource } from "./state";

export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export interface Registration {
  type: string;
  name: string;
  parent: string;
  custom: boolean;
  inputs: Props;
  protect: boolean;
  retainOnDelete: boolean;
  deleteBeforeReplace: boolean;
  replaceOnChanges: string[];
  dependencies: string[];
  importId: string;
}

export type Step = "create" | "update" | "replace" | "same" | "delete" | "retain";

export interface StepRecord {
  step: Step;
  urn: string;
  id?: string;
}

/** An error Pulumi would print without a stack trace; its message says what to do. */
export class ApplyError extends Error {
  override readonly name = "ApplyError";
}

export class LocalEngine {
  /** This run's resources, in the order their steps completed (a valid dependency order). */
  private readonly current = new Map<string, StateResource>();
  private readonly olds: Map<string, StateResource>;
  private readonly pendingDeletes: StateResource[];
  /** URNs registered this run, finished or not. */
  private readonly registered = new Set<string>();
  readonly steps: StepRecord[] = [];
  /** Errors from steps, reported after the program's run. */
  readonly errors: Error[] = [];
  stackOutputs: Props | undefined;

  constructor(
    private readonly session: ProviderSession,
    private readonly state: StackState,
    private readonly persist: (state: StackState) => void,
    private readonly log: (line: string) => void,
    private readonly resources: ReadonlyMap<string, ResourceMapping> = RESOURCES,
  ) {
    this.olds = new Map(state.resources.filter((r) => !r.pendingDelete).map((r) => [r.urn, r]));
    this.pendingDeletes = state.resources.filter((r) => r.pendingDelete === true);
  }

  /** A resource's URN as the engine forms it: its ancestors' types below the stack, then its own. */
  urnOf(type: string, name: string, parent: string): string {
    const prefix = `urn:pulumi:${this.state.stack}::${this.state.project}::`;
    const parentType = parent ? (parent.split("::")[2] ?? "") : "";
    const qualified = parentType === "" || parentType === "pulumi:pulumi:Stack" ? type : `${parentType}$${type}`;
    return `${prefix}${qualified}::${name}`;
  }

  async register(reg: Registration): Promise<{ urn: string; id: string; outputs: Props }> {
    const urn = this.urnOf(reg.type, reg.name, reg.parent);
    try {
      // As the engine refuses two resources under one URN.
      if (this.registered.has(urn)) throw new ApplyError(`Duplicate resource URN '${urn}'; try giving it a unique name`);
      this.registered.add(urn);
      if (!reg.custom || reg.type.startsWith("pulumi:")) {
        this.record(urn, reg, undefined, reg.inputs);
        return { urn, id: "", outputs: reg.inputs };
      }
      const mapping = this.resources.get(reg.type);
      if (!mapping) throw new ApplyError(`${urn}: resource type ${reg.type} is not emulated by local-apply`);
      const { id, outputs } = await this.apply(urn, reg, mapping);
      this.record(urn, reg, id, outputs);
      return { urn, id, outputs: markSecrets(outputs, mapping.secretOutputs ?? []) };
    } catch (err) {
      const error = stepError(urn, err);
      this.errors.push(error);
      throw error;
    }
  }

  async invoke(token: string, args: Props): Promise<Props> {
    const invoke = INVOKES[token];
    if (!invoke) throw new ApplyError(`invoke ${token} is not emulated by local-apply`);
    await this.session.start();
    return invoke(this.session, args);
  }

  /** The stack's outputs as `registerOutputs` handed them over. */
  setStackOutputs(outputs: Props): void {
    this.stackOutputs = outputs;
    this.save();
  }

  private async apply(urn: string, reg: Registration, mapping: ResourceMapping): Promise<{ id: string; outputs: Props }> {
    const unknown = Object.keys(reg.inputs).filter((key) => reg.inputs[key] !== undefined && !mapping.inputs.includes(key));
    if (unknown.length > 0) {
      throw new ApplyError(`inputs ${unknown.join(", ")} of ${reg.type} are not emulated by local-apply (it maps ${mapping.inputs.join(", ")})`);
    }
    if (reg.importId !== "") throw new ApplyError(`import (id ${reg.importId}) is not emulated by local-apply`);
    const news = mapping.withDefaults(reg.inputs);
    await this.session.start();

    const old = this.olds.get(urn);
    if (!old?.id) return this.create(urn, mapping, news);

    const refreshed = await mapping.read(this.session, old.id, old.outputs);
    if (refreshed === undefined) {
      // The refresh found it gone, so it leaves the state and is created again.
      this.log(`  ~ ${urn} (${old.id}) no longer exists in the org`);
      return this.create(urn, mapping, news);
    }
    const changed = changedInputs(mapping, news, refreshed);
    if (changed.length === 0) {
      this.step("same", urn, old.id);
      return { id: old.id, outputs: refreshed };
    }
    const replaceOn = [...mapping.replaceKeys, ...reg.replaceOnChanges];
    const replace = reg.replaceOnChanges.includes("*") || changed.some((key) => replaceOn.includes(key));
    if (!replace) {
      this.log(`  ~ update ${urn} (${old.id}): ${changed.join(", ")}`);
      const outputs = await mapping.update(this.session, old.id, refreshed, news, changed);
      this.step("update", urn, old.id);
      return { id: old.id, outputs };
    }
    if (old.protect) {
      throw new ApplyError(
        `unable to replace resource "${urn}" as it is currently marked for protection (changed: ${changed.join(", ")}). ` +
          "To unprotect it, apply once with protect turned off.",
      );
    }
    this.log(`  +- replace ${urn} (${old.id}): ${changed.join(", ")}${reg.deleteBeforeReplace ? ", deleting first" : ""}`);
    if (reg.deleteBeforeReplace) {
      if (!old.retainOnDelete) await mapping.delete(this.session, old.id, refreshed);
      this.olds.delete(urn);
      const created = await this.create(urn, mapping, news, "replace");
      return created;
    }
    const created = await this.create(urn, mapping, news, "replace");
    this.pendingDeletes.push({ ...old, outputs: refreshed, pendingDelete: true });
    this.save();
    return created;
  }

  private async create(urn: string, mapping: ResourceMapping, news: Props, step: Step = "create"): Promise<{ id: string; outputs: Props }> {
    const created = await mapping.create(this.session, news);
    this.step(step, urn, created.id);
    return created;
  }

  /**
   * Deletes what this run replaced or no longer registers (all of the state
   * for a destroy). Protected resources stop it before the first delete.
   */
  async deleteLeftovers(destroy: boolean): Promise<void> {
    const leftovers = [
      ...this.state.resources.filter((r) => destroy || (!r.pendingDelete && !this.current.has(r.urn))),
      ...(destroy ? [] : this.pendingDeletes),
    ];
    // The old state's order is a dependency order; a replaced resource's old
    // copy keeps its place, so its old children go before it.
    const position = new Map<string, number>();
    this.state.resources.forEach((r, i) => {
      if (!position.has(r.urn)) position.set(r.urn, i);
    });
    const doomed = leftovers
      .filter((r, i, all) => all.indexOf(r) === i)
      .sort((a, b) => (position.get(b.urn) ?? 0) - (position.get(a.urn) ?? 0));

    const protectedOnes = doomed.filter((r) => r.protect && !r.pendingDelete);
    if (protectedOnes.length > 0) {
      throw new ApplyError(
        `refusing to delete protected resource${protectedOnes.length === 1 ? "" : "s"}:\n` +
          protectedOnes.map((r) => `  ${r.urn}${r.id ? ` (${r.id})` : ""}`).join("\n") +
          "\nThey are marked protect: apply with protect turned off first, then delete them.",
      );
    }
    for (const resource of doomed) {
      const mapping = resource.custom ? this.resources.get(resource.type) : undefined;
      if (resource.retainOnDelete) {
        this.log(`  - retain ${resource.urn} (${resource.id ?? ""}): left in the org, dropped from the state`);
        this.step("retain", resource.urn, resource.id);
      } else if (mapping && resource.id) {
        await this.session.start();
        this.log(`  - delete ${resource.urn} (${resource.id})`);
        try {
          await mapping.delete(this.session, resource.id, resource.outputs);
        } catch (err) {
          throw stepError(resource.urn, err);
        }
        this.step("delete", resource.urn, resource.id);
      }
      this.forget(resource, destroy);
    }
    if (destroy) this.stackOutputs = {};
    this.save();
  }

  /** The state as it now stands: this run's resources, then old ones not yet dealt with. */
  snapshot(): StackState {
    const untouched = this.state.resources.filter((r) => !r.pendingDelete && !this.current.has(r.urn) && this.olds.has(r.urn));
    return {
      ...this.state,
      resources: [...this.current.values(), ...untouched, ...this.pendingDeletes],
      outputs: this.stackOutputs ?? this.state.outputs,
    };
  }

  private forget(resource: StateResource, destroy: boolean): void {
    const pending = this.pendingDeletes.indexOf(resource);
    if (pending >= 0) this.pendingDeletes.splice(pending, 1);
    if (resource.pendingDelete) return;
    this.olds.delete(resource.urn);
    if (destroy) this.current.delete(resource.urn);
    const index = this.state.resources.indexOf(resource);
    if (index >= 0) this.state.resources.splice(index, 1);
  }

  private record(urn: string, reg: Registration, id: string | undefined, outputs: Props): void {
    this.current.set(urn, {
      urn,
      type: reg.type,
      custom: reg.custom,
      ...(id === undefined ? {} : { id }),
      ...(reg.parent ? { parent: reg.parent } : {}),
      inputs: reg.inputs,
      outputs,
      ...(reg.protect ? { protect: true } : {}),
      ...(reg.retainOnDelete ? { retainOnDelete: true } : {}),
      ...(reg.deleteBeforeReplace ? { deleteBeforeReplace: true } : {}),
      ...(reg.replaceOnChanges.length > 0 ? { replaceOnChanges: reg.replaceOnChanges } : {}),
      ...(reg.dependencies.length > 0 ? { dependencies: reg.dependencies } : {}),
    });
    this.save();
  }

  private step(step: Step, urn: string, id?: string): void {
    this.steps.push({ step, urn, ...(id === undefined ? {} : { id }) });
    if (step === "create" || step === "replace") this.log(`  + ${step} ${urn} (${id ?? ""})`);
  }

  private save(): void {
    this.persist(this.snapshot());
  }
}

/** Marks the outputs the engine treats as secret, in the SDK's wire form. */
export function markSecrets(outputs: Props, keys: readonly string[]): Props {
  const marked: Props = { ...outputs };
  for (const key of keys) {
    if (marked[key] !== undefined) marked[key] = { [SECRET_SIG_KEY]: SECRET_SIG, value: marked[key] };
  }
  return marked;
}

/** Engine values as plain JSON, secrets revealed; `secretPaths` collects where they were. */
export function revealSecrets(value: unknown, path = "", secretPaths: string[] = []): unknown {
  return massageSecrets(value, true, path, secretPaths);
}

/**
 * Engine values as plain JSON the way `pulumi stack output --json` prints
 * them without `--show-secrets`: every value the program made secret, at
 * whatever depth, becomes the string REDACTED (pulumi/pulumi
 * `pkg/backend/display` `MassageSecrets`).
 */
export function maskSecrets(value: unknown): unknown {
  return massageSecrets(value, false, "", []);
}

function massageSecrets(value: unknown, show: boolean, path: string, secretPaths: string[]): unknown {
  if (Array.isArray(value)) return value.map((v, i) => massageSecrets(v, show, `${path}[${i}]`, secretPaths));
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[SECRET_SIG_KEY] === SECRET_SIG) {
      secretPaths.push(path);
      return show ? massageSecrets(record["value"], show, path, secretPaths) : REDACTED;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(record)) out[k] = massageSecrets(v, show, path ? `${path}.${k}` : k, secretPaths);
    return out;
  }
  return value;
}

function stepError(urn: string, err: unknown): Error {
  if (err instanceof ApplyError) return err;
  const message = err instanceof OktaApiError || err instanceof Error ? err.message : String(err);
  return new ApplyError(`${urn}: ${message}`);
}
