/**
 * The words of every mail, in Dutch (formal "u") and English. Plain strings with the facts filled in;
 * server/mail/render.ts escapes them for HTML.
 */
import type { Locale } from "../../app/shared/locales";
import type { MailKind } from "../../app/shared/mail";

export interface Facts {
  actor: string;
  section: string;
  workspace: string;
  dueDate: string;
  note: string;
  excerpt: string;
  role: string;
  expires: string;
  /** The organisation a thread was assigned to, when it was assigned to an organisation. */
  organisation: string;
}

type Line = (f: Facts) => string;
interface KindWords {
  subject: Line;
  body: Line;
  action: string;
}

export interface Words {
  greeting: (name: string) => string;
  kinds: Record<Exclude<MailKind, "reminder">, KindWords> & {
    invitation: KindWords;
    password_reset: KindWords;
    second_factor_reset: KindWords;
  };
  reminder: Record<"soon" | "today" | "overdue", Record<"review" | "workspace", KindWords>>;
  digest: { subject: (count: number) => string; intro: string; action: string };
  footer: { why: string; settings: string; unsubscribe: (kind: string) => string; unsubscribeAll: string };
  kindNames: Record<MailKind, string>;
  roles: Record<string, string>;
}

const nl: Words = {
  greeting: (name) => `Beste ${name},`,
  kinds: {
    review_request: {
      subject: (f) => `Beoordeling gevraagd: "${f.section}" (${f.workspace})`,
      body: (f) => `${f.actor} vraagt uw organisatie de sectie "${f.section}" in "${f.workspace}" te beoordelen${f.dueDate ? `, graag uiterlijk ${f.dueDate}` : ""}.`,
      action: "Beoordeling openen",
    },
    mention: {
      subject: (f) => `${f.actor} noemde u bij "${f.section}"`,
      body: (f) => `${f.actor} noemde u in een opmerking bij "${f.section}" (${f.workspace}):${f.excerpt ? `\n\n"${f.excerpt}"` : ""}`,
      action: "Opmerking openen",
    },
    assignment: {
      subject: (f) => `Aan ${f.organisation ? "uw organisatie" : "u"} toegewezen: opmerking bij "${f.section}"`,
      body: (f) =>
        `${f.actor} heeft een opmerking bij "${f.section}" (${f.workspace}) toegewezen aan ${f.organisation ? `uw organisatie (${f.organisation})` : "u"}${f.dueDate ? `, graag afgehandeld uiterlijk ${f.dueDate}` : ""}.${f.excerpt ? `\n\nOver: "${f.excerpt}"` : ""}`,
      action: "Opmerking openen",
    },
    changes_requested: {
      subject: (f) => `Wijzigingen gevraagd: "${f.section}" (${f.workspace})`,
      body: (f) => `${f.actor} vraagt wijzigingen in "${f.section}" (${f.workspace}).${f.note ? `\n\nToelichting: "${f.note}"` : ""}`,
      action: "Sectie openen",
    },
    approval: {
      subject: (f) => `Goedgekeurd: "${f.section}" (${f.workspace})`,
      body: (f) => `${f.actor} heeft "${f.section}" (${f.workspace}) goedgekeurd.${f.note ? `\n\nToelichting: "${f.note}"` : ""}`,
      action: "Sectie openen",
    },
    ready_for_signoff: {
      subject: (f) => `Klaar voor vaststelling: "${f.section}" (${f.workspace})`,
      body: (f) => `Alle goedkeurende organisaties hebben "${f.section}" in "${f.workspace}" goedgekeurd. De sectie wacht op uw vaststelling.`,
      action: "Sectie vaststellen",
    },
    invitation: {
      subject: (f) => `Uitnodiging voor "${f.workspace}" in Overleg`,
      body: (f) => `${f.actor} nodigt u uit om als ${f.role} mee te werken aan "${f.workspace}" in Overleg. De link is geldig tot ${f.expires} en werkt één keer.`,
      action: "Uitnodiging aannemen",
    },
    password_reset: {
      subject: () => "Nieuw wachtwoord voor Overleg",
      body: () => "Er is gevraagd om een nieuw wachtwoord voor uw account. Kies met de link hieronder een nieuw wachtwoord; de link is een uur geldig. Heeft u dit niet gevraagd, dan kunt u deze e-mail negeren.",
      action: "Nieuw wachtwoord kiezen",
    },
    second_factor_reset: {
      subject: () => "Uw tweestapsverificatie in Overleg is opnieuw ingesteld",
      body: (f) => `${f.actor} heeft de tweestapsverificatie van uw account opnieuw ingesteld (bijvoorbeeld omdat u uw authenticator-app kwijt bent). U bent overal afgemeld. Stel bij de volgende keer aanmelden een nieuwe authenticator-app in. Heeft u hier niet om gevraagd, neem dan contact op met uw beheerder.`,
      action: "Aanmelden en opnieuw instellen",
    },
  },
  reminder: {
    soon: {
      review: { subject: (f) => `Over twee werkdagen: beoordeling van "${f.section}"`, body: (f) => `De beoordeling van "${f.section}" (${f.workspace}) moet uiterlijk ${f.dueDate} klaar zijn. Uw organisatie heeft nog niet besloten.`, action: "Beoordeling openen" },
      workspace: { subject: (f) => `Over twee werkdagen: deadline van "${f.workspace}"`, body: (f) => `De deadline van "${f.workspace}" is ${f.dueDate}.`, action: "Werkruimte openen" },
    },
    today: {
      review: { subject: (f) => `Vandaag: beoordeling van "${f.section}"`, body: (f) => `De beoordeling van "${f.section}" (${f.workspace}) moet vandaag (${f.dueDate}) klaar zijn. Uw organisatie heeft nog niet besloten.`, action: "Beoordeling openen" },
      workspace: { subject: (f) => `Vandaag: deadline van "${f.workspace}"`, body: (f) => `De deadline van "${f.workspace}" is vandaag (${f.dueDate}).`, action: "Werkruimte openen" },
    },
    overdue: {
      review: { subject: (f) => `Verlopen: beoordeling van "${f.section}"`, body: (f) => `De beoordeling van "${f.section}" (${f.workspace}) had op ${f.dueDate} klaar moeten zijn. Uw organisatie heeft nog niet besloten.`, action: "Beoordeling openen" },
      workspace: { subject: (f) => `Verlopen: deadline van "${f.workspace}"`, body: (f) => `De deadline van "${f.workspace}" was ${f.dueDate}; nog niet alle secties zijn vastgesteld.`, action: "Werkruimte openen" },
    },
  },
  digest: {
    subject: (count) => `Overleg: ${count} ${count === 1 ? "bericht" : "berichten"} van gisteren`,
    intro: "Dit gebeurde er gisteren in de werkruimten waaraan u meewerkt:",
    action: "Openen",
  },
  footer: {
    why: "U ontvangt deze e-mail omdat u meewerkt in Overleg.",
    settings: "E-mailinstellingen",
    unsubscribe: (kind) => `Geen e-mail meer over: ${kind}`,
    unsubscribeAll: "Geen e-mail meer van Overleg",
  },
  kindNames: {
    review_request: "beoordelingsverzoeken",
    mention: "vermeldingen",
    assignment: "toewijzingen",
    changes_requested: "gevraagde wijzigingen",
    approval: "goedkeuringen",
    ready_for_signoff: "klaar voor vaststelling",
    reminder: "herinneringen aan deadlines",
  },
  roles: { owner: "eigenaar", editor: "redacteur", commenter: "commentator", viewer: "lezer" },
};

