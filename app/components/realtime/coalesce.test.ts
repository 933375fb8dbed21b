/**
 * One live change, one reload: every listener of a page (the dashboard's own, its "waiting for me"
 * panel's, the panel's notification listener) asks the page's one coalesced reload.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MAX_BUSY_WAITS, SETTLE_MS, createCoalescer, pageReload } from "./useLiveRevalidate";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("the page's coalesced reload", () => {
  it("reloads once for a change that reaches three listeners of the page", async () => {
    const client = {};
    const revalidate = vi.fn(async () => undefined);
    const dashboard = pageReload(client, { current: revalidate });
    const panel = pageReload(client, { current: revalidate });
    const notifications = pageReload(client, { current: revalidate });
    // A review decided: a section event, a workspace event and a notification, as they arrive.
    dashboard.request();
    panel.request();
    vi.advanceTimersByTime(SETTLE_MS / 2);
    notifications.request();
    vi.advanceTimersByTime(SETTLE_MS);
    expect(revalidate).toHaveBeenCalledTimes(1);
    // The next change is a reload of its own.
    panel.request();
    vi.advanceTimersByTime(SETTLE_MS);
    expect(revalidate).toHaveBeenCalledTimes(2);
    for (const r of [dashboard, panel, notifications]) r.release();
  });

  it("keeps the pages of two clients apart, and drops a pending reload when the page is gone", async () => {
    const one = vi.fn();
    const other = vi.fn();
    const a = pageReload({}, { current: one });
    const b = pageReload({}, { current: other });
    a.request();
    b.request();
    vi.advanceTimersByTime(SETTLE_MS);
    expect([one.mock.calls.length, other.mock.calls.length]).toEqual([1, 1]);
    a.request();
    a.release();
    await Promise.resolve(); // the page is gone once the commit that released it is over
    vi.advanceTimersByTime(SETTLE_MS * 2);
    expect(one).toHaveBeenCalledTimes(1);
    b.release();
  });

  it("keeps a pending reload while a listener releases and asks again in the same commit (its list changed)", async () => {
    const run = vi.fn();
    const client = {};
    const before = pageReload(client, { current: run });
    before.request();
    // React runs the old effect's cleanup and the new effect one after the other.
    before.release();
    const after = pageReload(client, { current: run });
    await Promise.resolve();
    vi.advanceTimersByTime(SETTLE_MS);
    expect(run).toHaveBeenCalledTimes(1);
    after.release();
  });

  it("runs after the last request of a burst, not the first", () => {
    const run = vi.fn();
    const c = createCoalescer(run, 100);
    for (let i = 0; i < 5; i++) {
      c.request();
      vi.advanceTimersByTime(60);
    }
    expect(run).not.toHaveBeenCalled();
    vi.advanceTimersByTime(100);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it("waits while the page is loading already (a form submission, a reload) and reloads once it is done", () => {
    const revalidate = vi.fn();
    let loading = true;
    const page = pageReload({}, { current: revalidate }, { current: () => loading });
    page.request();
    vi.advanceTimersByTime(SETTLE_MS * 5);
    expect(revalidate).not.toHaveBeenCalled();
    loading = false;
    vi.advanceTimersByTime(SETTLE_MS);
    expect(revalidate).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(SETTLE_MS * 5);
    expect(revalidate).toHaveBeenCalledTimes(1);
    page.release();
  });

  it("is not held back by a listener that went away while the page was loading", () => {
    const client = {};
    const revalidate = vi.fn();
    // An empty state that listened while a reload ran, then left the page: its state stays "loading".
    const gone = pageReload(client, { current: revalidate }, { current: () => true });
    const list = pageReload(client, { current: revalidate });
    gone.request();
    gone.release();
    vi.advanceTimersByTime(SETTLE_MS * 2);
    expect(revalidate).toHaveBeenCalledTimes(1);
    list.request();
    vi.advanceTimersByTime(SETTLE_MS * 2);
    expect(revalidate).toHaveBeenCalledTimes(2);
    list.release();
  });

  it("reloads at last when the page seems to stay busy", () => {
    const revalidate = vi.fn();
    const page = pageReload({}, { current: revalidate }, { current: () => true });
    page.request();
    vi.advanceTimersByTime(SETTLE_MS * (MAX_BUSY_WAITS - 1));
    expect(revalidate).not.toHaveBeenCalled();
    vi.advanceTimersByTime(SETTLE_MS * 3);
    expect(revalidate).toHaveBeenCalledTimes(1);
    page.release();
  });
});
