/**
 * The server thread's side of the SQLite log writer (db/log-writer.worker.mjs, ADR 042): appends to
 * sections' update logs and snapshot replacements are sent to a worker thread that owns a second
 * connection, so the commit and its fsync no longer hold up the event loop. Each call resolves once
 * its transaction has committed, exactly as the in-thread append did; refusals come back as the
 * errors the callers know. The thread starts with the first write and is kept referenced only while
 * a write is in flight (an idle writer never keeps the process alive).
 */
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { projectRoot } from "./root";

export interface LogClaim {
  clientId: number;
  userId: string;
  organisationId: string | null;
  existing?: boolean;
}

/** What the worker answers for a refused or failed request. */
export type WriterRefusal = { kind: "locked" } | { kind: "owned"; detail: LogClaim[] } | { kind: "failed"; message: string };

type Request =
  | { op: "append"; sectionId: string; updates: Uint8Array[]; claims: readonly LogClaim[] }
  | { op: "replaceSnapshot"; sectionId: string; state: Uint8Array; upToSeq: number }
  | { op: "close" };

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export class WriterRefusedError extends Error {
  constructor(readonly refusal: WriterRefusal) {
    super(refusal.kind === "failed" ? refusal.message : `The log writer refused the request (${refusal.kind}).`);
    this.name = "WriterRefusedError";
  }
}

export class SqliteLogWriter {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;
  private lockedStatuses: readonly string[] | null = null;

  constructor(private readonly path: string) {}

  /** The section statuses whose text is fixed: appends to such a section are refused (set by the update store). */
  refuseAppendsWhen(statuses: readonly string[]): void {
    this.lockedStatuses = statuses;
  }

  /** Appends `updates` in one transaction (with the claims); resolves with their seqs. */
  append(sectionId: string, updates: Uint8Array[], claims: readonly LogClaim[]): Promise<number[]> {
    return this.request({ op: "append", sectionId, updates, claims }) as Promise<number[]>;
  }

  /** Makes `state` the snapshot up to `upToSeq` and deletes the rows it folds; false when the snapshot already covers it. */
  replaceSnapshot(sectionId: string, state: Uint8Array, upToSeq: number): Promise<boolean> {
    return this.request({ op: "replaceSnapshot", sectionId, state, upToSeq }) as Promise<boolean>;
  }

  /** Waits for the writes in flight, then closes the thread's connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    await this.send({ op: "close" }).catch(() => undefined);
    await worker.terminate();
    this.worker = null;
  }

  private request(request: Request): Promise<unknown> {
    if (this.closed) return Promise.reject(new WriterRefusedError({ kind: "failed", message: "The database is closed." }));
    return this.send(request);
  }

  private send(request: Request): Promise<unknown> {
    const worker = this.start();
    const id = this.nextId++;
    if (this.pending.size === 0) worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...request, id });
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    if (!this.lockedStatuses) throw new Error("The log writer does not know which sections are locked (refuseAppendsWhen).");
    const worker = new Worker(join(projectRoot, "db/log-writer.worker.mjs"), {
      workerData: { path: this.path, lockedStatuses: this.lockedStatuses },
    });
    worker.unref();
    worker.on("message", (answer: { id: number; result?: unknown; error?: WriterRefusal }) => {
      const waiting = this.pending.get(answer.id);
      if (!waiting) return;
      this.pending.delete(answer.id);
      if (this.pending.size === 0) worker.unref();
      if (answer.error) waiting.reject(new WriterRefusedError(answer.error));
      else waiting.resolve(answer.result);
    });
    const fail = (error: unknown) => {
      const message = error instanceof Error ? error.message : `The log writer stopped (${String(error)}).`;
      for (const waiting of this.pending.values()) waiting.reject(new WriterRefusedError({ kind: "failed", message }));
      this.pending.clear();
      if (this.worker === worker) this.worker = null; // the next write starts a new thread
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(`exit code ${code}`));
    this.worker = worker;
    return worker;
  }
}
