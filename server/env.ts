import { z } from "zod";

/**
 * The process configuration, parsed once at start. A bad value stops the process with one line per
 * problem; nothing here is ever sent to the browser (see `publicEnv`).
 */
const boolish = z
  .enum(["true", "false", "1", "0", ""])
  .optional()
  .transform((v) => v === "true" || v === "1");

const PORT_MESSAGE = "must be a port number from 0 to 65535";

const CHECKPOINT_MESSAGE = "must be a whole number of events from 1 to 1000000";

/** Where the audit key is generated outside production when AUDIT_KEY_FILE is not set. */
export const DEV_AUDIT_KEY_FILE = "./data/audit-key.pem";

/** An address, or a display name and an address in angle brackets. */
const MAIL_FROM_PATTERN = /^(?:[^<>@\r\n]*<[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+)$/;

const DEV_SECRET = "overleg-development-secret-not-for-production-use";

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: z.coerce.number(PORT_MESSAGE).int(PORT_MESSAGE).min(0, PORT_MESSAGE).max(65535, PORT_MESSAGE).default(3000),
    HOST: z.string().min(1).default("127.0.0.1"),
    DATABASE_URL: z
      .string()
      .default("file:./data/overleg.db")
      .refine((v) => /^(file:|postgres(ql)?:\/\/)/.test(v) || v === ":memory:", {
        message: "must start with file: (SQLite) or postgres:// (PostgreSQL)",
      }),
    REDIS_URL: z
      .string()
      .optional()
      .refine((v) => !v || /^rediss?:\/\//.test(v), { message: "must start with redis:// or rediss://" }),
    BETTER_AUTH_SECRET: z.string().optional(),
    PUBLIC_URL: z.string().url({ message: "must be an absolute URL such as https://overleg.example" }).optional(),
    ALLOW_SIGNUP: boolish,
    SEED_DEMO: boolish,
    ADMIN_EMAIL: z.string().email().optional(),
    ADMIN_PASSWORD: z.string().min(12, "must be at least 12 characters").optional(),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
    AUDIT_KEY_FILE: z.string().min(1).optional(),
    AUDIT_CHECKPOINT_EVERY: z.coerce
      .number(CHECKPOINT_MESSAGE)
      .int(CHECKPOINT_MESSAGE)
      .min(1, CHECKPOINT_MESSAGE)
      .max(1_000_000, CHECKPOINT_MESSAGE)
      .default(100),
    SMTP_URL: z
      .string()
      .optional()
      .refine((v) => !v || /^smtps?:\/\/[^/\s]+/.test(v), { message: "must be an smtp:// or smtps:// URL, e.g. smtp://user:password@mail.internal:587" }),
    MAIL_FROM: z
      .string()
      .optional()
      .refine((v) => !v || MAIL_FROM_PATTERN.test(v.trim()), { message: "must be an address, or a name and an address: Overleg <overleg@example.org>" }),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production") {
      if (!env.BETTER_AUTH_SECRET || env.BETTER_AUTH_SECRET.length < 32) {
        ctx.addIssue({
          code: "custom",
          path: ["BETTER_AUTH_SECRET"],
          message: "is required in production (at least 32 random characters)",
        });
      }
    } else if (env.BETTER_AUTH_SECRET && env.BETTER_AUTH_SECRET.length < 32) {
      ctx.addIssue({ code: "custom", path: ["BETTER_AUTH_SECRET"], message: "must be at least 32 characters" });
    }
    if (env.NODE_ENV === "production" && !env.AUDIT_KEY_FILE) {
      ctx.addIssue({
        code: "custom",
        path: ["AUDIT_KEY_FILE"],
        message: "is required in production: the path of the Ed25519 private key (PEM) that signs audit checkpoints, kept apart from the database",
      });
    }
    if (env.SMTP_URL && !env.MAIL_FROM) {
      ctx.addIssue({ code: "custom", path: ["MAIL_FROM"], message: "is required when SMTP_URL is set (the sender of every mail)" });
    }
    if (env.ADMIN_EMAIL && !env.ADMIN_PASSWORD) {
      ctx.addIssue({ code: "custom", path: ["ADMIN_PASSWORD"], message: "is required when ADMIN_EMAIL is set" });
    } else if (!env.ADMIN_EMAIL && env.ADMIN_PASSWORD) {
      ctx.addIssue({ code: "custom", path: ["ADMIN_EMAIL"], message: "is required when ADMIN_PASSWORD is set" });
    }
  });

/** Plain HTTP is allowed only to this machine (a provider in development or a test); anything else needs HTTPS. */
export function issuerAllowed(issuer: string): boolean {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return false;
  }
  if (url.username || url.password || url.search || url.hash) return false;
  return url.protocol === "https:" || (url.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname));
}

/**
 * A single sign-on provider from the configuration (SSO_<n>_…), next to the ones an admin adds on
 * /admin/sso: shown there read-only. Its organisation is named by short code, resolved when used.
 */
export interface ConfiguredSsoProvider {
  /** `config-<n>`: the number in its variables' names. */
  id: string;
  /** The variables' prefix, e.g. SSO_1_, for messages. */
  prefix: string;
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  domains: string[];
  organisation: string;
  createPeople: boolean;
}