const en: Words = {
  greeting: (name) => `Dear ${name},`,
  kinds: {
    review_request: {
      subject: (f) => `Review requested: "${f.section}" (${f.workspace})`,
      body: (f) => `${f.actor} asks your organisation to review the section "${f.section}" in "${f.workspace}"${f.dueDate ? `, by ${f.dueDate}` : ""}.`,
      action: "Open the review",
    },
    mention: {
      subject: (f) => `${f.actor} mentioned you on "${f.section}"`,
      body: (f) => `${f.actor} mentioned you in a comment on "${f.section}" (${f.workspace}):${f.excerpt ? `\n\n"${f.excerpt}"` : ""}`,
      action: "Open the comment",
    },
    assignment: {
      subject: (f) => `Assigned to ${f.organisation ? "your organisation" : "you"}: a comment on "${f.section}"`,
      body: (f) =>
        `${f.actor} assigned a comment on "${f.section}" (${f.workspace}) to ${f.organisation ? `your organisation (${f.organisation})` : "you"}${f.dueDate ? `, to be handled by ${f.dueDate}` : ""}.${f.excerpt ? `\n\nAbout: "${f.excerpt}"` : ""}`,
      action: "Open the comment",
    },
    changes_requested: {
      subject: (f) => `Changes requested: "${f.section}" (${f.workspace})`,
      body: (f) => `${f.actor} asks for changes to "${f.section}" (${f.workspace}).${f.note ? `\n\nNote: "${f.note}"` : ""}`,
      action: "Open the section",
    },
    approval: {
      subject: (f) => `Approved: "${f.section}" (${f.workspace})`,
      body: (f) => `${f.actor} approved "${f.section}" (${f.workspace}).${f.note ? `\n\nNote: "${f.note}"` : ""}`,
      action: "Open the section",
    },
    ready_for_signoff: {
      subject: (f) => `Ready for sign-off: "${f.section}" (${f.workspace})`,
      body: (f) => `Every approving organisation approved "${f.section}" in "${f.workspace}". The section waits for your sign-off.`,
      action: "Sign off the section",
    },
    invitation: {
      subject: (f) => `Invitation to "${f.workspace}" on Overleg`,
      body: (f) => `${f.actor} invites you to work on "${f.workspace}" in Overleg as ${f.role}. The link is valid until ${f.expires} and works once.`,
      action: "Accept the invitation",
    },
    password_reset: {
      subject: () => "A new password for Overleg",
      body: () => "Someone asked for a new password for your account. Choose one with the link below; it is valid for one hour. If you did not ask, you can ignore this mail.",
      action: "Choose a new password",
    },
    second_factor_reset: {
      subject: () => "Your two-factor authentication on Overleg was reset",
      body: (f) => `${f.actor} reset the two-factor authentication of your account (for instance because you lost your authenticator app). You were signed out everywhere. Set up a new authenticator app the next time you sign in. If you did not ask for this, contact your administrator.`,
      action: "Sign in and set it up again",
    },
  },
  reminder: {
    soon: {
      review: { subject: (f) => `In two working days: the review of "${f.section}"`, body: (f) => `The review of "${f.section}" (${f.workspace}) is due on ${f.dueDate}. Your organisation has not decided yet.`, action: "Open the review" },
      workspace: { subject: (f) => `In two working days: the deadline of "${f.workspace}"`, body: (f) => `The deadline of "${f.workspace}" is ${f.dueDate}.`, action: "Open the workspace" },
    },
    today: {
      review: { subject: (f) => `Today: the review of "${f.section}"`, body: (f) => `The review of "${f.section}" (${f.workspace}) is due today (${f.dueDate}). Your organisation has not decided yet.`, action: "Open the review" },
      workspace: { subject: (f) => `Today: the deadline of "${f.workspace}"`, body: (f) => `The deadline of "${f.workspace}" is today (${f.dueDate}).`, action: "Open the workspace" },
    },
    overdue: {
      review: { subject: (f) => `Overdue: the review of "${f.section}"`, body: (f) => `The review of "${f.section}" (${f.workspace}) was due on ${f.dueDate}. Your organisation has not decided yet.`, action: "Open the review" },
      workspace: { subject: (f) => `Overdue: the deadline of "${f.workspace}"`, body: (f) => `The deadline of "${f.workspace}" was ${f.dueDate}; not every section is signed off yet.`, action: "Open the workspace" },
    },
  },
  digest: {
    subject: (count) => `Overleg: ${count} ${count === 1 ? "update" : "updates"} from yesterday`,
    intro: "This happened yesterday in the workspaces you work on:",
    action: "Open",
  },
  footer: {
    why: "You receive this mail because you work in Overleg.",
    settings: "Mail settings",
    unsubscribe: (kind) => `No more mail about: ${kind}`,
    unsubscribeAll: "No more mail from Overleg",
  },
  kindNames: {
    review_request: "review requests",
    mention: "mentions",
    assignment: "assignments",
    changes_requested: "changes requested",
    approval: "approvals",
    ready_for_signoff: "ready for sign-off",
    reminder: "due-date reminders",
  },
  roles: { owner: "owner", editor: "editor", commenter: "commenter", viewer: "viewer" },
};

export const WORDS: Record<Locale, Words> = { nl, en };
