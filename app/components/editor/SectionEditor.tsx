/**
 * The live editor of one section (tiptap 3 bound to the section's Yjs document over /collab).
 * Browser-only: render it inside <ClientOnly> or after hydration.
 */
export interface SectionEditorProps {
  sectionId: string;
  /** The signed-in person as the server knows them (shown to others by the server, not by this prop). */
  user: { id: string; name: string; organisationShortCode: string | null };
  /** Whether the policy module allows this person to edit this section now. */
  editable: boolean;
  /** Set when the section is final: who locked it and when. */
  locked?: { by: string | null; at: string | null } | null;
}

export function SectionEditor(_props: SectionEditorProps) {
  return null;
}
