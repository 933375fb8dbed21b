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

export type Env = z.infer<typeof schema> & {
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
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => {
        const key = i.path.join(".") || "environment";
        const value = source[key];
        return `${key}${value !== undefined && !/SECRET|PASSWORD|SMTP_URL/.test(key) ? ` (${JSON.stringify(value)})` : ""}: ${i.message}`;
      }),
    );
  }
  const env = result.data;
  return {
    ...env,
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
