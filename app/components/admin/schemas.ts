/**
 * The forms of the members, invitation and admin pages: one zod schema per form, used by the form in
 * the browser (before it is sent) and by the route's action (on what arrives). Error messages are
 * codes, translated under `admin:validation.*`.
 */
import { z } from "zod";
import { ROLES, type OrganisationKind, type Role } from "~/shared/domain";

// In the browser the Content-Security-Policy forbids eval: zod must not compile its parsers with
// `new Function`, nor probe whether it may (the caught probe is still reported as a CSP violation).
// This module is the browser's only way to zod, and it runs before any form is checked.
if (typeof document !== "undefined") z.config({ jitless: true });

export const ORGANISATION_KINDS = ["ministry", "industry", "institute", "partner-country", "minister-office"] as const satisfies readonly OrganisationKind[];

const id = z.string({ error: "required" }).trim().min(1, { error: "required" }).max(100, { error: "tooLong" });
const role = z.enum(ROLES as [Role, ...Role[]], { error: "role" });
const email = z.string({ error: "required" }).trim().toLowerCase().max(254, { error: "tooLong" }).pipe(z.email({ error: "email" }));
const name = z.string({ error: "required" }).trim().min(1, { error: "required" }).max(120, { error: "tooLong" });

export const ChangeRoleForm = z.object({ intent: z.literal("changeRole"), userId: id, role });
export const RemoveMemberForm = z.object({ intent: z.literal("remove"), userId: id });
export const InviteForm = z.object({ intent: z.literal("invite"), email, role, organisationId: id });
export const RevokeInvitationForm = z.object({ intent: z.literal("revoke"), invitationId: id });
export const MembersForm = z.discriminatedUnion("intent", [ChangeRoleForm, RemoveMemberForm, InviteForm, RevokeInvitationForm]);

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;
export const AcceptInvitationForm = z.object({ intent: z.literal("accept") });
export const NewPersonForm = z
  .object({
    intent: z.literal("create"),
    name,
    password: z.string({ error: "required" }).min(PASSWORD_MIN, { error: "passwordShort" }).max(PASSWORD_MAX, { error: "tooLong" }),
    confirm: z.string({ error: "required" }),
  })
  .refine((v) => v.password === v.confirm, { error: "passwordMismatch", path: ["confirm"] });
export const InvitationForm = z.discriminatedUnion("intent", [AcceptInvitationForm, NewPersonForm]);

const kind = z.enum(ORGANISATION_KINDS, { error: "kind" });
const shortCode = z
  .string({ error: "required" })
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9][A-Z0-9-]{0,11}$/, { error: "shortCode" });
export const CreateOrganisationForm = z.object({ intent: z.literal("create"), name, kind, shortCode });
export const UpdateOrganisationForm = z.object({ intent: z.literal("update"), organisationId: id, name, kind, shortCode });
export const OrganisationsForm = z.discriminatedUnion("intent", [CreateOrganisationForm, UpdateOrganisationForm]);

/** "" in a select means "no organisation". */
const optionalOrganisation = z
  .string()
  .trim()
  .max(100, { error: "tooLong" })
  .transform((v) => (v === "" ? null : v));
export const CreatePersonForm = z.object({ intent: z.literal("create"), email, name, organisationId: optionalOrganisation });
export const ChangeOrganisationForm = z.object({ intent: z.literal("organisation"), userId: id, organisationId: optionalOrganisation });
export const SetAdminForm = z.object({ intent: z.literal("admin"), userId: id, isAdmin: z.enum(["true", "false"], { error: "required" }).transform((v) => v === "true") });
export const DisablePersonForm = z.object({ intent: z.literal("disable"), userId: id });
export const EnablePersonForm = z.object({ intent: z.literal("enable"), userId: id });
export const EndSessionsForm = z.object({ intent: z.literal("sessions"), userId: id });
export const ResetSecondFactorForm = z.object({ intent: z.literal("secondFactor"), userId: id });
export const PeopleForm = z.discriminatedUnion("intent", [CreatePersonForm, ChangeOrganisationForm, SetAdminForm, DisablePersonForm, EnablePersonForm, EndSessionsForm, ResetSecondFactorForm]);

/** Field → error code, as both the browser and the action report them. */
export type FieldErrors = Partial<Record<string, string>>;

export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? String(issue.path[0]) : "form";
    out[key] ??= issue.message;
  }
  return out;
}

/** A form's entries as a plain object (the last value of a repeated name wins). */
export function formObject(form: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of form.entries()) if (typeof v === "string") out[k] = v;
  return out;
}
