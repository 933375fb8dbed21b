/** Every namespace of the interface in one language (see app/i18n/index.ts): one chunk for the browser. */
import admin from "../locales/fr/admin.json";
import agendas from "../locales/fr/agendas.json";
import comments from "../locales/fr/comments.json";
import common from "../locales/fr/common.json";
import editor from "../locales/fr/editor.json";
import identity from "../locales/fr/identity.json";
import mail from "../locales/fr/mail.json";
import realtime from "../locales/fr/realtime.json";
import review from "../locales/fr/review.json";
import sections from "../locales/fr/sections.json";
import waiting from "../locales/fr/waiting.json";

export default { common, admin, editor, realtime, comments, review, waiting, mail, identity, agendas, sections };
