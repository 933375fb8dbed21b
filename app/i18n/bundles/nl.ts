/** Every namespace of the interface in one language (see app/i18n/index.ts): one chunk for the browser. */
import admin from "../locales/nl/admin.json";
import agendas from "../locales/nl/agendas.json";
import comments from "../locales/nl/comments.json";
import common from "../locales/nl/common.json";
import editor from "../locales/nl/editor.json";
import identity from "../locales/nl/identity.json";
import mail from "../locales/nl/mail.json";
import realtime from "../locales/nl/realtime.json";
import review from "../locales/nl/review.json";
import sections from "../locales/nl/sections.json";
import waiting from "../locales/nl/waiting.json";

export default { common, admin, editor, realtime, comments, review, waiting, mail, identity, agendas, sections };
