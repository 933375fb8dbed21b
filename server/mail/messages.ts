/**
 * The words of every mail, in every language Overleg speaks: Dutch (formal "u"), English, German
 * (formal "Sie") and French (formal "vous"). Plain strings with the facts filled in; server/mail/render.ts
 * escapes them for HTML and picks the recipient's language.
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
  /** The opening line; `name` is null when the recipient has no account (yet) to take a name from. */
  greeting: (name: string | null) => string;
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
  greeting: (name) => (name ? `Beste ${name},` : "Beste heer/mevrouw,"),
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
  greeting: (name) => (name ? `Dear ${name},` : "Dear colleague,"),
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

const de: Words = {
  greeting: (name) => (name ? `Guten Tag ${name},` : "Sehr geehrte Damen und Herren,"),
  kinds: {
    review_request: {
      subject: (f) => `Prüfung beantragt: „${f.section}“ (${f.workspace})`,
      body: (f) => `${f.actor} bittet Ihre Organisation, den Abschnitt „${f.section}“ in „${f.workspace}“ zu prüfen${f.dueDate ? `, bitte bis spätestens ${f.dueDate}` : ""}.`,
      action: "Prüfung öffnen",
    },
    mention: {
      subject: (f) => `${f.actor} hat Sie bei „${f.section}“ erwähnt`,
      body: (f) => `${f.actor} hat Sie in einem Kommentar zu „${f.section}“ (${f.workspace}) erwähnt:${f.excerpt ? `\n\n„${f.excerpt}“` : ""}`,
      action: "Kommentar öffnen",
    },
    assignment: {
      subject: (f) => `${f.organisation ? "Ihrer Organisation" : "Ihnen"} zugewiesen: ein Kommentar zu „${f.section}“`,
      body: (f) =>
        `${f.actor} hat einen Kommentar zu „${f.section}“ (${f.workspace}) ${f.organisation ? `Ihrer Organisation (${f.organisation})` : "Ihnen"} zugewiesen${f.dueDate ? `, zu erledigen bis spätestens ${f.dueDate}` : ""}.${f.excerpt ? `\n\nBetrifft: „${f.excerpt}“` : ""}`,
      action: "Kommentar öffnen",
    },
    changes_requested: {
      subject: (f) => `Änderungen angefordert: „${f.section}“ (${f.workspace})`,
      body: (f) => `${f.actor} fordert Änderungen an „${f.section}“ (${f.workspace}) an.${f.note ? `\n\nAnmerkung: „${f.note}“` : ""}`,
      action: "Abschnitt öffnen",
    },
    approval: {
      subject: (f) => `Freigegeben: „${f.section}“ (${f.workspace})`,
      body: (f) => `${f.actor} hat „${f.section}“ (${f.workspace}) freigegeben.${f.note ? `\n\nAnmerkung: „${f.note}“` : ""}`,
      action: "Abschnitt öffnen",
    },
    ready_for_signoff: {
      subject: (f) => `Bereit zur Schlusszeichnung: „${f.section}“ (${f.workspace})`,
      body: (f) => `Alle freigebenden Organisationen haben „${f.section}“ in „${f.workspace}“ freigegeben. Der Abschnitt wartet auf Ihre Schlusszeichnung.`,
      action: "Abschnitt schlusszeichnen",
    },
    invitation: {
      subject: (f) => `Einladung zu „${f.workspace}“ in Overleg`,
      body: (f) => `${f.actor} lädt Sie ein, in Overleg als ${f.role} an „${f.workspace}“ mitzuarbeiten. Der Link ist bis ${f.expires} gültig und funktioniert einmal.`,
      action: "Einladung annehmen",
    },
    password_reset: {
      subject: () => "Ein neues Passwort für Overleg",
      body: () => "Für Ihr Konto wurde ein neues Passwort angefordert. Wählen Sie über den Link unten ein neues Passwort; der Link ist eine Stunde gültig. Wenn Sie dies nicht angefordert haben, können Sie diese E-Mail ignorieren.",
      action: "Ein neues Passwort wählen",
    },
    second_factor_reset: {
      subject: () => "Ihre Zwei-Faktor-Authentifizierung in Overleg wurde zurückgesetzt",
      body: (f) => `${f.actor} hat die Zwei-Faktor-Authentifizierung Ihres Kontos zurückgesetzt (zum Beispiel, weil Ihre Authentifizierungs-App verloren gegangen ist). Sie wurden überall abgemeldet. Richten Sie bei Ihrer nächsten Anmeldung eine neue Authentifizierungs-App ein. Wenn Sie dies nicht veranlasst haben, wenden Sie sich an Ihre Administration.`,
      action: "Anmelden und neu einrichten",
    },
  },
  reminder: {
    soon: {
      review: { subject: (f) => `In zwei Arbeitstagen: die Prüfung von „${f.section}“`, body: (f) => `Die Prüfung von „${f.section}“ (${f.workspace}) ist am ${f.dueDate} fällig. Ihre Organisation hat noch nicht entschieden.`, action: "Prüfung öffnen" },
      workspace: { subject: (f) => `In zwei Arbeitstagen: die Frist von „${f.workspace}“`, body: (f) => `Die Frist von „${f.workspace}“ ist der ${f.dueDate}.`, action: "Arbeitsbereich öffnen" },
    },
    today: {
      review: { subject: (f) => `Heute: die Prüfung von „${f.section}“`, body: (f) => `Die Prüfung von „${f.section}“ (${f.workspace}) ist heute (${f.dueDate}) fällig. Ihre Organisation hat noch nicht entschieden.`, action: "Prüfung öffnen" },
      workspace: { subject: (f) => `Heute: die Frist von „${f.workspace}“`, body: (f) => `Die Frist von „${f.workspace}“ ist heute (${f.dueDate}).`, action: "Arbeitsbereich öffnen" },
    },
    overdue: {
      review: { subject: (f) => `Überfällig: die Prüfung von „${f.section}“`, body: (f) => `Die Prüfung von „${f.section}“ (${f.workspace}) war am ${f.dueDate} fällig. Ihre Organisation hat noch nicht entschieden.`, action: "Prüfung öffnen" },
      workspace: { subject: (f) => `Überfällig: die Frist von „${f.workspace}“`, body: (f) => `Die Frist von „${f.workspace}“ war der ${f.dueDate}; noch nicht alle Abschnitte sind schlussgezeichnet.`, action: "Arbeitsbereich öffnen" },
    },
  },
  digest: {
    subject: (count) => `Overleg: ${count} ${count === 1 ? "Neuigkeit" : "Neuigkeiten"} von gestern`,
    intro: "Das ist gestern in den Arbeitsbereichen geschehen, in denen Sie mitarbeiten:",
    action: "Öffnen",
  },
  footer: {
    why: "Sie erhalten diese E-Mail, weil Sie in Overleg mitarbeiten.",
    settings: "E-Mail-Einstellungen",
    unsubscribe: (kind) => `Keine E-Mails mehr über: ${kind}`,
    unsubscribeAll: "Keine E-Mails mehr von Overleg",
  },
  kindNames: {
    review_request: "Prüfungsanfragen",
    mention: "Erwähnungen",
    assignment: "Zuweisungen",
    changes_requested: "angeforderte Änderungen",
    approval: "Freigaben",
    ready_for_signoff: "bereit zur Schlusszeichnung",
    reminder: "Fristerinnerungen",
  },
  roles: { owner: "Inhaber", editor: "Bearbeiter", commenter: "Kommentator", viewer: "Leser" },
};

