/**
 * The demo content: organisations named in the minister's letter on processing critical raw
 * materials, its six TNO recommendations and five short-term actions as workspaces, and starter
 * sections whose text comes from the letter.
 */
import { blocks, type BlockJSON } from "../document";
import type { OrganisationKind, Role } from "../../app/shared/domain";

export const DEMO_PASSWORD = "overleg-demo-2026";

export const organisations: { code: string; kind: OrganisationKind; name: string }[] = [
  { code: "EZ", kind: "ministry", name: "Ministerie van Economische Zaken" },
  { code: "KGG", kind: "ministry", name: "Ministerie van Klimaat en Groene Groei" },
  { code: "OCW", kind: "ministry", name: "Ministerie van Onderwijs, Cultuur en Wetenschap" },
  { code: "SZW", kind: "ministry", name: "Ministerie van Sociale Zaken en Werkgelegenheid" },
  { code: "FME", kind: "industry", name: "FME" },
  { code: "MU", kind: "industry", name: "Koninklijke Metaalunie" },
  { code: "TNO", kind: "institute", name: "TNO" },
  { code: "BE", kind: "partner-country", name: "België" },
  { code: "DE", kind: "partner-country", name: "Duitsland" },
  { code: "MIN", kind: "minister-office", name: "Kabinet van de minister van Economische Zaken" },
];

export interface DemoPerson {
  email: string;
  name: string;
  org: string | null;
  isAdmin?: boolean;
}

export const people: DemoPerson[] = [
  { email: "lead@ez.example", name: "Eva de Leeuw", org: "EZ" },
  { email: "drafter@kgg.example", name: "Daan Kramer", org: "KGG" },
  { email: "expert@fme.example", name: "Fatima El Amrani", org: "FME" },
  { email: "partner@be.example", name: "Pieter Claes", org: "BE" },
  { email: "approver@ocw.example", name: "Anouk Visser", org: "OCW" },
  { email: "office@minister.example", name: "Otto Brouwer", org: "MIN" },
  { email: "viewer@tno.example", name: "Vera Jansen", org: "TNO" },
  { email: "admin@overleg.example", name: "Ada Beheer", org: null, isAdmin: true },
];

export interface DemoWorkspace {
  key: string;
  title: string;
  description: string;
  lead: string;
  approvers: string[];
  /** Roles beyond the defaults (lead owner; drafter editor; expert commenter; viewer viewer). */
  roles?: Partial<Record<string, Role | null>>;
  sections: { title: string; content: BlockJSON[] }[];
}

const P = blocks.paragraph;

// A section's title is its own field, shown once above its text: the texts start without a heading
// repeating it.
const context: BlockJSON[] = [
  P(
    "Het kabinet hecht aan het veilig stellen van de leveringszekerheid van kritieke grondstoffen en het verminderen van de risicovolle strategische afhankelijkheden van landen buiten de Europese Unie. Volgens de doelstellingen van de Europese Critical Raw Materials Act (CRMA) moet in 2030 ten minste 40% van het jaarlijkse EU-verbruik van strategische grondstoffen in de Unie zelf worden verwerkt.",
  ),
];

function recommendation(aspect: string, extra: BlockJSON[] = []): DemoWorkspace["sections"] {
  return [
    { title: "Aanleiding", content: context },
    {
      title: "Aanbeveling",
      content: [
        P(`TNO adviseert om ${aspect} te adresseren om Nederland aantrekkelijk te maken voor investeerders in de verwerkingsindustrie voor kritieke grondstoffen.`),
        ...extra,
      ],
    },
    { title: "Acties en planning", content: [P("Nog uit te werken met alle betrokken partijen, voor de actie-agenda van het derde kwartaal.")] },
  ];
}