const SSO_FIELDS = ["NAME", "ISSUER", "CLIENT_ID", "CLIENT_SECRET", "DOMAINS", "ORGANISATION", "CREATE_PEOPLE"] as const;
const SSO_REQUIRED = ["ISSUER", "CLIENT_ID", "CLIENT_SECRET", "DOMAINS", "ORGANISATION"] as const;
const DOMAIN_PATTERN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** The numbered SSO_<n>_… variables: the providers, and one line per problem. */
export function parseSsoProviders(source: Record<string, string | undefined>): { providers: ConfiguredSsoProvider[]; problems: string[] } {
  const problems: string[] = [];
  const numbers = new Set<number>();
  for (const key of Object.keys(source)) {
    const m = /^SSO_(\d+)_(.+)$/.exec(key);
    if (!m || source[key] === undefined || source[key] === "") continue;
    if (!(SSO_FIELDS as readonly string[]).includes(m[2])) {
      problems.push(`${key}: is not a single sign-on setting (use ${SSO_FIELDS.map((f) => `SSO_${m[1]}_${f}`).join(", ")})`);
      continue;
    }
    numbers.add(Number(m[1]));
  }
  const providers: ConfiguredSsoProvider[] = [];
  const domainOwner = new Map<string, string>();
  for (const n of [...numbers].sort((a, b) => a - b)) {
    const prefix = `SSO_${n}_`;
    const get = (field: string) => {
      const v = source[`${prefix}${field}`]?.trim();
      return v === "" ? undefined : v;
    };
    const missing = SSO_REQUIRED.filter((f) => !get(f));
    for (const f of missing) problems.push(`${prefix}${f}: is required when other ${prefix}… variables are set`);
    const issuer = (get("ISSUER") ?? "").replace(/\/$/, "");
    if (issuer && !issuerAllowed(issuer)) {
      problems.push(`${prefix}ISSUER (${JSON.stringify(issuer)}): must be an https:// address of the OpenID provider (plain http only on this machine)`);
    }
    const domains = (get("DOMAINS") ?? "").toLowerCase().split(/[\s,;]+/).filter(Boolean);
    for (const d of domains) {
      if (!DOMAIN_PATTERN.test(d)) problems.push(`${prefix}DOMAINS: ${JSON.stringify(d)} is not an email domain such as minez.example`);
      else if (domainOwner.has(d)) problems.push(`${prefix}DOMAINS: ${d} is already spoken for by ${domainOwner.get(d)}`);
      else domainOwner.set(d, `${prefix}DOMAINS`);
    }
    const create = get("CREATE_PEOPLE");
    if (create !== undefined && !["true", "false", "1", "0"].includes(create)) {
      problems.push(`${prefix}CREATE_PEOPLE (${JSON.stringify(create)}): must be true or false`);
    }
    if (missing.length) continue;
    providers.push({
      id: `config-${n}`,
      prefix,
      name: (get("NAME") ?? (URL.canParse(issuer) ? new URL(issuer).hostname : issuer)).slice(0, 100),
      issuer,
      clientId: get("CLIENT_ID")!,
      clientSecret: get("CLIENT_SECRET")!,
      domains,
      organisation: get("ORGANISATION")!,
      createPeople: create === "true" || create === "1",
    });
  }
  return { providers, problems };
}

export type Env = z.infer<typeof schema> & {
  /** Single sign-on providers from SSO_<n>_… (in addition to those on /admin/sso). */
  SSO_PROVIDERS: ConfiguredSsoProvider[];
  BETTER_AUTH_SECRET: string;
  PUBLIC_URL: string;
  /** The audit key's path: AUDIT_KEY_FILE, or outside production DEV_AUDIT_KEY_FILE (generated on first start). */
  AUDIT_KEY_FILE: string;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Overleg cannot start, its configuration is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parse the environment; throws ConfigError listing every bad variable. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const picked = Object.fromEntries(
    Object.keys(schema.shape).map((k) => [k, source[k] === "" ? undefined : source[k]]),
  );
  const result = schema.safeParse(picked);
  const sso = parseSsoProviders(source);
  if (!result.success || sso.problems.length) {
    throw new ConfigError([
      ...(result.success ? [] : result.error.issues).map((i) => {
        const key = i.path.join(".") || "environment";
        const value = source[key];
        return `${key}${value !== undefined && !/SECRET|PASSWORD|SMTP_URL/.test(key) ? ` (${JSON.stringify(value)})` : ""}: ${i.message}`;
      }),
      ...sso.problems,
    ]);
  }
  const env = result.data;
  return {
    ...env,
    SSO_PROVIDERS: sso.providers,
    BETTER_AUTH_SECRET: env.BETTER_AUTH_SECRET ?? DEV_SECRET,
    AUDIT_KEY_FILE: env.AUDIT_KEY_FILE ?? DEV_AUDIT_KEY_FILE,
    PUBLIC_URL: (env.PUBLIC_URL ?? `http://${env.HOST === "0.0.0.0" ? "127.0.0.1" : env.HOST}:${env.PORT}`).replace(/\/$/, ""),
  };
}

/** Whether the demo people (with their published password) may be created. */
export function demoAllowed(env: Env): boolean {
  return env.NODE_ENV !== "production" || env.SEED_DEMO;
}

/** The only configuration the browser ever sees. */
export function publicEnv(env: Env) {
  return { allowSignup: env.ALLOW_SIGNUP, showDemoPeople: demoAllowed(env) && env.NODE_ENV !== "production" };
}
