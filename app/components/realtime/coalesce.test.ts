/**
 * One live change, one reload: every listener of a page (the dashboard's own, its "waiting for me"
 * panel's, the panel's notification listener) asks the page's one coalesced reload.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SETTLE_MS, createCoalescer, pageReload } from "./useLiveRevalidate";

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

  it("keeps the pages of two clients apart, and drops a pending reload when the page is gone", () => {
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
    vi.advanceTimersByTime(SETTLE_MS * 2);
    expect(one).toHaveBeenCalledTimes(1);
    b.release();
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

  it("keeps a change that arrived while the page's listener listens again (its list of workspaces changed)", () => {
    const client = {};
    const revalidate = vi.fn();
    const before = pageReload(client, { current: revalidate });
    before.request(); // the second workspace is created while the first one's reload runs
    const after = pageReload(client, { current: revalidate }); // the new list's listener, first …
    before.release(); // … then the old one lets go (useLiveRevalidate releases a moment later)
    vi.advanceTimersByTime(SETTLE_MS);
    expect(revalidate).toHaveBeenCalledTimes(1);
    after.release();
  });
});
