/**
 * The operations of /api/v1 (see endpoint.ts for the shape of an entry). Every answer holds only
 * what the policy module lets the caller see; the reads take the actor.
 */
import { z } from "zod";
import { SECTION_STATUSES, type SectionStatus } from "../../app/shared/domain";
import { idSchema } from "../../app/shared/ids";
import { searchAnswerSchema, searchQuerySchema } from "../../app/shared/search";
import { toMarkdown } from "../document";
import { authorize } from "../policy";
import { loadSectionFacts, loadWorkspaceFacts } from "../services/access";
import { loadStoredDoc } from "../services/section-text";
import { getWorkspaceUnchecked, listWorkspacesFor } from "../views/workspaces";
import { listAgendasFor } from "../views/agendas";
import { searchFor } from "../views/search";
import { archiveSection } from "../commands/sectionArchive";
import { createSections } from "../commands/sectionCreate";
import { moveSection } from "../commands/sectionMove";
import { renameSection } from "../commands/sectionRename";
import { reorderSections } from "../commands/sectionReorder";
import { restoreSection } from "../commands/sectionRestore";
import { ORDER_MAX, sectionTitleSchema } from "../commands/sectionSupport";
import { endpoint, type Endpoint } from "./endpoint";

const status = z.enum(SECTION_STATUSES as [SectionStatus, ...SectionStatus[]]);
const role = z.enum(["owner", "editor", "commenter", "viewer"]).nullable();

const sectionSummary = z.object({ id: z.string(), title: z.string(), status, position: z.number().int(), updatedAt: z.string() });
const workspaceSchema = z.object({
  id: z.string(),
  agendaId: z.string().nullable(),
  title: z.string(),
  description: z.string(),
  deadline: z.string().nullable().describe("ISO date (yyyy-mm-dd)"),
  leadOrganisation: z.object({ id: z.string(), name: z.string(), shortCode: z.string() }).nullable(),
  role: role.describe("The caller's role in it, or null (the minister's office, admins)"),
  sections: z.array(sectionSummary),
});
const agendaSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  publicationDate: z.string().nullable(),
  language: z.enum(["nl", "en"]),
  workspaceIds: z.array(z.string()).describe("Its workspaces the caller may see, in order"),
});
const sectionId = z.strictObject({ id: idSchema.describe("section id") });
const workspaceId = z.strictObject({ id: idSchema.describe("workspace id") });

// The section commands' bodies. Each command parses its whole input again (server/commands/section*.ts),
// the same as the workspace page's forms, and asks the policy itself.
const createBody = z
  .strictObject({
    title: sectionTitleSchema.optional().describe("The title of a blank section (without templateId)"),
    templateId: idSchema.optional().describe("A template of the workspace's agenda to take the sections from (without title)"),
    item: z.union([z.literal("all"), z.number().int().min(0).max(1000)]).optional().describe('The template\'s section to take (its position from 0), or "all" (the default)'),
  })
  .describe("Either `title` (a blank section) or `templateId` (sections from a template)");
const orderIds = z.array(idSchema).min(1).max(ORDER_MAX);
const reorderBody = z.strictObject({
  order: orderIds.describe("Every live section of the workspace once, in the new order"),
  expected: orderIds.describe("The order the client last saw; a different stored order is refused as stale_order (409)"),
});

type WorkspaceOut = z.input<typeof workspaceSchema>;
const workspaceOut = (w: WorkspaceOut): WorkspaceOut => ({
  id: w.id,
  agendaId: w.agendaId,
  title: w.title,
  description: w.description,
  deadline: w.deadline,
  leadOrganisation: w.leadOrganisation,
  role: w.role,
  sections: w.sections.map((s) => ({ id: s.id, title: s.title, status: s.status, position: s.position, updatedAt: s.updatedAt })),
});

