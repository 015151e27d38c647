/**
 * The provider runs resources in parallel: 200 writes, 20 in flight at a time,
 * must leave exactly the objects they created, with the state file matching.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { OrgState } from "../../tools/okta-local";
import { serverBody, startTestOrg, webAppBody, type Json, type TestOrg } from "./support";

let t: TestOrg;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "okta-local-load-"));
  t = await startTestOrg({ statePath: join(dir, "org.json") });
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

async function inBatches<T>(tasks: (() => Promise<T>)[], width: number): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await (tasks[index] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}

it("keeps state consistent under 200 parallel writes (groups, claims, assignments, duplicates)", async () => {
  const serverId = String((await t.call("POST", "/api/v1/authorizationServers", serverBody("load"))).body.id);
  const appId = String((await t.call("POST", "/api/v1/apps", webAppBody("load"))).body.id);
  const claimsBefore = Object.keys(t.org.store.state.claims[serverId] ?? {}).length;

  const tasks: (() => Promise<{ kind: string; status: number; body: Json }>)[] = [];
  for (let i = 0; i < 80; i++) {
    tasks.push(async () => ({ kind: "group", ...(await t.call("POST", "/api/v1/groups", { profile: { name: `load-${i}` } })) }));
  }
  // The same 20 names twice: exactly one of each pair may win.
  for (let i = 0; i < 40; i++) {
    tasks.push(async () => ({ kind: "dup", ...(await t.call("POST", "/api/v1/groups", { profile: { name: `dup-${i % 20}` } })) }));
  }
  for (let i = 0; i < 60; i++) {
    tasks.push(async () => ({ kind: "claim", ...(await t.call("POST", `/api/v1/authorizationServers/${serverId}/claims`, { name: `claim-${i}`, claimType: "RESOURCE", valueType: "EXPRESSION", value: `user.attr${i}` })) }));
  }
  const results = await inBatches(tasks, 20);
  // 20 more: assign the first 20 load groups to the app in parallel.
  const groupIds = results.filter((r) => r.kind === "group").map((r) => String(r.body.id));
  const assignments = await inBatches(groupIds.slice(0, 20).map((id, i) => async () => t.call("PUT", `/api/v1/apps/${appId}/groups/${id}`, { priority: i })), 20);

  expect(results.filter((r) => r.kind === "group").every((r) => r.status === 200)).toBe(true);
  expect(results.filter((r) => r.kind === "claim").every((r) => r.status === 201)).toBe(true);
  const dups = results.filter((r) => r.kind === "dup");
  expect(dups.filter((r) => r.status === 200)).toHaveLength(20);
  expect(dups.filter((r) => r.status === 400)).toHaveLength(20);
  expect(assignments.every((a) => a.status === 200)).toBe(true);

  const state = t.org.store.state;
  const names = Object.values(state.groups).map((g) => String((g.profile as Json).name));
  expect(new Set(names).size).toBe(names.length);
  expect(names.filter((n) => n.startsWith("load-"))).toHaveLength(80);
  expect(names.filter((n) => n.startsWith("dup-"))).toHaveLength(20);
  expect(Object.keys(state.claims[serverId] ?? {})).toHaveLength(claimsBefore + 60);
  expect(Object.keys(state.appGroupAssignments[appId] ?? {}).sort()).toEqual(groupIds.slice(0, 20).sort());
  const listed = await t.call<Json[]>("GET", `/api/v1/apps/${appId}/groups?limit=200`);
  expect(listed.body).toHaveLength(20);

  // The file holds the final state, not an interleaving.
  const saved = JSON.parse(readFileSync(join(dir, "org.json"), "utf8")) as OrgState;
  expect(saved.groups).toEqual(state.groups);
  expect(saved.claims).toEqual(state.claims);
  expect(saved.appGroupAssignments).toEqual(state.appGroupAssignments);
});
