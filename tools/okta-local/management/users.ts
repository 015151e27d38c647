/**
 * `/api/v1/users`: the admin user behind the API token (`users/me`, which
 * terraform-provider-okta calls twice at start-up) and the seeded users.
 * Shape per Okta's Users API reference (https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/).
 */
import { z } from "zod";
import { notEmulated, validationFailed } from "../errors";
import type { OktaJson, OrgState } from "../store";
import { applySeededGroupNames, requireGroupId } from "./groups";
import { ALREADY_EXISTS, booleanQuery, lookup, matchesExpression, page, params, parseBody, query, selfLink, timestamp, type ManagementContext, type ManagementRoutes } from "./shared";

/**
 * Okta's default user profile: login and email are email addresses, and
 * `definitions.base.required` is `["login","firstName","email"]` (recorded user
 * schema, terraform-provider-okta `TestAccResourceOktaUserSchema_array_enum_string`).
 * ASSUMPTION: custom profile attributes are stored without checking them
 * against the user schema.
 */
const EMAIL = /^[^\s@]+@[^\s@]+$/;
export const userProfileSchema = z.looseObject({
  login: z.string({ message: "The field cannot be left blank" }).regex(EMAIL, "Username must be in the form of an email address").max(100),
  email: z.string({ message: "The field cannot be left blank" }).regex(EMAIL, "Does not match required pattern"),
  firstName: z.string({ message: "The field cannot be left blank" }).min(1, "The field cannot be left blank").max(50),
  lastName: z.string({ message: "The field cannot be left blank" }).min(1, "The field cannot be left blank").max(50),
});

const createUserBody = z.looseObject({
  profile: userProfileSchema,
  credentials: z
    .looseObject({
      // Recorded: terraform-provider-okta sends `"password": {}` for a user without one.
      password: z.looseObject({ value: z.string().min(1).optional(), hash: z.unknown().optional() }).optional(),
      recovery_question: z.looseObject({ question: z.string().min(1), answer: z.string().min(1) }).optional(),
    })
    .optional(),
  groupIds: z.array(z.string()).optional(),
});

const updateUserBody = z.looseObject({ profile: z.looseObject({}).optional() });

export function userTypeId(state: OrgState): string {
  return `oty${state.org.id.slice(3)}`;
}

/**
 * A profile as Okta keeps it (recorded): attributes sent as null are dropped,
 * and firstName, lastName, mobilePhone and secondEmail are always present,
 * null when unset.
 */
export function storedProfile(profile: OktaJson): OktaJson {
  const kept = Object.fromEntries(Object.entries(profile).filter(([, value]) => value !== null && value !== undefined));
  return { firstName: null, lastName: null, mobilePhone: null, secondEmail: null, ...kept };
}

/**
 * Adds a user as Okta answers it (recorded, `TestAccResourceOktaUser_*`); the
 * caller has checked the login is free. `credentials` shows `password: {}`
 * only for a user with a password, never the user's emails.
 */
export function addUser(state: OrgState, id: string, profile: OktaJson, password: string | undefined, activate: boolean, recoveryQuestion?: string): OktaJson {
  const now = timestamp();
  // With a password an activated user is ACTIVE; without, PROVISIONED until they set one; not activated, STAGED (Users API reference).
  const status = !activate ? "STAGED" : password ? "ACTIVE" : "PROVISIONED";
  const user: OktaJson = {
    id,
    status,
    created: now,
    activated: activate ? now : null,
    statusChanged: activate ? now : null,
    lastLogin: null,
    lastUpdated: now,
    passwordChanged: password ? now : null,
    type: { id: userTypeId(state) },
    profile: storedProfile(profile),
    credentials: {
      ...(password ? { password: {} } : {}),
      ...(recoveryQuestion ? { recovery_question: { question: recoveryQuestion } } : {}),
      provider: { type: "OKTA", name: "OKTA" },
    },
  };
  state.users[id] = user;
  if (password) state.passwords[id] = password;
  return user;
}

export function assertLoginFree(state: OrgState, login: string, exceptId?: string): void {
  const taken = Object.values(state.users).some((u) => u.id !== exceptId && String((u.profile as OktaJson).login).toLowerCase() === login.toLowerCase());
  if (taken) throw validationFailed([{ field: "login", message: `${ALREADY_EXISTS} (got ${JSON.stringify(login)})` }]);
}

/** A user is reachable by id, by login, and as `me` (the API token's user) (Users API reference). */
export function requireUserId(state: OrgState, idOrLogin: string): string {
  if (idOrLogin === "me" && state.users[state.adminUserId]) return state.adminUserId;
  if (Object.hasOwn(state.users, idOrLogin)) return idOrLogin;
  const byLogin = Object.values(state.users).find((u) => String((u.profile as OktaJson).login).toLowerCase() === idOrLogin.toLowerCase());
  return String((byLogin ?? lookup(state.users, idOrLogin, "User")).id);
}

