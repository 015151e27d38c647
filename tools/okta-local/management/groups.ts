/**
 * `/api/v1/groups` and group membership. Shapes recorded in
 * terraform-provider-okta's `TestAccResourceOktaGroup*` cassettes (POST answers
 * 200; Everyone is `BUILT_IN`); the list queries are the ones the provider's
 * `data_source_okta_group.go` and `data_source_okta_everyone_group.go` send
 * (`q` = name prefix, `filter=type eq "…"`, `search`).
 */
import { z } from "zod";
import { forbidden, validationFailed } from "../errors";
import type { OktaJson, OrgState } from "../store";
import { ALREADY_EXISTS, lookup, matchesExpression, page, params, parseBody, query, selfLink, timestamp, type ManagementContext, type ManagementRoutes } from "./shared";
import { renderUser, requireUserId } from "./users";

export const EVERYONE = "Everyone";

const groupBody = z.looseObject({
  profile: z.looseObject({
    name: z.string({ message: "The field cannot be left blank" }).trim().min(1, "The field cannot be left blank").max(255, "name must be at most 255 characters"),
    description: z.string().max(1024).nullable().optional(),
  }),
});

export function everyoneGroup(state: OrgState): OktaJson | undefined {
  return Object.values(state.groups).find((g) => g.type === "BUILT_IN" && (g.profile as OktaJson).name === EVERYONE);
}

export function newGroup(id: string, name: string, description: string, type: "OKTA_GROUP" | "BUILT_IN"): OktaJson {
  const now = timestamp();
  return { id, created: now, lastUpdated: now, lastMembershipUpdated: now, objectClass: ["okta:user_group"], type, profile: { name, description } };
}

/**
 * "As of Dec 2025 Okta only enforces unique names for groups with type
 * OKTA_GROUP" (terraform-provider-okta `data_source_okta_group.go`): a group
 * created here (always OKTA_GROUP) may share its name with the BUILT_IN
 * Everyone group or an APP_GROUP, not with another OKTA_GROUP.
 * ASSUMPTION: the comparison ignores case and the refusal is E0000001 on `profile.name`.
 */
function assertUniqueName(state: OrgState, name: string, exceptId?: string): void {
  const taken = Object.values(state.groups).some(
    (g) => g.id !== exceptId && g.type === "OKTA_GROUP" && String((g.profile as OktaJson).name).toLowerCase() === name.toLowerCase(),
  );
  if (taken) throw validationFailed([{ field: "profile.name", message: `${ALREADY_EXISTS} (got ${JSON.stringify(name)})` }]);
}

/**
 * okta-local's seed rule: a seeded user's group names apply to any group of
 * that name whenever it exists, including groups created (or renamed) later.
 */
export function applySeededGroupNames(state: OrgState, groupId: string): void {
  const group = state.groups[groupId];
  if (!group || group.type === "BUILT_IN") return;
  const name = String((group.profile as OktaJson).name);
  const members = (state.groupMembers[groupId] ??= []);
  for (const [userId, names] of Object.entries(state.seededGroupNames)) {
    if (names.includes(name) && state.users[userId] && !members.includes(userId)) members.push(userId);
  }
}

/**
 * Members of a group in the order the users were created, whatever order they
 * joined in (recorded: `TestAccDataSourceOktaUsers_readWithGroupId`); Everyone
 * holds every user.
 */
export function groupMemberIds(state: OrgState, groupId: string): string[] {
  const group = state.groups[groupId];
  if (group?.type === "BUILT_IN") return Object.keys(state.users);
  const members = new Set(state.groupMembers[groupId] ?? []);
  return Object.keys(state.users).filter((id) => members.has(id));
}

export function requireGroupId(state: OrgState, groupId: string): string {
  return String(lookup(state.groups, groupId, "UserGroup").id);
}

export function renderGroup(ctx: ManagementContext, group: OktaJson): OktaJson {
  const path = `/api/v1/groups/${String(group.id)}`;
  return {
    ...group,
    _links: {
      logo: [
        { name: "medium", href: `${ctx.orgUrl()}/assets/img/logos/groups/okta-medium.png`, type: "image/png" },
        { name: "large", href: `${ctx.orgUrl()}/assets/img/logos/groups/okta-large.png`, type: "image/png" },
      ],
      users: selfLink(ctx, `${path}/users`),
      apps: selfLink(ctx, `${path}/apps`),
    },
  };
}

