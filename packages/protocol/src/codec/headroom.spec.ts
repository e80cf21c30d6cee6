import { describe, expect, it } from "vitest";
import { allocateWithHeadroom, HEADROOM, headroomOf } from "./headroom.js";

describe("headroom", () => {
  it("is the room in front of an array from allocateWithHeadroom", () => {
    const value = allocateWithHeadroom(10);
    expect(value.length).toBe(10);
    expect(value.every((b) => b === 0)).toBe(true);
    expect(headroomOf(value)).toBe(HEADROOM);
    // A view that starts at the same byte shares the room; the bytes before it are still nobody's.
    expect(headroomOf(value.subarray(0, 4))).toBe(HEADROOM);
  });

  it("is none for any other view, so no one's bytes are ever overwritten", () => {
    const value = allocateWithHeadroom(10);
    expect(headroomOf(value.subarray(1))).toBe(0);
    expect(headroomOf(new Uint8Array(value.buffer))).toBe(0);
    expect(headroomOf(value.slice())).toBe(0);
    const plain = new Uint8Array(HEADROOM + 10);
    expect(headroomOf(plain.subarray(HEADROOM))).toBe(0);
    expect(headroomOf(Buffer.alloc(10))).toBe(0);
  });
});
