import { afterEach, describe, expect, it, vi } from "vitest";
import { DeadlineQueue } from "./deadline-queue.js";

describe("DeadlineQueue", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("expires each deadline once, in time order, whatever order they were added in", () => {
    vi.useFakeTimers();
    const queue = new DeadlineQueue();
    const fired: string[] = [];
    const start = Date.now();
    queue.add(start + 30, () => fired.push("c"));
    queue.add(start + 10, () => fired.push("a"));
    queue.add(start + 20, () => fired.push("b"));
    queue.add(start + 20, () => fired.push("b2"));
    vi.advanceTimersByTime(9);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(["a"]);
    vi.advanceTimersByTime(10);
    expect(fired).toEqual(["a", "b", "b2"]);
    vi.advanceTimersByTime(100);
    expect(fired).toEqual(["a", "b", "b2", "c"]);
  });

  it("never expires a removed deadline, and still expires the ones after it", () => {
    vi.useFakeTimers();
    const queue = new DeadlineQueue();
    const fired: string[] = [];
    const start = Date.now();
    const first = queue.add(start + 10, () => fired.push("first"));
    const middle = queue.add(start + 15, () => fired.push("middle"));
    queue.add(start + 20, () => fired.push("last"));
    queue.remove(first);
    queue.remove(middle);
    queue.remove(middle);
    vi.advanceTimersByTime(50);
    expect(fired).toEqual(["last"]);
  });

  it("arms for a new earliest deadline, and keeps going after the queue emptied", () => {
    vi.useFakeTimers();
    const queue = new DeadlineQueue();
    const fired: string[] = [];
    const start = Date.now();
    queue.remove(queue.add(start + 1000, () => fired.push("removed")));
    queue.add(start + 5, () => fired.push("soon"));
    vi.advanceTimersByTime(5);
    expect(fired).toEqual(["soon"]);
    queue.add(Date.now() + 2000, () => fired.push("later"));
    vi.advanceTimersByTime(1999);
    expect(fired).toEqual(["soon"]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(["soon", "later"]);
  });

  it("holds the process open only while a deadline is queued", () => {
    vi.useFakeTimers();
    const queue = new DeadlineQueue();
    const entry = queue.add(Date.now() + 1000, () => {});
    expect(vi.getTimerCount()).toBe(1);
    // The armed timer is ref'd while the entry is queued and unref'd once the queue is empty.
    const armed = (queue as unknown as { timer: NodeJS.Timeout }).timer;
    expect(armed.hasRef()).toBe(true);
    queue.remove(entry);
    expect(armed.hasRef()).toBe(false);
    queue.add(Date.now() + 2000, () => {});
    expect(armed.hasRef()).toBe(true);
  });
});
