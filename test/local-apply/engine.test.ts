/**
 * The engine's steps over an in-memory resource type: create, no-op,
 * update, replace (create-before-delete and delete-before-replace),
 * protect, retainOnDelete, deletion order, and what it refuses.
 */
import { describe, expect, it } from "vitest";
import { ApplyError, LocalEngine, type Registration } from "../../tools/local-apply/engine";
import { OktaHttp } from "../../tools/local-apply/http";
import { applyDefaults, ProviderSession, type Props, type ResourceMapping } from "../../tools/local-apply/provider";
import type { StackState } from "../../tools/local-apply/state";

const TYPE = "test:index/thing:Thing";

/** A resource type kept in a Map, logging each provider call. */
function thingType() {
  const org = new Map<string, Props>();
  const calls: string[] = [];
  let next = 0;
  const mapping: ResourceMapping = {
    type: TYPE,
    source: "test",
    inputs: ["name", "size", "kind"],
    withDefaults: (inputs) => applyDefaults(inputs, { size: 1 }),
    replaceKeys: ["kind"],
    setKeys: [],
    create(_session, news) {
      const id = `t${(next += 1)}`;
      org.set(id, { ...news });
      calls.push(`create ${String(news["name"])} ${id}`);
      return Promise.resolve({ id, outputs: { ...news } });
    },
    read(_session, id, olds) {
      calls.push(`read ${id}`);
      const found = org.get(id);
      return Promise.resolve(found ? { ...olds, ...found } : undefined);
    },
    update(_session, id, _olds, news, changed) {
      calls.push(`update ${id} ${changed.join(",")}`);
      org.set(id, { ...news });
      return Promise.resolve({ ...news });
    },
    delete(_session, id) {
      calls.push(`delete ${id}`);
      org.delete(id);
      return Promise.resolve();
    },
  };
  return { org, calls, mapping };
}

class OfflineSession extends ProviderSession {
  constructor() {
    super(new OktaHttp("http://127.0.0.1:9", "unused"));
  }
  override start(): Promise<void> {
    return Promise.resolve();
  }
}

const emptyState = (): StackState => ({ version: 1, project: "p", stack: "s", orgUrl: "http://127.0.0.1:9", resources: [], outputs: {} });

function engineOver(state: StackState, mapping: ResourceMapping) {
  const saved: StackState[] = [];
  const engine = new LocalEngine(new OfflineSession(), state, (s) => saved.push(s), () => undefined, new Map([[TYPE, mapping]]));
  return { engine, saved };
}

function reg(name: string, inputs: Props, options: Partial<Registration> = {}): Registration {
  return {
    type: TYPE,
    name,
    parent: "",
    custom: true,
    inputs: { name, ...inputs },
    protect: false,
    retainOnDelete: false,
    deleteBeforeReplace: false,
    replaceOnChanges: [],
    dependencies: [],
    importId: "",
    ...options,
  };
}

/** One apply: registers in order, then deletes leftovers; returns the new state. */
async function apply(state: StackState, mapping: ResourceMapping, registrations: Registration[]): Promise<StackState> {
  const { engine } = engineOver(structuredClone(state), mapping);
  for (const r of registrations) await engine.register(r);
  await engine.deleteLeftovers(false);
  return engine.snapshot();
}

