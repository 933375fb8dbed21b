/**
 * The consultation annex of one organisation (reactienota; issue #16, ADR 028): each of its inputs on
 * an agenda under consultation, the owners' disposition and reason, and where the text ended up (the
 * section it is on now), in every export format, built on the agenda's export model so every format
 * agrees. Only the workspaces whose consultation record the actor may read (workspace.consultation)
 * are in it; someone who may read none is refused. Audited like every export; like exportAgenda it is
 * not on runCommand (read and render first, then a transaction that only writes the audit entry).
 */
import { eq } from "drizzle-orm";
import { todayInNetherlands } from "../../app/shared/dates";
import type { BlockJSON } from "../document";
import { documentSchema } from "../document";
import { Forbidden, type Actor } from "../policy";
import { NotFound, parseInput } from "../errors";
import { appendAudit } from "../services/audit";
import {
  documentLanguage,
  formatDate,
  sectionLevel,
  sectionText,
  type Agenda,
  type AgendaSection,
  type AgendaWorkspace,
  type DocumentLanguage,
} from "../services/exports/model";
import {
  consultationWorkspaces,
  listExternalInputsUnchecked,
  type ExternalInput,
} from "../views/consultation";
import {
  exportFormatSchema,
  renderAgenda,
  type ExportFile,
} from "./agendaExport";
import type { CommandDeps } from "./run";

const labels = {
  nl: {
    title: "Reactienota",
    input: "Inbreng",
    by: "Van",
    about: "Over de tekst",
    said: "Inbreng",
    disposition: "Reactie",
    reason: "Toelichting",
    endedUp: "Waar de tekst terechtkwam",
    none: "Nog geen reactie gegeven.",
    deleteText: "Voorgesteld te schrappen",
    insertText: "Voorgesteld in te voegen",
    formatText: "Voorgestelde opmaak",
    formats: { "+bold": "vet", "+italic": "cursief", "-bold": "niet vet", "-italic": "niet cursief" } as Record<string, string>,
    inText: "In de tekst",
    outcome: {
      accepted: "geaccepteerd",
      rejected: "afgewezen",
      open: "nog open",
    },
    nothing: "Deze organisatie gaf geen inbreng.",
    value: {
      adopted: "Overgenomen",
      partly_adopted: "Deels overgenomen",
      not_adopted: "Niet overgenomen",
    },
    status: {
      draft: "concept",
      in_review: "in review",
      approved: "goedgekeurd",
      final: "vastgesteld",
      published: "gepubliceerd",
    },
  },
  en: {
    title: "Consultation response",
    input: "Input",
    by: "From",
    about: "On the text",
    said: "Input",
    disposition: "Disposition",
    reason: "Reason",
    endedUp: "Where the text ended up",
    none: "No disposition given yet.",
    deleteText: "Suggested for deletion",
    insertText: "Suggested insertion",
    formatText: "Suggested formatting",
    formats: { "+bold": "bold", "+italic": "italic", "-bold": "not bold", "-italic": "not italic" } as Record<string, string>,
    inText: "In the text",
    outcome: { accepted: "accepted", rejected: "rejected", open: "still open" },
    nothing: "This organisation gave no input.",
    value: {
      adopted: "Adopted",
      partly_adopted: "Partly adopted",
      not_adopted: "Not adopted",
    },
    status: {
      draft: "draft",
      in_review: "in review",
      approved: "approved",
      final: "final",
      published: "published",
    },
  },
} as const;

export interface ConsultationAnnexProps {
  /** Who downloads; from the session. */
  actor: Actor;
  agendaId: string;
  /** The organisation whose inputs the annex answers. */
  organisationId: string;
  format: unknown;
}

const line = (label: string, text: string): BlockJSON => ({
  type: "paragraph",
  content: [
    { type: "text", text: `${label}: `, marks: [{ type: "bold" }] },
    ...(text ? [{ type: "text", text }] : []),
  ],
});

