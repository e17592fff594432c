/**
 * @module Just enough of a FlatBuffers reader to walk Icechunk's snapshot and manifest files in place: tables
 * by field index, vectors, strings and inline structs, without code generation or copying. Schemas:
 * `icechunk-format/flatbuffers/*.fbs` in the Icechunk repository.
 */

/** A table inside a FlatBuffers buffer; fields are addressed by their index in the schema (unions take two). */
export class FbTable {
  readonly view: DataView;
  readonly at: number;
  readonly #vtable: number;
  readonly #vtableSize: number;

  constructor(view: DataView, at: number) {
    this.view = view;
    this.at = at;
    this.#vtable = at - view.getInt32(at, true);
    this.#vtableSize = view.getUint16(this.#vtable, true);
  }

  /** The root table of a buffer. */
  static root(bytes: Uint8Array): FbTable {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return new FbTable(view, view.getUint32(0, true));
  }

  /** Absolute position of field `i`, or 0 when it is absent (default value). */
  field(i: number): number {
    const slot = 4 + 2 * i;
    if (slot >= this.#vtableSize) return 0;
    const offset = this.view.getUint16(this.#vtable + slot, true);
    return offset === 0 ? 0 : this.at + offset;
  }

  #follow(i: number): number {
    const p = this.field(i);
    return p === 0 ? 0 : p + this.view.getUint32(p, true);
  }

  u8(i: number, fallback = 0): number {
    const p = this.field(i);
    return p === 0 ? fallback : this.view.getUint8(p);
  }

  u64(i: number): number {
    const p = this.field(i);
    return p === 0 ? 0 : Number(this.view.getBigUint64(p, true));
  }

  /** An inline struct's bytes (ids), or undefined when absent. */
  struct(i: number, size: number): Uint8Array | undefined {
    const p = this.field(i);
    return p === 0 ? undefined : new Uint8Array(this.view.buffer, this.view.byteOffset + p, size);
  }

  table(i: number): FbTable | undefined {
    const p = this.#follow(i);
    return p === 0 ? undefined : new FbTable(this.view, p);
  }

  /** A vector's length and the position of its first element, or undefined when absent. */
  vector(i: number): { length: number; start: number } | undefined {
    const p = this.#follow(i);
    return p === 0 ? undefined : { length: this.view.getUint32(p, true), start: p + 4 };
  }

  /** Element `k` of a vector of tables starting at `start`. */
  tableAt(start: number, k: number): FbTable {
    const p = start + 4 * k;
    return new FbTable(this.view, p + this.view.getUint32(p, true));
  }

  bytes(i: number): Uint8Array | undefined {
    const v = this.vector(i);
    return v && new Uint8Array(this.view.buffer, this.view.byteOffset + v.start, v.length);
  }

  string(i: number): string | undefined {
    const b = this.bytes(i);
    return b && Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("utf8");
  }
}