export const endpoints: Endpoint[] = [
  endpoint({
    method: "GET",
    path: "/agendas",
    operationId: "listAgendas",
    summary: "The agendas the caller may see",
    tags: ["agendas"],
    query: z.strictObject({}),
    response: z.object({ agendas: z.array(agendaSchema) }),
    run: async ({ services, actor }) => {
      const [agendas, workspaces] = await Promise.all([listAgendasFor(services.database, actor), listWorkspacesFor(services.database, actor)]);
      return {
        agendas: agendas.map((a) => ({
          id: a.id,
          title: a.title,
          description: a.description,
          publicationDate: a.publicationDate,
          language: a.language,
          workspaceIds: workspaces.filter((w) => w.agendaId === a.id).map((w) => w.id),
        })),
      };
    },
  }),
  endpoint({
    method: "GET",
    path: "/workspaces",
    operationId: "listWorkspaces",
    summary: "The workspaces the caller may see, in agenda order, with their sections",
    tags: ["workspaces"],
    query: z.strictObject({ agenda: idSchema.optional().describe("Only this agenda's workspaces") }),
    response: z.object({ workspaces: z.array(workspaceSchema) }),
    run: async ({ services, actor, query }) => {
      const all = await listWorkspacesFor(services.database, actor);
      return { workspaces: all.filter((w) => !query.agenda || w.agendaId === query.agenda).map(workspaceOut) };
    },
  }),
  endpoint({
    method: "GET",
    path: "/workspaces/{id}/sections",
    operationId: "listSections",
    summary: "The sections of one workspace, in order",
    tags: ["sections"],
    params: workspaceId,
    query: z.strictObject({}),
    response: z.object({ sections: z.array(sectionSummary) }),
    run: async ({ services, actor, params }) => {
      const facts = await loadWorkspaceFacts(services.database, actor, params.id);
      authorize(actor, "workspace.view", facts);
      const all = await listWorkspacesFor(services.database, actor);
      return { sections: all.find((w) => w.id === params.id)?.sections ?? [] };
    },
  }),
  endpoint({
    method: "GET",
    path: "/sections/{id}",
    operationId: "getSection",
    summary: "One section's metadata and its text as Markdown",
    tags: ["sections"],
    params: sectionId,
    query: z.strictObject({}),
    response: sectionSummary.extend({ workspace: z.object({ id: z.string(), title: z.string() }), markdown: z.string() }),
    run: async ({ services, actor, params }) => {
      const { database } = services;
      const { section, facts } = await loadSectionFacts(database, actor, params.id);
      authorize(actor, "section.view", facts);
      const [workspace, doc] = await Promise.all([getWorkspaceUnchecked(database, section.workspaceId), loadStoredDoc(database, params.id)]);
      try {
        return {
          id: section.id,
          title: section.title,
          status: section.status,
          position: section.position,
          updatedAt: new Date(section.updatedAt).toISOString(),
          workspace: { id: section.workspaceId, title: workspace?.title ?? "" },
          markdown: toMarkdown(doc),
        };
      } finally {
        doc.destroy();
      }
    },
  }),
  endpoint({
    method: "POST",
    path: "/workspaces/{id}/sections",
    operationId: "createSections",
    summary: "Add a blank section, or sections from a template, at the end of a workspace",
    description: "The workspace's owners. Answers the new sections' ids in order.",
    tags: ["sections"],
    params: workspaceId,
    query: z.strictObject({}),
    body: createBody,
    status: 201,
    response: z.object({ sectionIds: z.array(z.string()) }),
    run: ({ services, actor, params, body }) => createSections(services, { actor, input: { workspaceId: params.id, ...body } }),
  }),
  endpoint({
    method: "PUT",
    path: "/workspaces/{id}/sections/order",
    operationId: "reorderSections",
    summary: "Put a workspace's sections in a new order",
    description: "The workspace's owners. `expected` must be the stored order (409 stale_order otherwise, nothing changed).",
    tags: ["sections"],
    params: workspaceId,
    query: z.strictObject({}),
    body: reorderBody,
    response: z.object({ order: z.array(z.string()) }),
    run: ({ services, actor, params, body }) => reorderSections(services, { actor, input: { workspaceId: params.id, ...body } }),
  }),
  endpoint({
    method: "PATCH",
    path: "/sections/{id}",
    operationId: "renameSection",
    summary: "Rename a section",
    description: "The workspace's owners; not a final, published or archived section.",
    tags: ["sections"],
    params: sectionId,
    query: z.strictObject({}),
    body: z.strictObject({ title: sectionTitleSchema }),
    status: 204,
    response: z.null(),
    run: async ({ services, actor, params, body }) => {
      await renameSection(services, { actor, input: { sectionId: params.id, title: body.title } });
      return null;
    },
  }),
  endpoint({
    method: "POST",
    path: "/sections/{id}/move",
    operationId: "moveSection",
    summary: "Move a section to the end of another workspace of the same agenda",
    description: "An owner of both workspaces; not a final or published section.",
    tags: ["sections"],
    params: sectionId,
    query: z.strictObject({}),
    body: z.strictObject({ toWorkspaceId: idSchema.describe("The workspace to move it to") }),
    status: 204,
    response: z.null(),
    run: async ({ services, actor, params, body }) => {
      await moveSection(services, { actor, input: { sectionId: params.id, toWorkspaceId: body.toWorkspaceId } });
      return null;
    },
  }),
  endpoint({
    method: "POST",
    path: "/sections/{id}/archive",
    operationId: "archiveSection",
    summary: "Archive a section (its open editors are closed; its history stays)",
    description: "The workspace's owners; not a final or published section.",
    tags: ["sections"],
    params: sectionId,
    query: z.strictObject({}),
    status: 204,
    response: z.null(),
    run: async ({ services, actor, params }) => {
      await archiveSection(services, { actor, input: { sectionId: params.id } });
      return null;
    },
  }),
  endpoint({
    method: "POST",
    path: "/sections/{id}/restore",
    operationId: "restoreSection",
    summary: "Restore an archived section at the end of its workspace",
    tags: ["sections"],
    params: sectionId,
    query: z.strictObject({}),
    status: 204,
    response: z.null(),
    run: async ({ services, actor, params }) => {
      await restoreSection(services, { actor, input: { sectionId: params.id } });
      return null;
    },
  }),
  endpoint({
    method: "GET",
    path: "/search",
    operationId: "search",
    summary: "Full-text search in the sections, comments and version names the caller may read",
    description:
      "Dutch and English stemming; every word must match. `total` counts only hits the caller may read, up to 200 (`more` is true beyond). Snippets are plain-text parts; `hit` parts matched the query.",
    tags: ["search"],
    query: searchQuerySchema,
    response: searchAnswerSchema,
    run: async ({ services, actor, query }) => searchFor(services.database, actor, query),
  }),
];
