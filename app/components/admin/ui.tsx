/**
 * Small pieces the members, invitation and admin pages share: a field's error, a form's error, the
 * role and organisation choices.
 */
import { useTranslation } from "react-i18next";
import { ROLES } from "~/shared/domain";
import type { FieldErrors } from "./schemas";

/** The text of an error code (validation or command refusal) under `admin:errors.*`. */
export function useErrorText() {
  const { t } = useTranslation("admin");
  return (code: string) => t(`errors.${code}`, { defaultValue: t("errors.unknown") });
}

/** A field's error, linked to its input by `aria-describedby={id}`. */
export function FieldError({ id, code }: { id: string; code: string | undefined }) {
  const text = useErrorText();
  if (!code) return null;
  return (
    <p className="field__error error" id={id}>
      {text(code)}
    </p>
  );
}

/** The error of a whole form (a refusal not tied to one field), announced to screen readers. */
export function FormError({ errors }: { errors: FieldErrors | undefined }) {
  const text = useErrorText();
  const code = errors?.form;
  if (!code) return null;
  return (
    <p className="alert alert--error" role="alert">
      {text(code)}
    </p>
  );
}

/** aria attributes for an input whose error is shown by <FieldError id=…>. */
export function invalid(errors: FieldErrors | undefined, field: string, id: string) {
  return errors?.[field] ? { "aria-invalid": true as const, "aria-describedby": id } : {};
}

export function RoleOptions() {
  const { t } = useTranslation();
  return (
    <>
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {t(`role.${r}`)}
        </option>
      ))}
    </>
  );
}

export interface OrganisationOption {
  id: string;
  name: string;
  shortCode: string;
}

export function OrganisationOptions({ organisations, none }: { organisations: OrganisationOption[]; none?: string }) {
  return (
    <>
      {none !== undefined ? <option value="">{none}</option> : null}
      {organisations.map((o) => (
        <option key={o.id} value={o.id}>
          {o.name} ({o.shortCode})
        </option>
      ))}
    </>
  );
}
