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