export const groupRoutes: ManagementRoutes = (app, ctx) => {
  const { store } = ctx;

  app.get("/api/v1/groups", (request, reply) => {
    const q = query(request);
    let groups = Object.values(store.state.groups);
    // `q` matches the start of the name, case-insensitively (provider's note: "effectively a starts with query").
    if (q.q !== undefined) groups = groups.filter((g) => String((g.profile as OktaJson).name).toLowerCase().startsWith(String(q.q).toLowerCase()));
    if (q.filter !== undefined) groups = groups.filter((g) => matchesExpression(String(q.filter), g));
    if (q.search !== undefined) groups = groups.filter((g) => matchesExpression(String(q.search), g));
    // Okta's default page is 10000 groups for `q`-less lists, 10 with `q` (Groups API reference); ASSUMPTION: 200 unless limit says.
    return page(request, reply, ctx, groups, { defaultLimit: 200, maxLimit: 10000 }).map((g) => renderGroup(ctx, g));
  });

  app.post("/api/v1/groups", (request) => {
    const body = parseBody(groupBody, request.body);
    const group = store.mutate((s) => {
      assertUniqueName(s, body.profile.name);
      const id = store.newId("00g");
      s.groups[id] = newGroup(id, body.profile.name, body.profile.description ?? "", "OKTA_GROUP");
      s.groupMembers[id] = [];
      applySeededGroupNames(s, id);
      return s.groups[id];
    });
    // Recorded: POST /api/v1/groups answers 200, not 201.
    return renderGroup(ctx, group);
  });

  app.get("/api/v1/groups/:groupId", (request) => renderGroup(ctx, lookup(store.state.groups, params(request).groupId ?? "", "UserGroup")));

  app.put("/api/v1/groups/:groupId", (request) => {
    const body = parseBody(groupBody, request.body);
    const group = store.mutate((s) => {
      const current = lookup(s.groups, params(request).groupId ?? "", "UserGroup");
      // ASSUMPTION: the BUILT_IN Everyone group cannot be changed (Okta's admin console offers no edit for it).
      if (current.type === "BUILT_IN") throw forbidden("the BUILT_IN group Everyone cannot be changed");
      assertUniqueName(s, body.profile.name, String(current.id));
      Object.assign(current, { profile: { ...(current.profile as OktaJson), name: body.profile.name, description: body.profile.description ?? "" }, lastUpdated: timestamp() });
      applySeededGroupNames(s, String(current.id));
      return current;
    });
    return renderGroup(ctx, group);
  });

  app.delete("/api/v1/groups/:groupId", (request, reply) => {
    store.mutate((s) => {
      const current = lookup(s.groups, params(request).groupId ?? "", "UserGroup");
      if (current.type === "BUILT_IN") throw forbidden("the BUILT_IN group Everyone cannot be deleted");
      const id = String(current.id);
      delete s.groups[id];
      delete s.groupMembers[id];
      for (const assignments of Object.values(s.appGroupAssignments)) delete assignments[id];
    });
    return reply.code(204).send();
  });

  app.get("/api/v1/groups/:groupId/users", (request, reply) => {
    const groupId = requireGroupId(store.state, params(request).groupId ?? "");
    const users = groupMemberIds(store.state, groupId).map((id) => store.state.users[id] ?? {});
    return page(request, reply, ctx, users, { defaultLimit: 1000, maxLimit: 1000 }).map((u) => renderUser(ctx, u));
  });

  // Membership: `PUT`/`DELETE /api/v1/groups/{groupId}/users/{userId}` answer 204 (Groups API reference).
  app.put("/api/v1/groups/:groupId/users/:userId", (request, reply) => {
    store.mutate((s) => {
      const groupId = requireGroupId(s, params(request).groupId ?? "");
      const userId = requireUserId(s, params(request).userId ?? "");
      if (s.groups[groupId]?.type === "BUILT_IN") throw forbidden("membership of the BUILT_IN group Everyone is managed by Okta");
      const members = (s.groupMembers[groupId] ??= []);
      if (!members.includes(userId)) {
        members.push(userId);
        Object.assign(s.groups[groupId] ?? {}, { lastMembershipUpdated: timestamp() });
      }
    });
    return reply.code(204).send();
  });

  app.delete("/api/v1/groups/:groupId/users/:userId", (request, reply) => {
    store.mutate((s) => {
      const groupId = requireGroupId(s, params(request).groupId ?? "");
      const userId = requireUserId(s, params(request).userId ?? "");
      if (s.groups[groupId]?.type === "BUILT_IN") throw forbidden("membership of the BUILT_IN group Everyone is managed by Okta");
      s.groupMembers[groupId] = (s.groupMembers[groupId] ?? []).filter((id) => id !== userId);
      Object.assign(s.groups[groupId] ?? {}, { lastMembershipUpdated: timestamp() });
    });
    return reply.code(204).send();
  });

  app.get("/api/v1/users/:userId/groups", (request, reply) => {
    const userId = requireUserId(store.state, params(request).userId ?? "");
    const groups = Object.values(store.state.groups).filter((g) => groupMemberIds(store.state, String(g.id)).includes(userId));
    return page(request, reply, ctx, groups, { defaultLimit: 200, maxLimit: 10000 }).map((g) => renderGroup(ctx, g));
  });
};
