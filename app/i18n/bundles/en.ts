/** Every namespace of the interface in one language (see app/i18n/index.ts): one chunk for the browser. */
import admin from "../locales/en/admin.json";
import agendas from "../locales/en/agendas.json";
import comments from "../locales/en/comments.json";
import common from "../locales/en/common.json";
import editor from "../locales/en/editor.json";
import identity from "../locales/en/identity.json";
import mail from "../locales/en/mail.json";
import realtime from "../locales/en/realtime.json";
import review from "../locales/en/review.json";
import sections from "../locales/en/sections.json";
import waiting from "../locales/en/waiting.json";

export default { common, admin, editor, realtime, comments, review, waiting, mail, identity, agendas, sections };