export function renderUser(ctx: ManagementContext, user: OktaJson): OktaJson {
  const path = `/api/v1/users/${String(user.id)}`;
  return {
    ...user,
    _links: {
      self: selfLink(ctx, path),
      type: selfLink(ctx, `/api/v1/meta/types/user/${String((user.type as OktaJson).id)}`),
      schema: selfLink(ctx, "/api/v1/meta/schemas/user/default"),
      ...(user.status === "DEPROVISIONED" ? { activate: { href: `${ctx.orgUrl()}${path}/lifecycle/activate`, method: "POST" } } : { deactivate: { href: `${ctx.orgUrl()}${path}/lifecycle/deactivate`, method: "POST" } }),
    },
  };
}

export const userRoutes: ManagementRoutes = (app, ctx) => {
  const { store } = ctx;

  app.get("/api/v1/users", (request, reply) => {
    const q = query(request);
    let users = Object.values(store.state.users).filter((u) => u.status !== "DEPROVISIONED" || q.filter !== undefined || q.search !== undefined);
    if (q.q !== undefined) {
      const prefix = String(q.q).toLowerCase();
      // `q` matches the start of firstName, lastName or email (Users API reference); login too, as Okta's admin search does.
      users = users.filter((u) => ["firstName", "lastName", "email", "login"].some((k) => {
        const value = (u.profile as OktaJson)[k];
        return typeof value === "string" && value.toLowerCase().startsWith(prefix);
      }));
    }
    if (q.filter !== undefined) users = users.filter((u) => matchesExpression(String(q.filter), u));
    if (q.search !== undefined) users = users.filter((u) => matchesExpression(String(q.search), u));
    return page(request, reply, ctx, users, { defaultLimit: 200, maxLimit: 200 }).map((u) => renderUser(ctx, u));
  });

  app.post("/api/v1/users", (request) => {
    const body = parseBody(createUserBody, request.body);
    // Importing a user with a hashed password makes the user's provider IMPORT (recorded); okta-local verifies only
    // passwords it was given in clear.
    if (body.credentials?.password?.hash !== undefined) throw notEmulated("POST", "/api/v1/users with a hashed password (credentials.password.hash)");
    const activate = booleanQuery(request, "activate", true);
    const user = store.mutate((s) => {
      assertLoginFree(s, body.profile.login);
      const id = store.newId("00u");
      const user = addUser(s, id, body.profile, body.credentials?.password?.value, activate, body.credentials?.recovery_question?.question);
      // An unknown group id fails the whole create after the user was added: the store's rollback leaves no user behind.
      for (const groupId of (body.groupIds ?? []).map((g) => requireGroupId(s, g))) {
        if (!(s.groupMembers[groupId] ??= []).includes(id)) s.groupMembers[groupId].push(id);
      }
      for (const groupId of Object.keys(s.groups)) applySeededGroupNames(s, groupId);
      return user;
    });
    return renderUser(ctx, user);
  });

  app.get("/api/v1/users/:userId", (request) => renderUser(ctx, store.state.users[requireUserId(store.state, params(request).userId ?? "")] ?? {}));

  // POST updates the profile partially; PUT replaces it (Users API reference).
  for (const method of ["post", "put"] as const) {
    app[method]("/api/v1/users/:userId", (request) => {
      const body = parseBody(updateUserBody, request.body);
      const user = store.mutate((s) => {
        const id = requireUserId(s, params(request).userId ?? "");
        const current = s.users[id] ?? {};
        const profile = method === "post" ? { ...(current.profile as OktaJson), ...(body.profile ?? {}) } : { ...(body.profile ?? {}) };
        const checked = parseBody(z.object({ profile: userProfileSchema }), { profile });
        assertLoginFree(s, checked.profile.login, id);
        Object.assign(current, { profile: storedProfile(profile), lastUpdated: timestamp() });
        return current;
      });
      return renderUser(ctx, user);
    });
  }

  // Recorded: both answer 200 `{}`; activating a user without a password makes it PROVISIONED.
  for (const action of ["activate", "deactivate"] as const) {
    app.post(`/api/v1/users/:userId/lifecycle/${action}`, (request) => {
      store.mutate((s) => {
        const id = requireUserId(s, params(request).userId ?? "");
        const current = s.users[id] ?? {};
        const now = timestamp();
        if (action === "deactivate") Object.assign(current, { status: "DEPROVISIONED", statusChanged: now, lastUpdated: now });
        else Object.assign(current, { status: s.passwords[id] ? "ACTIVE" : "PROVISIONED", activated: current.activated ?? now, statusChanged: now, lastUpdated: now });
      });
      return {};
    });
  }

  // Deleting an active user deactivates it; deleting a DEPROVISIONED user removes it (Users API reference).
  app.delete("/api/v1/users/:userId", (request, reply) => {
    store.mutate((s) => {
      const id = requireUserId(s, params(request).userId ?? "");
      const current = s.users[id] ?? {};
      if (current.status !== "DEPROVISIONED") {
        Object.assign(current, { status: "DEPROVISIONED", statusChanged: timestamp(), lastUpdated: timestamp() });
        return;
      }
      delete s.users[id];
      delete s.passwords[id];
      delete s.seededGroupNames[id];
      for (const [groupId, members] of Object.entries(s.groupMembers)) s.groupMembers[groupId] = members.filter((m) => m !== id);
      for (const assignments of Object.values(s.appUserAssignments)) delete assignments[id];
    });
    return reply.code(204).send();
  });
};
