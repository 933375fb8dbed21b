import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { setSecondFactorRules, type Rule } from "../../server/commands/secondFactorRulesSet";
import { SECOND_FACTOR_ROLES, type SecondFactorRole } from "../../server/policy";
import { secondFactorRoleRules } from "../../server/services/second-factor";
import { localeFromMatches, pageTitle, translate } from "~/components/translate";
import { commandFailure, requireAdmin } from "~/utils/admin.server";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(translate(localeFromMatches(matches), "identity:rules.title")) }];

/** Who must use two-factor authentication: a rule per role and per organisation (admins only). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireAdmin(request, context, "admin.people");
  const { database, env } = context.services;
  const { db, t } = database;
  const organisations = await db
    .select({ id: t.organisations.id, name: t.organisations.name, kind: t.organisations.kind, rule: t.organisations.requireTwoFactor })
    .from(t.organisations)
    .orderBy(t.organisations.name);
  return {
    production: env.NODE_ENV === "production",
    roles: await secondFactorRoleRules(database),
    organisations: organisations.map((o) => ({ ...o, rule: o.rule === null || o.rule === undefined ? null : Boolean(o.rule) })),
  };
}

const ruleOf = (value: FormDataEntryValue | null): Rule => (value === "required" ? true : value === "not-required" ? false : null);

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = await requireAdmin(request, context, "admin.people");
  const form = await request.formData();
  const roles: Partial<Record<SecondFactorRole, Rule>> = {};
  for (const role of SECOND_FACTOR_ROLES) if (form.has(`role:${role}`)) roles[role] = ruleOf(form.get(`role:${role}`));
  const organisations: Record<string, Rule> = {};
  for (const [key, value] of form) if (key.startsWith("organisation:")) organisations[key.slice("organisation:".length)] = ruleOf(value);
  try {
    await setSecondFactorRules(context.services, { actor, roles, organisations });
    return data({ ok: true as const });
  } catch (error) {
    return commandFailure(error, "rules");
  }
}

function RuleSelect({ name, value, label }: { name: string; value: Rule | undefined; label: string }) {
  const { t } = useTranslation("identity");
  return (
    <select name={name} defaultValue={value === true ? "required" : value === false ? "not-required" : "default"} aria-label={label}>
      <option value="default">{t("rules.default")}</option>
      <option value="required">{t("rules.required")}</option>
      <option value="not-required">{t("rules.notRequired")}</option>
    </select>
  );
}

export default function SecondFactorRules() {
  const { roles, organisations, production } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const { t } = useTranslation("identity");
  const { t: common } = useTranslation();
  return (
    <main id="main" className="page" tabIndex={-1}>
      <h1>{t("rules.title")}</h1>
      <p className="lede">{production ? t("rules.introProduction") : t("rules.introDevelopment")}</p>
      {result?.ok ? (
        <p className="alert alert--success" role="status">
          {t("rules.saved")}
        </p>
      ) : null}
      <Form method="post">
        <section className="panel" aria-labelledby="rules-roles">
          <h2 id="rules-roles">{t("rules.roles")}</h2>
          <table className="table">
            <tbody>
              {SECOND_FACTOR_ROLES.map((role) => (
                <tr key={role}>
                  <th scope="row">{t(`rules.role.${role}`)}</th>
                  <td>
                    <RuleSelect name={`role:${role}`} value={roles[role]} label={t(`rules.role.${role}`)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section className="panel" aria-labelledby="rules-organisations">
          <h2 id="rules-organisations">{t("rules.organisations")}</h2>
          <table className="table">
            <tbody>
              {organisations.map((o) => (
                <tr key={o.id}>
                  <th scope="row">
                    {o.name} <span className="muted">({common(`orgKind.${o.kind}`)})</span>
                  </th>
                  <td>
                    <RuleSelect name={`organisation:${o.id}`} value={o.rule} label={o.name} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <button type="submit" className="button button--primary" disabled={busy}>
          {t("rules.save")}
        </button>
      </Form>
    </main>
  );
}
