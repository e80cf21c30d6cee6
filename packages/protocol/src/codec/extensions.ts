/**
 * User codecs: a class the codec does not know travels as an ExtensionValue
 * {type_name, data} written and read by a codec registered under that name. A peer
 * without the codec decodes it to RawExtension (not an error), which re-encodes to
 * the same bytes, so relays and other languages keep it intact.
 */
export interface ValueCodec<T = unknown> {
  /** Name on the wire (ExtensionValue.type_name); the same in every language. */
  readonly name: string;
  /** Whether this codec handles the value. */
  is(value: unknown): value is T;
  encode(value: T): Uint8Array;
  decode(data: Uint8Array): T;
}

export class RawExtension {
  constructor(
    readonly typeName: string,
    readonly data: Uint8Array,
  ) {}
}

export class CodecRegistry {
  private readonly byName = new Map<string, ValueCodec>();
  private list: ValueCodec[] = [];

  register<T>(codec: ValueCodec<T>): void {
    if (!codec.name) throw new TypeError("a value codec needs a non-empty name");
    if (this.byName.has(codec.name)) throw new TypeError(`a value codec named ${codec.name} is already registered`);
    this.byName.set(codec.name, codec as ValueCodec);
    this.list = [...this.list, codec as ValueCodec];
  }

  unregister(name: string): boolean {
    const had = this.byName.delete(name);
    this.list = this.list.filter((c) => c.name !== name);
    return had;
  }

  get size(): number {
    return this.list.length;
  }

  forValue(value: unknown): ValueCodec | undefined {
    for (const c of this.list) if (c.is(value)) return c;
    return undefined;
  }

  byTypeName(name: string): ValueCodec | undefined {
    return this.byName.get(name);
  }
}

/** The registry encodeValue/decodeValue use unless options.codecs says otherwise. */
export const defaultCodecs = new CodecRegistry();

export function registerCodec<T>(codec: ValueCodec<T>): void {
  defaultCodecs.register(codec);
}
