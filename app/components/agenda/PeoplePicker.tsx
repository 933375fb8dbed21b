/**
 * The one way to choose people on the agenda pages: an agenda's owners (/admin/agendas) and a new
 * workspace's first owners and editors (/a/:agendaId). A native multiple select, so it works without
 * JavaScript and with the keyboard; every chosen person is posted under `name`.
 */

/** A person as the picker lists them. */
export interface PersonOption {
  id: string;
  label: string;
}

/** The options for the people a loader may offer (server/views/agendas.ts peopleToChoose): "Name (CODE)". */
export function personOptions(people: readonly { id: string; name: string; organisationShortCode: string | null }[]): PersonOption[] {
  return people.map((p) => ({ id: p.id, label: `${p.name} (${p.organisationShortCode ?? "—"})` }));
}

export function PeoplePicker({
  id,
  name,
  label,
  people,
  chosen,
  size = 6,
}: {
  id: string;
  name: string;
  label: string;
  people: readonly PersonOption[];
  /** Chosen when the form opens. */
  chosen?: readonly string[];
  size?: number;
}) {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} multiple size={size} defaultValue={chosen ? [...chosen] : undefined}>
        {people.map((p) => (
          <option key={p.id} value={p.id}>
            {p.label}
          </option>
        ))}
      </select>
    </>
  );
}
