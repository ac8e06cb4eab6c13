/**
 * The external ids an import has already seen, and the line each was first seen on — so a
 * repeated id is reported ("repeats line 12") instead of silently overwriting the first row.
 *
 * It must not grow like the file does: instead of keeping every id string (~100 bytes each in a
 * Map), it keeps a 64-bit hash and the line number in typed arrays (12 bytes each, open
 * addressing). Two different ids would have to share all 64 bits to be confused; at a million
 * rows the chance of that is about one in ten million.
 */
export class SeenIds {
  private hashes = new Uint32Array(2 * 1024);
  private lines = new Uint32Array(1024);
  private size = 0;

  /** The line `id` was first seen on, or undefined; records it with `line` when new. */
  firstLineOf(id: string, line: number): number | undefined {
    if ((this.size + 1) * 2 > this.lines.length) this.grow();
    const [high, low] = hash64(id);
    const mask = this.lines.length - 1;
    for (let slot = (high ^ low) & mask; ; slot = (slot + 1) & mask) {
      const stored = this.lines[slot];
      if (stored === 0) {
        this.hashes[2 * slot] = high;
        this.hashes[2 * slot + 1] = low;
        this.lines[slot] = line;
        this.size++;
        return undefined;
      }
      if (this.hashes[2 * slot] === high && this.hashes[2 * slot + 1] === low) return stored;
    }
  }

  private grow(): void {
    const { hashes, lines } = this;
    this.hashes = new Uint32Array(hashes.length * 2);
    this.lines = new Uint32Array(lines.length * 2);
    const mask = this.lines.length - 1;
    for (let old = 0; old < lines.length; old++) {
      if (lines[old] === 0) continue;
      const high = hashes[2 * old];
      const low = hashes[2 * old + 1];
      let slot = (high ^ low) & mask;
      while (this.lines[slot] !== 0) slot = (slot + 1) & mask;
      this.hashes[2 * slot] = high;
      this.hashes[2 * slot + 1] = low;
      this.lines[slot] = lines[old];
    }
  }
}

/** Two independent 32-bit FNV-1a style hashes of the string's UTF-16 code units. */
function hash64(text: string): [number, number] {
  let high = 0x811c9dc5;
  let low = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    high = Math.imul(high ^ code, 0x01000193);
    low = Math.imul(low ^ code, 0x5bd1e995) ^ (low >>> 15);
  }
  return [high >>> 0, low >>> 0];
}