/** One input as a "section" of the annex: who, about what, what they said, the answer, where it ended up. */
function inputSection(
  input: ExternalInput,
  n: number,
  language: DocumentLanguage,
  level: number
): AgendaSection {
  const l = labels[language];
  const title = `${l.input} ${n}: ${input.sectionTitle}`;
  const content: BlockJSON[] = [
    line(
      l.by,
      `${input.authorName ?? "—"}, ${formatDate(input.createdAt, language)}`
    ),
  ];
  const fate = input.suggestion;
  if (fate) {
    if (fate.change === "format") {
      // "Suggested formatting: bold, “text”" (ADR 043).
      const what = fate.formatting.split(" ").filter(Boolean).map((f) => l.formats[f] ?? f).join(", ");
      content.push(line(l.formatText, `${what}: “${input.text}”`));
    } else {
      if (input.quote) content.push(line(l.deleteText, `“${input.quote}”`));
      if (input.text) content.push(line(l.insertText, `“${input.text}”`));
    }
    const who = [
      fate.decidedByName,
      fate.decidedAt ? formatDate(fate.decidedAt, language) : null,
    ]
      .filter(Boolean)
      .join(", ");
    const outcome = `${l.outcome[fate.outcome ?? "open"]}${
      who ? ` (${who})` : ""
    }${fate.reason ? `: ${fate.reason}` : ""}`;
    content.push(line(l.inText, outcome));
  } else {
    if (input.quote) content.push(line(l.about, `“${input.quote}”`));
    content.push(line(l.said, input.text || "—"));
  }
  if (input.disposition) {
    content.push(line(l.disposition, l.value[input.disposition.value]));
    if (input.disposition.reason)
      content.push(line(l.reason, input.disposition.reason));
  } else {
    content.push(line(l.disposition, l.none));
  }
  content.push(
    line(l.endedUp, `${input.sectionTitle} (${l.status[input.sectionStatus]})`)
  );
  const node = documentSchema().nodeFromJSON({ type: "doc", content });
  return {
    id: `${input.kind}-${input.id}`,
    title,
    status: input.disposition ? "final" : "draft",
    statusLabel: null,
    contentHash: "",
    level,
    ...sectionText(node, { sectionId: input.sectionId, title, level }),
    decisions: [],
    signoffs: [],
  };
}

/** The annex as the export model, and what the audit entry records. */
export async function buildConsultationAnnex(
  deps: CommandDeps,
  props: Omit<ConsultationAnnexProps, "format">
) {
  const { database } = deps;
  const { db, t } = database;
  const [agenda] = await db
    .select({
      title: t.agendas.title,
      language: t.agendas.language,
      consultation: t.agendas.consultation,
    })
    .from(t.agendas)
    .where(eq(t.agendas.id, props.agendaId))
    .limit(1);
  if (!agenda) throw new NotFound("agenda", props.agendaId);
  const workspaces = await consultationWorkspaces(
    database,
    props.actor,
    props.agendaId
  );
  if (!workspaces.length || !agenda.consultation) {
    throw new Forbidden(
      "workspace.consultation",
      "forbidden",
      agenda.consultation
        ? "Only the workspace's owners, its agenda's owners, the minister's office and admins see the consultation record."
        : "This agenda is not under consultation."
    );
  }
  const [organisation] = await db
    .select({ name: t.organisations.name })
    .from(t.organisations)
    .where(eq(t.organisations.id, props.organisationId))
    .limit(1);
  if (!organisation) throw new NotFound("organisation", props.organisationId);
  const language = documentLanguage(agenda);
  const l = labels[language];
  const inputs = (
    await listExternalInputsUnchecked(
      database,
      workspaces.map((w) => w.id)
    )
  ).filter((i) => i.organisationId === props.organisationId);
  const level = sectionLevel(true);
  let n = 0;
  const parts: AgendaWorkspace[] = workspaces
    .map((ws) => ({
      id: ws.id,
      title: ws.title,
      description: "",
      heading: true,
      sections: inputs
        .filter((i) => i.workspaceId === ws.id)
        .map((i) => inputSection(i, ++n, language, level)),
    }))
    .filter((ws) => ws.sections.length > 0);
  const model: Agenda = {
    title: `${l.title}: ${organisation.name}`,
    subtitle: agenda.title,
    generatedAt: new Date(),
    // Not every input is answered yet: the annex says CONCEPT.
    draft: inputs.some((i) => i.disposition === null),
    language,
    workspaces: parts.length
      ? parts
      : [
          {
            id: "none",
            title: l.nothing,
            description: "",
            heading: true,
            sections: [],
          },
        ],
    approvalsAnnex: false,
  };
  return { model, inputs, organisationName: organisation.name };
}

/** Renders the annex in one format and records the download in the audit trail. */
export async function exportConsultationAnnex(
  deps: CommandDeps,
  props: ConsultationAnnexProps
): Promise<ExportFile> {
  const format = parseInput(exportFormatSchema, props.format, {
    field: "format",
  });
  const { model, inputs } = await buildConsultationAnnex(deps, props);
  const { body, contentType } = await renderAgenda(model, format);
  await deps.database.transaction(async (tx) => {
    await appendAudit(tx, {
      actorId: props.actor.id,
      action: "consultation.exported",
      subjectType: "agenda",
      subjectId: props.agendaId,
      data: {
        format,
        organisationId: props.organisationId,
        inputs: inputs.map((i) => ({
          kind: i.kind,
          id: i.id,
          disposition: i.disposition?.value ?? null,
        })),
      },
    });
  });
  const stamp = todayInNetherlands();
  return {
    body,
    contentType,
    filename: `overleg-reactienota-${props.organisationId.slice(
      0,
      8
    )}-${stamp}${model.draft ? "-concept" : ""}.${format}`,
    draft: model.draft,
  };
}