/** The demo agenda: the Dutch action agenda on processing critical raw materials. */
export const agenda = {
  title: "Actieagenda verwerking kritieke grondstoffen",
  description:
    "De actie-agenda voor het verwerken van kritieke grondstoffen in Nederland, uitgewerkt per aanbeveling van het TNO-rapport met ministeries, industrie en partnerlanden.",
  ownerOrganisation: "EZ",
  owners: ["lead@ez.example"],
};

/** The templates of the demo agenda: the three sections every recommendation has. */
export const templates: { name: string; sections: { title: string; content: { type: "doc"; content: BlockJSON[] } }[] }[] = [
  {
    name: "Aanbeveling (Aanleiding, Aanbeveling, Acties en planning)",
    sections: [
      { title: "Aanleiding", content: { type: "doc", content: [P("Waarom deze aanbeveling er is: de bevinding uit het TNO-rapport.")] } },
      { title: "Aanbeveling", content: { type: "doc", content: [P("Wat TNO adviseert, en wat het kabinet ermee doet.")] } },
      { title: "Acties en planning", content: { type: "doc", content: [P("Acties, trekkers en planning.")] } },
    ],
  },
];

export const workspaces: DemoWorkspace[] = [
  {
    key: "financing",
    title: "Toegang tot financiering",
    description: "Aanbeveling 1 van TNO: toegang tot voldoende financiering om verwerkingsfaciliteiten te kunnen financieren.",
    lead: "EZ",
    approvers: ["KGG"],
    sections: recommendation("toegang tot voldoende financiering om verwerkingsfaciliteiten te kunnen financieren"),
  },
  {
    key: "offtake",
    title: "Afnameverplichtingen op lange termijn",
    description: "Aanbeveling 2 van TNO: het veiligstellen van afnameverplichtingen op lange termijn van verwerkte kritieke grondstoffen.",
    lead: "EZ",
    approvers: ["KGG"],
    roles: { "expert@fme.example": "editor" },
    sections: recommendation("het veiligstellen van afnameverplichtingen op lange termijn van verwerkte kritieke grondstoffen"),
  },
  {
    key: "supply",
    title: "Leveringscontracten op lange termijn",
    description: "Aanbeveling 3 van TNO: het veiligstellen van grondstoffen onder langetermijnleveringscontracten.",
    lead: "EZ",
    approvers: ["KGG"],
    sections: recommendation("het veiligstellen van grondstoffen onder langetermijnleveringscontracten"),
  },
  {
    key: "policy",
    title: "Een duidelijke en consistente beleidsomgeving",
    description: "Aanbeveling 4 van TNO: een duidelijke en consistente (beleids)omgeving.",
    lead: "EZ",
    approvers: ["KGG"],
    sections: recommendation("een duidelijke en consistente (beleids)omgeving"),
  },
  {
    key: "infrastructure",
    title: "Infrastructuur en ruimte",
    description: "Aanbeveling 5 van TNO: toegang tot en kwaliteit van infrastructuur en ruimte.",
    lead: "KGG",
    approvers: ["KGG"],
    sections: recommendation("toegang tot en kwaliteit van infrastructuur en ruimte", [
      P(
        "Op dit moment laat het ministerie van KGG onderzoek uitvoeren naar de ruimtebehoefte voor de industrie, waarbij expliciet aandacht wordt besteed aan thema's als strategische autonomie, grondstoffentransitie en circulaire economie.",
      ),
    ]),
  },
  {
    key: "labour",
    title: "Geschoolde arbeidskrachten",
    description: "Aanbeveling 6 van TNO: beschikbaarheid van geschoolde arbeidskrachten.",
    lead: "EZ",
    approvers: ["OCW"],
    roles: { "expert@fme.example": "editor", "approver@ocw.example": "commenter" },
    sections: recommendation("de beschikbaarheid van geschoolde arbeidskrachten", [
      P(
        "Het ministerie van EZ voert samen met de ministeries van OCW en SZW en met FME en Metaalunie het actieplan groene en digitale banen uit. Hiermee moet het aantal mensen dat technische beroepen uitoefent substantieel toenemen.",
      ),
    ]),
  },
  {
    key: "contact-point",
    title: "Centraal contactpunt",
    description: "Korte termijn, actie 1: een centraal contactpunt onder de Critical Raw Materials Act.",
    lead: "EZ",
    approvers: ["KGG"],
    sections: [
      {
        title: "Centraal contactpunt",
        content: [
          P(
            "In het kader van de Critical Raw Materials Act wordt een centraal contactpunt opgericht, dat informatie verstrekt over vergunningverlening en financieringsmogelijkheden en als centraal aanspreekpunt dient voor potentiële investeerders in strategische projecten.",
          ),
        ],
      },
    ],
  },
  {
    key: "working-group",
    title: "Werkgroep strategische projecten",
    description: "Korte termijn, actie 2: een werkgroep van publieke financiers en departementen.",
    lead: "EZ",
    approvers: ["KGG"],
    sections: [
      {
        title: "Werkgroep strategische projecten",
        content: [
          P(
            "Het ministerie zet een werkgroep voor strategische projecten op, waarin de belangrijkste publieke financiers en betrokken departementen bij elkaar worden gebracht, om te bepalen in welke mate Nederlandse projecten met bestaand overheidsinstrumentarium ondersteund kunnen worden.",
          ),
        ],
      },
    ],
  },
  {
    key: "instrument-gaps",
    title: "Lacunes in het instrumentarium",
    description: "Korte termijn, actie 3: lacunes in het overheidsinstrumentarium identificeren.",
    lead: "EZ",
    approvers: ["KGG"],
    sections: [
      {
        title: "Lacunes in het instrumentarium",
        content: [
          P(
            "Lacunes in het overheidsinstrumentarium om strategische projecten actief te kunnen ondersteunen worden geïdentificeerd en ingebracht in de actie-agenda voor de langere termijn.",
          ),
        ],
      },
    ],
  },
  {
    key: "special-representative",
    title: "Advies Speciaal Vertegenwoordiger",
    description: "Korte termijn, actie 4: het advies van de Speciaal Vertegenwoordiger Grondstoffenstrategie.",
    lead: "EZ",
    approvers: ["KGG"],
    sections: [
      {
        title: "Advies Speciaal Vertegenwoordiger",
        content: [
          P(
            "De Speciaal Vertegenwoordiger Grondstoffenstrategie adviseert, op basis van zijn contacten met de industrie, over concrete maatregelen die nodig zijn om strategische projecten op het gebied van verwerking van kritieke grondstoffen in Nederland van de grond te krijgen.",
          ),
        ],
      },
    ],
  },
  {
    key: "cross-border",
    title: "Grensoverschrijdende samenwerking",
    description: "Korte termijn, actie 5: samenwerking en afstemming met de landen om ons heen over industriële clusters.",
    lead: "EZ",
    approvers: ["KGG"],
    roles: { "partner@be.example": "commenter" },
    sections: [
      {
        title: "Grensoverschrijdende clusters",
        content: [
          P(
            "Industriële clusters beperken zich niet tot de landsgrenzen. Daarom moeten we in Europees verband kijken naar het opbouwen van betrouwbare waardeketens door middel van strategische projecten, in samenwerking en afstemming met de landen om ons heen.",
          ),
          blocks.bulletList(["Clusterplan Antwerpen–Rotterdam", "Clusterplan Rijn–Ruhr", "Gezamenlijke strategische projecten onder de CRMA"]),
        ],
      },
    ],
  },
];

/** Everyone's default role in every workspace (a workspace's `roles` overrides it; null = none). */
export const defaultRoles: Record<string, Role | null> = {
  "lead@ez.example": "owner",
  "drafter@kgg.example": "editor",
  "expert@fme.example": "commenter",
  "viewer@tno.example": "viewer",
  "partner@be.example": null,
  "approver@ocw.example": null,
  "office@minister.example": null,
  "admin@overleg.example": null,
};