const fr: Words = {
  greeting: (name) => (name ? `Bonjour ${name},` : "Madame, Monsieur,"),
  kinds: {
    review_request: {
      subject: (f) => `Relecture demandée : « ${f.section} » (${f.workspace})`,
      body: (f) => `${f.actor} demande à votre organisation de relire la section « ${f.section} » dans « ${f.workspace} »${f.dueDate ? `, au plus tard le ${f.dueDate}` : ""}.`,
      action: "Ouvrir la relecture",
    },
    mention: {
      subject: (f) => `${f.actor} vous a mentionné dans « ${f.section} »`,
      body: (f) => `${f.actor} vous a mentionné dans un commentaire sur « ${f.section} » (${f.workspace}) :${f.excerpt ? `\n\n« ${f.excerpt} »` : ""}`,
      action: "Ouvrir le commentaire",
    },
    assignment: {
      subject: (f) => `Attribué à ${f.organisation ? "votre organisation" : "vous"} : un commentaire sur « ${f.section} »`,
      body: (f) =>
        `${f.actor} a attribué un commentaire sur « ${f.section} » (${f.workspace}) à ${f.organisation ? `votre organisation (${f.organisation})` : "vous"}${f.dueDate ? `, à traiter au plus tard le ${f.dueDate}` : ""}.${f.excerpt ? `\n\nObjet : « ${f.excerpt} »` : ""}`,
      action: "Ouvrir le commentaire",
    },
    changes_requested: {
      subject: (f) => `Modifications demandées : « ${f.section} » (${f.workspace})`,
      body: (f) => `${f.actor} demande des modifications de « ${f.section} » (${f.workspace}).${f.note ? `\n\nRemarque : « ${f.note} »` : ""}`,
      action: "Ouvrir la section",
    },
    approval: {
      subject: (f) => `Approuvé : « ${f.section} » (${f.workspace})`,
      body: (f) => `${f.actor} a approuvé « ${f.section} » (${f.workspace}).${f.note ? `\n\nRemarque : « ${f.note} »` : ""}`,
      action: "Ouvrir la section",
    },
    ready_for_signoff: {
      subject: (f) => `Prêt pour la validation finale : « ${f.section} » (${f.workspace})`,
      body: (f) => `Toutes les organisations approbatrices ont approuvé « ${f.section} » dans « ${f.workspace} ». La section attend votre validation finale.`,
      action: "Valider la section",
    },
    invitation: {
      subject: (f) => `Invitation à « ${f.workspace} » dans Overleg`,
      body: (f) => `${f.actor} vous invite à collaborer à « ${f.workspace} » dans Overleg en tant que ${f.role}. Le lien est valable jusqu’au ${f.expires} et ne fonctionne qu’une fois.`,
      action: "Accepter l’invitation",
    },
    password_reset: {
      subject: () => "Un nouveau mot de passe pour Overleg",
      body: () => "Un nouveau mot de passe a été demandé pour votre compte. Choisissez-en un au moyen du lien ci-dessous ; il est valable une heure. Si vous n’avez rien demandé, vous pouvez ignorer cet e-mail.",
      action: "Choisir un nouveau mot de passe",
    },
    second_factor_reset: {
      subject: () => "Votre authentification à deux facteurs dans Overleg a été réinitialisée",
      body: (f) => `${f.actor} a réinitialisé l’authentification à deux facteurs de votre compte (par exemple parce que vous avez perdu votre application d’authentification). Vous avez été déconnecté partout. Configurez une nouvelle application d’authentification lors de votre prochaine connexion. Si vous n’avez rien demandé, contactez votre administrateur.`,
      action: "Se connecter et reconfigurer",
    },
  },
  reminder: {
    soon: {
      review: { subject: (f) => `Dans deux jours ouvrables : la relecture de « ${f.section} »`, body: (f) => `La relecture de « ${f.section} » (${f.workspace}) est attendue le ${f.dueDate}. Votre organisation n’a pas encore décidé.`, action: "Ouvrir la relecture" },
      workspace: { subject: (f) => `Dans deux jours ouvrables : l’échéance de « ${f.workspace} »`, body: (f) => `L’échéance de « ${f.workspace} » est le ${f.dueDate}.`, action: "Ouvrir l’espace de travail" },
    },
    today: {
      review: { subject: (f) => `Aujourd’hui : la relecture de « ${f.section} »`, body: (f) => `La relecture de « ${f.section} » (${f.workspace}) est attendue aujourd’hui (${f.dueDate}). Votre organisation n’a pas encore décidé.`, action: "Ouvrir la relecture" },
      workspace: { subject: (f) => `Aujourd’hui : l’échéance de « ${f.workspace} »`, body: (f) => `L’échéance de « ${f.workspace} » est aujourd’hui (${f.dueDate}).`, action: "Ouvrir l’espace de travail" },
    },
    overdue: {
      review: { subject: (f) => `En retard : la relecture de « ${f.section} »`, body: (f) => `La relecture de « ${f.section} » (${f.workspace}) était attendue le ${f.dueDate}. Votre organisation n’a pas encore décidé.`, action: "Ouvrir la relecture" },
      workspace: { subject: (f) => `En retard : l’échéance de « ${f.workspace} »`, body: (f) => `L’échéance de « ${f.workspace} » était le ${f.dueDate} ; toutes les sections ne sont pas encore validées.`, action: "Ouvrir l’espace de travail" },
    },
  },
  digest: {
    subject: (count) => `Overleg : ${count} ${count === 1 ? "nouvelle" : "nouvelles"} d’hier`,
    intro: "Voici ce qui s’est passé hier dans les espaces de travail auxquels vous collaborez :",
    action: "Ouvrir",
  },
  footer: {
    why: "Vous recevez cet e-mail parce que vous collaborez dans Overleg.",
    settings: "Paramètres de messagerie",
    unsubscribe: (kind) => `Plus d’e-mails sur : ${kind}`,
    unsubscribeAll: "Plus aucun e-mail d’Overleg",
  },
  kindNames: {
    review_request: "demandes de relecture",
    mention: "mentions",
    assignment: "attributions",
    changes_requested: "modifications demandées",
    approval: "approbations",
    ready_for_signoff: "prêt pour la validation finale",
    reminder: "rappels d’échéance",
  },
  roles: { owner: "propriétaire", editor: "rédacteur", commenter: "commentateur", viewer: "lecteur" },
};

export const WORDS: Record<Locale, Words> = { nl, en, de, fr };
