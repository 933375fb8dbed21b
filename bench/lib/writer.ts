/**
 * A writer: a LiteClient plus a small Y.Doc holding only its own paragraph, so its inserts are real
 * Yjs updates (a tiptap paragraph in the `default` XmlFragment) without applying anyone else's.
 *
 * A suggesting writer (a commenter, who may only suggest: ADR 027) may not add a paragraph: it types
 * at the end of paragraph `paragraph` of `base` (the section as an editor wrote it before the run),
 * each insert carrying an insertion mark in its own name, as the editor's suggesting mode writes it
 * (one suggestion id for the writer's run of text, the time of each keystroke).
 */
import * as Y from "yjs";
import { INSERTION, type SuggestionAuthor } from "../../app/shared/suggestions";
import { awarenessUpdate, LiteClient, markerText, type ClientHandlers, type Target } from "./client";

export interface Suggesting {
  author: SuggestionAuthor;
  /** The section's text before the run (an editor's update, already on the server). */
  base: Uint8Array;
  paragraph: number;
}

export class Writer {
  readonly client: LiteClient;
  private readonly doc = new Y.Doc();
  private text = new Y.XmlText();
  private clock = 0;
  private readonly suggestionId = `bench${Math.random().toString(36).slice(2, 9)}`;

  constructor(
    target: Target,
    docName: string,
    handlers: ClientHandlers = {},
    private readonly suggesting?: Suggesting,
  ) {
    this.client = new LiteClient(target, docName, handlers);
    if (suggesting) Y.applyUpdate(this.doc, suggesting.base);
    this.doc.on("update", (update: Uint8Array) => this.client.sendUpdate(update));
  }

  /** After opening: its paragraph, and its first cursor. */
  start(): void {
    if (this.suggesting) {
      const paragraph = this.doc.getXmlFragment("default").get(this.suggesting.paragraph) as Y.XmlElement;
      this.text = paragraph.get(0) as Y.XmlText;
    } else {
      const paragraph = new Y.XmlElement("paragraph");
      paragraph.insert(0, [this.text]);
      this.doc.getXmlFragment("default").insert(0, [paragraph]);
    }
    this.cursor();
  }

  /** Types insert `id` (10 characters) at the end of its paragraph, then moves its cursor. */
  type(id: number): void {
    if (this.suggesting) {
      const mark = { id: this.suggestionId, ...this.suggesting.author, time: new Date().toISOString() };
      this.text.insert(this.text.length, markerText(id), { [INSERTION]: mark });
    } else {
      this.text.insert(this.text.length, markerText(id));
    }
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
