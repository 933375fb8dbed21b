/** Every namespace of the interface in one language (see app/i18n/index.ts): one chunk for the browser. */
import admin from "../locales/de/admin.json";
import agendas from "../locales/de/agendas.json";
import comments from "../locales/de/comments.json";
import common from "../locales/de/common.json";
import editor from "../locales/de/editor.json";
import identity from "../locales/de/identity.json";
import mail from "../locales/de/mail.json";
import realtime from "../locales/de/realtime.json";
import review from "../locales/de/review.json";
import sections from "../locales/de/sections.json";
import waiting from "../locales/de/waiting.json";

export default { common, admin, editor, realtime, comments, review, waiting, mail, identity, agendas, sections };
