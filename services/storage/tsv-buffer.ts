// Reads: TabSeparated lines as strings and raw bytes. Writes: one growing byte buffer per insert body.
// Guarantees: the bytes are exactly the concatenation of what was appended, in order; appending costs
// one UTF-8 encode into memory already allocated (no Buffer per row, no concat at flush), so a flush of
// thousands of rows allocates a handful of large buffers instead of a pooled slice per row, which the
// pipeline profile showed as 8 % of its main thread (Buffer.from + pool creation) plus the GC they cause.

const MIN_CAPACITY = 64 * 1024; // the default: a flush's buffer grows from here

/** An insert body being built: append lines, then hand `bytes()` to the insert. */
export class TsvBuffer {
  private buf: Buffer;
  private used = 0;
  /** Lines appended (each `line`/`appendLine` call, or `endLine`). */
  rows = 0;

  constructor(capacity = MIN_CAPACITY) {
    this.buf = Buffer.allocUnsafeSlow(Math.max(64, capacity));
  }

  get length(): number {
    return this.used;
  }

  private reserve(bytes: number): void {
    if (this.used + bytes <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.used + bytes) size *= 2;
    const next = Buffer.allocUnsafeSlow(size);
    this.buf.copy(next, 0, 0, this.used);
    this.buf = next;
  }

  /** Appends a string as UTF-8. */
  text(s: string): this {
    // A UTF-16 code unit is at most 3 UTF-8 bytes (a surrogate pair, two units, is 4).
    this.reserve(s.length * 3);
    this.used += this.buf.write(s, this.used);
    return this;
  }

  /** Appends bytes as they are. */
  raw(bytes: Uint8Array): this {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.used);
    this.used += bytes.length;
    return this;
  }

  /** Appends a whole line (its text, then a newline) and counts it. */
  line(s: string): this {
    this.text(s);
    this.reserve(1);
    this.buf[this.used++] = 0x0a;
    this.rows++;
    return this;
  }

  /** Ends a line built from several appends, and counts it. */
  endLine(): this {
    this.reserve(1);
    this.buf[this.used++] = 0x0a;
    this.rows++;
    return this;
  }

  /** Empties it for reuse, keeping its memory. */
  reset(): this {
    this.used = 0;
    this.rows = 0;
    return this;
  }

  /** What was appended; a view, valid until the next append or reset. */
  bytes(): Buffer {
    return this.buf.subarray(0, this.used);
  }
}

/**
 * Copies of small byte strings packed into shared slabs: one allocation per 64 KiB instead of one
 * (or one pooled 8 KiB slice) per copy. Larger values get a buffer of their own. A slab is freed when
 * no copy in it is referenced any more; a copy that is dropped must be `release`d, so `held` counts
 * the memory the live copies actually pin (a slab kept by one copy counts whole: a cache evicting the
 * oldest first pinned ~1.5 × its documents' bytes in slabs, measured on generated traffic).
 */
export class ByteSlab {
  private slab: Buffer;
  private fill = 0;
  /** Live copies per slab (the current one included) or own buffer. */
  private readonly live = new Map<ArrayBufferLike, number>();
  private heldBytes: number;

  constructor(private readonly slabBytes = 64 * 1024) {
    this.slab = Buffer.allocUnsafeSlow(slabBytes);
    this.live.set(this.slab.buffer, 0);
    this.heldBytes = slabBytes;
  }

  /** Bytes of the slabs and own buffers that live copies (or the slab being filled) keep allocated. */
  get held(): number {
    return this.heldBytes;
  }

  copy(bytes: Uint8Array): Buffer {
    const n = bytes.length;
    if (n > this.slabBytes / 8) {
      const own = Buffer.allocUnsafeSlow(n);
      own.set(bytes);
      this.live.set(own.buffer, 1);
      this.heldBytes += own.buffer.byteLength;
      return own;
    }
    if (this.fill + n > this.slabBytes) {
      const full = this.slab.buffer;
      this.slab = Buffer.allocUnsafeSlow(this.slabBytes);
      this.fill = 0;
      this.live.set(this.slab.buffer, 0);
      this.heldBytes += this.slabBytes;
      if (this.live.get(full) === 0) this.drop(full);
    }
    this.slab.set(bytes, this.fill);
    const out = this.slab.subarray(this.fill, this.fill + n);
    this.fill += (n + 7) & ~7;
    this.live.set(this.slab.buffer, (this.live.get(this.slab.buffer) ?? 0) + 1);
    return out;
  }

  /** The copy is no longer referenced: its slab is freed with its last copy (unless still being filled). */
  release(copy: Buffer): void {
    const key = copy.buffer;
    const left = (this.live.get(key) ?? 0) - 1;
    if (left < 0) throw new Error('release of a copy this slab did not make, or released twice');
    if (left === 0 && key !== this.slab.buffer) this.drop(key);
    else this.live.set(key, left);
  }

  private drop(key: ArrayBufferLike): void {
    this.live.delete(key);
    this.heldBytes -= key.byteLength;
  }
}