describe("local-apply engine", () => {
  it("creates, then on a second apply reads and changes nothing", async () => {
    const thing = thingType();
    const first = await apply(emptyState(), thing.mapping, [reg("a", { kind: "x" })]);
    expect(thing.calls).toEqual(["create a t1"]);
    thing.calls.length = 0;
    const second = await apply(first, thing.mapping, [reg("a", { kind: "x" })]);
    expect(thing.calls).toEqual(["read t1"]);
    expect(second.resources.map((r) => r.id)).toEqual(["t1"]);
  });

  it("updates in place when only updatable inputs changed", async () => {
    const thing = thingType();
    const first = await apply(emptyState(), thing.mapping, [reg("a", { kind: "x" })]);
    thing.calls.length = 0;
    await apply(first, thing.mapping, [reg("a", { kind: "x", size: 3 })]);
    expect(thing.calls).toEqual(["read t1", "update t1 size"]);
  });

  it("replaces on a ForceNew change: creates the new one first, deletes the old one after the program", async () => {
    const thing = thingType();
    const first = await apply(emptyState(), thing.mapping, [reg("a", { kind: "x" })]);
    thing.calls.length = 0;
    const second = await apply(first, thing.mapping, [reg("a", { kind: "y" })]);
    expect(thing.calls).toEqual(["read t1", "create a t2", "delete t1"]);
    expect(second.resources.map((r) => r.id)).toEqual(["t2"]);
  });

  it("replaces on a replaceOnChanges input, deleting first under deleteBeforeReplace", async () => {
    const thing = thingType();
    const first = await apply(emptyState(), thing.mapping, [reg("a", { kind: "x" })]);
    thing.calls.length = 0;
    await apply(first, thing.mapping, [reg("a", { kind: "x", size: 2 }, { replaceOnChanges: ["size"], deleteBeforeReplace: true })]);
    expect(thing.calls).toEqual(["read t1", "delete t1", "create a t2"]);
  });

  it("refuses to replace a protected resource", async () => {
    const thing = thingType();
    const first = await apply(emptyState(), thing.mapping, [reg("a", { kind: "x" }, { protect: true })]);
    thing.calls.length = 0;
    await expect(apply(first, thing.mapping, [reg("a", { kind: "y" }, { protect: true })])).rejects.toThrow(
      /unable to replace resource "urn:pulumi:s::p::test:index\/thing:Thing::a" as it is currently marked for protection/,
    );
    expect(thing.calls).toEqual(["read t1"]);
  });

  it("deletes unregistered resources children first, and refuses before any delete when one is protected", async () => {
    const thing = thingType();
    const registered = [reg("parent", {}), reg("child", {}), reg("guarded", {}, { protect: true })];
    const first = await apply(emptyState(), thing.mapping, registered);
    thing.calls.length = 0;
    await expect(apply(first, thing.mapping, [])).rejects.toThrow(/refusing to delete protected resource:\n {2}urn:pulumi:s::p::test:index\/thing:Thing::guarded \(t3\)/);
    expect(thing.calls).toEqual([]);

    const unguarded = await apply(first, thing.mapping, [reg("parent", {}), reg("child", {}), reg("guarded", {})]);
    thing.calls.length = 0;
    const emptied = await apply(unguarded, thing.mapping, []);
    expect(thing.calls).toEqual(["delete t3", "delete t2", "delete t1"]);
    expect(emptied.resources).toEqual([]);
  });

  it("retainOnDelete leaves the object in the org and drops it from the state", async () => {
    const thing = thingType();
    const first = await apply(emptyState(), thing.mapping, [reg("kept", {}, { retainOnDelete: true })]);
    thing.calls.length = 0;
    const second = await apply(first, thing.mapping, []);
    expect(thing.calls).toEqual([]);
    expect(thing.org.has("t1")).toBe(true);
    expect(second.resources).toEqual([]);
  });

  it("creates again what the refresh finds deleted out of band", async () => {
    const thing = thingType();
    const first = await apply(emptyState(), thing.mapping, [reg("a", {})]);
    thing.org.clear();
    thing.calls.length = 0;
    const second = await apply(first, thing.mapping, [reg("a", {})]);
    expect(thing.calls).toEqual(["read t1", "create a t2"]);
    expect(second.resources.map((r) => r.id)).toEqual(["t2"]);
  });

  it("refuses inputs and types it does not map, naming them", async () => {
    const thing = thingType();
    const { engine } = engineOver(emptyState(), thing.mapping);
    await expect(engine.register(reg("a", { colour: "red" }))).rejects.toThrow(/inputs colour of test:index\/thing:Thing are not emulated/);
    await expect(engine.register({ ...reg("b", {}), type: "okta:index/brand:Brand" })).rejects.toThrow(ApplyError);
    await expect(engine.register(reg("c", {}, { importId: "t9" }))).rejects.toThrow(/import \(id t9\) is not emulated/);
    expect(thing.calls).toEqual([]);
  });

  it("refuses a second resource under the same URN", async () => {
    const thing = thingType();
    const { engine } = engineOver(emptyState(), thing.mapping);
    await engine.register(reg("a", {}));
    await expect(engine.register(reg("a", { size: 2 }))).rejects.toThrow(/Duplicate resource URN 'urn:pulumi:s::p::test:index\/thing:Thing::a'/);
    expect(thing.calls).toEqual(["create a t1"]);
  });

  it("forms URNs as the Pulumi engine does: ancestors' types below the stack", () => {
    const { engine } = engineOver(emptyState(), thingType().mapping);
    const stack = engine.urnOf("pulumi:pulumi:Stack", "p-s", "");
    const component = engine.urnOf("my:x:Component", "c", stack);
    expect(component).toBe("urn:pulumi:s::p::my:x:Component::c");
    expect(engine.urnOf(TYPE, "t", component)).toBe("urn:pulumi:s::p::my:x:Component$test:index/thing:Thing::t");
  });
});
