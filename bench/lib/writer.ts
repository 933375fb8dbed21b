/**
 * A writer: a LiteClient plus a small Y.Doc holding only its own paragraph, so its inserts are real
 * Yjs updates (a tiptap paragraph in the `default` XmlFragment) without applying anyone else's.
 */
import * as Y from "yjs";
import { awarenessUpdate, LiteClient, markerText, type ClientHandlers, type Target } from "./client";

export class Writer {
  readonly client: LiteClient;
  private readonly doc = new Y.Doc();
  private readonly text = new Y.XmlText();
  private clock = 0;

  constructor(target: Target, docName: string, handlers: ClientHandlers = {}) {
    this.client = new LiteClient(target, docName, handlers);
    this.doc.on("update", (update: Uint8Array) => this.client.sendUpdate(update));
  }

  /** After opening: its paragraph, and its first cursor. */
  start(): void {
    const paragraph = new Y.XmlElement("paragraph");
    paragraph.insert(0, [this.text]);
    this.doc.getXmlFragment("default").insert(0, [paragraph]);
    this.cursor();
  }

  /** Types insert `id` (10 characters) at the end of its paragraph, then moves its cursor. */
  type(id: number): void {
    this.text.insert(this.text.length, markerText(id));
    this.cursor();
  }

  /** A cursor update, shaped like the stock caret's (relative positions as JSON). */
  cursor(): void {
    this.clock++;
    const pos = { type: null, tname: null, item: { client: this.doc.clientID, clock: this.text.length }, assoc: 0 };
    const state = JSON.stringify({ user: { name: `writer ${this.doc.clientID}`, color: "#1f6feb" }, cursor: { anchor: pos, head: pos } });
    this.client.sendAwareness(awarenessUpdate(this.doc.clientID, this.clock, state));
  }

  destroy(): void {
    this.client.close();
    this.doc.destroy();
  }
}
