// Reads: nothing. Writes: a bounded memo table for pure functions on the scoring hot path.
// Guarantees: never holds more than `capacity` entries; evicts by the CLOCK rule (an approximation of least
// recently used: a hit sets the entry's reference bit, the clock hand evicts the first entry whose bit is
// clear and clears the bits it passes), so a hit costs one map lookup and a miss a constant number more.
// A new entry starts with a clear bit: keys seen once (a stream of unique names) are the first to go and
// cannot flush the recurring ones. Counts hits and misses so hit rates can be reported. It caches only:
// callers own invalidation, by creating the cache inside the object whose data the cached function reads
// (a reloaded watchlist or knowledge base comes with a new, empty cache) or by caching only functions of
// fixed data.

export interface CacheStats {
  capacity: number;
  size: number;
  hits: number;
  misses: number;
}

export class BoundedCache<K, V> {
  private readonly index = new Map<K, number>();
  private keys: K[] = [];
  private values: V[] = [];
  private referenced: Uint8Array;
  private hand = 0;
  hits = 0;
  misses = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1) || !Number.isInteger(capacity))
      throw new RangeError('capacity must be an integer >= 1');
    this.referenced = new Uint8Array(capacity);
  }

  get(key: K): V | undefined {
    const slot = this.index.get(key);
    if (slot === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.referenced[slot] = 1;
    return this.values[slot];
  }

  set(key: K, value: V): void {
    let slot = this.index.get(key);
    if (slot !== undefined) {
      this.values[slot] = value;
      this.referenced[slot] = 1;
      return;
    }
    if (this.keys.length < this.capacity) {
      slot = this.keys.length;
      this.keys.push(key);
      this.values.push(value);
    } else {
      while (this.referenced[this.hand] === 1) {
        this.referenced[this.hand] = 0;
        this.hand = (this.hand + 1) % this.capacity;
      }
      slot = this.hand;
      this.hand = (this.hand + 1) % this.capacity;
      this.index.delete(this.keys[slot]!);
      this.keys[slot] = key;
      this.values[slot] = value;
    }
    this.referenced[slot] = 0;
    this.index.set(key, slot);
  }

  get size(): number {
    return this.index.size;
  }

  clear(): void {
    this.index.clear();
    this.keys = [];
    this.values = [];
    this.referenced.fill(0);
    this.hand = 0;
  }

  stats(): CacheStats {
    return { capacity: this.capacity, size: this.index.size, hits: this.hits, misses: this.misses };
  }
}
