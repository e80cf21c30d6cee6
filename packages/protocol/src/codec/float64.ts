/**
 * A JavaScript number cannot say whether it is an int or a float: the codec sends
 * safe integers (except -0) as ints. Wrap a number in Float64 to send it as a float
 * (a Python float), and decode with `exactFloats: true` to get integral floats back
 * as Float64 instead of plain numbers, which makes Python -> TS -> Python exact.
 */
export class Float64 {
  constructor(readonly value: number) {}

  valueOf(): number {
    return this.value;
  }

  toString(): string {
    return String(this.value);
  }
}

/** Whether a number goes on the wire as an int (true) or a double (false). */
export function isWireInt(n: number): boolean {
  return Number.isSafeInteger(n) && !(n === 0 && 1 / n < 0);
}
