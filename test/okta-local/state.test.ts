/**
 * The org's state: saved after every change, atomically, loaded on start,
 * issuers moved when the org comes back on another port; and the seed file.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as nodeFs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFileAtomically } from "../../tools/okta-local/atomicWrite";
import { parseSeed, readSeedFile } from "../../tools/okta-local/seed";
import { newOktaId, Store, type OrgState } from "../../tools/okta-local/store";
import { SeedError } from "../../tools/okta-local";
import { startTestOrg, type Json } from "./support";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "okta-local-state-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("Store", () => {
  it("makes 20-character Okta ids with the given prefix", () => {
    const ids = new Set(Array.from({ length: 500 }, () => newOktaId("00g")));
    expect(ids.size).toBe(500);
    for (const id of ids) expect(id).toMatch(/^00g[0-9A-Za-z]{17}$/);
  });

  it("rolls a change back when it throws", () => {
    const store = new Store({ orgUrl: "http://127.0.0.1:1" });
    expect(() =>
      store.mutate((s) => {
        s.groups.x = { id: "x" };
        throw new Error("bad input");
      }),
    ).toThrow("bad input");
    expect(store.state.groups).toEqual({});
  });

  it("saves the whole state after every change and loads it back", () => {
    const path = join(dir, "roundtrip.json");
    const store = new Store({ orgUrl: "http://127.0.0.1:1", statePath: path });
    store.mutate((s) => {
      s.groups["00gabc"] = { id: "00gabc", profile: { name: "saved" } };
    });
    const saved = JSON.parse(readFileSync(path, "utf8")) as OrgState;
    expect(saved.groups["00gabc"]).toEqual({ id: "00gabc", profile: { name: "saved" } });
    const reloaded = new Store({ orgUrl: "http://127.0.0.1:1", statePath: path });
    expect(reloaded.state).toEqual(store.state);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("refuses a state file that is not JSON or not an org, naming the file", () => {
    const garbage = join(dir, "garbage.json");
    writeFileSync(garbage, "{half");
    expect(() => new Store({ orgUrl: "http://127.0.0.1:1", statePath: garbage })).toThrow(/garbage\.json is not valid JSON/);
    const other = join(dir, "other.json");
    writeFileSync(other, JSON.stringify({ hello: 1 }));
    expect(() => new Store({ orgUrl: "http://127.0.0.1:1", statePath: other })).toThrow(/does not hold an okta-local org/);
  });
});

describe("atomic write", () => {
  it("leaves the old file whole and no temporary file when the write fails before the rename", () => {
    const path = join(dir, "atomic.json");
    writeFileSync(path, '{"old":true}');
    const failingRename = { ...nodeFs, renameSync: () => { throw new Error("crash before rename"); } } as unknown as typeof nodeFs;
    expect(() => writeFileAtomically(path, '{"new":true}', failingRename)).toThrow("crash before rename");
    expect(readFileSync(path, "utf8")).toBe('{"old":true}');
    expect(readdirSync(dir).filter((f) => f.startsWith(".atomic.json"))).toEqual([]);
    const failingWrite = { ...nodeFs, writeSync: () => { throw new Error("disk full"); } } as unknown as typeof nodeFs;
    expect(() => writeFileAtomically(path, '{"new":true}', failingWrite)).toThrow("disk full");
    expect(readFileSync(path, "utf8")).toBe('{"old":true}');
    writeFileAtomically(path, '{"new":true}');
    expect(readFileSync(path, "utf8")).toBe('{"new":true}');
  });
});

describe("state file through start()", () => {
  it("keeps objects and ids across a restart on another port, with issuers moved to the new URL", async () => {
    const path = join(dir, "org.json");
    const first = await startTestOrg({ statePath: path });
    const { body: server } = await first.call("POST", "/api/v1/authorizationServers", { name: "persisted", audiences: ["api://persisted"] });
    const { body: group } = await first.call("POST", "/api/v1/groups", { profile: { name: "persisted-group" } });
    const defaultId = (await first.call("GET", "/api/v1/authorizationServers/default")).body.id;
    const kid = (server.credentials as { signing: Json }).signing.kid;
    await first.close();
    expect(existsSync(path)).toBe(true);

    const second = await startTestOrg({ statePath: path });
    try {
      expect(second.url).not.toBe(first.url);
      const reread = await second.call("GET", `/api/v1/authorizationServers/${server.id}`);
      expect(reread.body).toMatchObject({ name: "persisted", issuer: `${second.url}/oauth2/${server.id}` });
      expect((reread.body.credentials as { signing: Json }).signing.kid).toBe(kid);
      expect((await second.call("GET", `/api/v1/groups/${group.id}`)).status).toBe(200);
      expect((await second.call("GET", "/api/v1/authorizationServers/default")).body).toMatchObject({ id: defaultId, issuer: `${second.url}/oauth2/default` });
      // Provisioning is idempotent: still one default server, one Everyone group.
      expect(Object.values(second.org.store.state.authorizationServers).filter((s) => s.default === true)).toHaveLength(1);
      expect((await second.call<Json[]>("GET", "/api/v1/groups?q=Everyone")).body).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});

describe("seed", () => {
  const alice = { login: "alice@example.com", password: "pw-Alice-1", email: "alice@example.com", firstName: "Alice", lastName: "A", groups: ["stacklok-dev-users"], profile: { roles: ["toolhive-admin"] } };

  it("creates seeded users and groups, and applies group names to groups that exist now or later", async () => {
    const t = await startTestOrg({ seed: { groups: [{ name: "stacklok-dev-users" }], users: [alice, { ...alice, login: "bob@example.com", email: "bob@example.com", groups: ["stacklok-dev-admins"] }] } });
    try {
      const users = await t.call<Json[]>("GET", "/api/v1/groups?q=stacklok-dev-users");
      const devUsers = users.body[0];
      const members = await t.call<Json[]>("GET", `/api/v1/groups/${devUsers?.id}/users`);
      expect(members.body.map((u) => (u.profile as Json).login)).toEqual(["alice@example.com"]);
      expect((members.body[0]?.profile as Json).roles).toEqual(["toolhive-admin"]);
      const admins = await t.call("POST", "/api/v1/groups", { profile: { name: "stacklok-dev-admins" } });
      const adminMembers = await t.call<Json[]>("GET", `/api/v1/groups/${admins.body.id}/users`);
      expect(adminMembers.body.map((u) => (u.profile as Json).login)).toEqual(["bob@example.com"]);
      // A renamed group picks up the users seeded for its new name.
      const other = await t.call("POST", "/api/v1/groups", { profile: { name: "temporary" } });
      await t.call("DELETE", `/api/v1/groups/${admins.body.id}`);
      await t.call("PUT", `/api/v1/groups/${other.body.id}`, { profile: { name: "stacklok-dev-admins" } });
      expect((await t.call<Json[]>("GET", `/api/v1/groups/${other.body.id}/users`)).body).toHaveLength(1);
      // Seeded passwords are kept for sign-in, never shown.
      const aliceId = String(members.body[0]?.id);
      expect(t.org.store.state.passwords[aliceId]).toBe("pw-Alice-1");
      expect(JSON.stringify(members.body)).not.toContain("pw-Alice-1");
    } finally {
      await t.close();
    }
  });

  it("reads the demo seed", () => {
    const seed = readSeedFile(join(__dirname, "../../tools/okta-local/demo-seed.yaml"));
    expect(seed.users.map((u) => u.groups)).toEqual([
      ["stacklok-dev-users", "stacklok-local-users"],
      ["stacklok-dev-admins", "stacklok-local-admins"],
      [],
    ]);
    expect(seed.users[0]?.profile).toEqual({ roles: ["toolhive-admin"] });
    // It marks itself a demo seed: okta-local's sign-in page lists its users and passwords.
    expect(seed.demo).toBe(true);
    expect(parseSeed({ users: [alice] }).demo).toBe(false);
  });

  it.each([
    [{ users: [{ ...alice, login: "not-an-email" }] }, 'users[0].login: must be an email address (Okta\'s default login format) (got "not-an-email")'],
    [{ users: [{ ...alice, password: undefined }] }, "users[0].password:"],
    [{ users: [{ ...alice, groups: "stacklok-dev-users" }] }, 'users[0].groups: Invalid input: expected array, received string (got "stacklok-dev-users")'],
    [{ users: [{ ...alice, role: "x" }] }, 'Unrecognized key: "role"'],
    [{ users: [alice, alice] }, 'users[1].login: "alice@example.com" appears twice'],
    [{ groups: [{ name: "" }] }, "groups[0].name: must not be empty"],
    [{ demo: "yes", users: [alice] }, 'demo: Invalid input: expected boolean, received string (got "yes")'],
  ])("refuses a bad seed with a message naming the key and the value (%#)", (seed, message) => {
    expect(() => parseSeed(seed, "seed file x.yaml")).toThrow(SeedError);
    expect(() => parseSeed(seed, "seed file x.yaml")).toThrow(message);
  });

  it("refuses a seed file that is not YAML, naming the file", () => {
    const path = join(dir, "bad.yaml");
    writeFileSync(path, "users: [\n  - login: {");
    expect(() => readSeedFile(path)).toThrow(/seed file .*bad\.yaml is not YAML/);
  });
});
