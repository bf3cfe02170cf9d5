/**
 * A binary min-heap of (name, time) with an index from name to position, so moving or deleting a
 * job is O(log n) and the tick loop only ever looks at the top. An idle heap costs nothing: no
 * timers, no scans.
 */

export interface TimerEntry {
  name: string;
  time: number;
}

export class TimerHeap {
  private readonly entries: TimerEntry[] = [];
  private readonly positions = new Map<string, number>();

  get size(): number {
    return this.entries.length;
  }

  /** Inserts `name`, or moves it if it is already there. */
  set(name: string, time: number): void {
    const at = this.positions.get(name);
    if (at === undefined) {
      this.entries.push({ name, time });
      this.positions.set(name, this.entries.length - 1);
      this.up(this.entries.length - 1);
      return;
    }
    const entry = this.entries[at]!;
    const earlier = time < entry.time;
    entry.time = time;
    if (earlier) this.up(at);
    else this.down(at);
  }

  /** Returns false if `name` was not there. */
  delete(name: string): boolean {
    const at = this.positions.get(name);
    if (at === undefined) return false;
    this.removeAt(at);
    return true;
  }

  has(name: string): boolean {
    return this.positions.has(name);
  }

  /** The earliest entry, left in place. */
  peek(): TimerEntry | undefined {
    const top = this.entries[0];
    return top && { name: top.name, time: top.time };
  }

  /** Removes and returns the names of every entry with time <= `now`, earliest first. */
  popDue(now: number): string[] {
    const due: string[] = [];
    while (this.entries.length > 0 && this.entries[0]!.time <= now) {
      due.push(this.entries[0]!.name);
      this.removeAt(0);
    }
    return due;
  }

  private removeAt(at: number): void {
    const removed = this.entries[at]!;
    const last = this.entries.pop()!;
    this.positions.delete(removed.name);
    if (at === this.entries.length) return; // it was the last one
    this.entries[at] = last;
    this.positions.set(last.name, at);
    // The moved entry may belong above or below its new place.
    if (last.time < removed.time) this.up(at);
    else this.down(at);
  }

  private up(at: number): void {
    const entry = this.entries[at]!;
    while (at > 0) {
      const parentAt = (at - 1) >> 1;
      const parent = this.entries[parentAt]!;
      if (parent.time <= entry.time) break;
      this.place(parent, at);
      at = parentAt;
    }
    this.place(entry, at);
  }

  private down(at: number): void {
    const entry = this.entries[at]!;
    const count = this.entries.length;
    for (;;) {
      let childAt = 2 * at + 1;
      if (childAt >= count) break;
      const right = childAt + 1;
      if (right < count && this.entries[right]!.time < this.entries[childAt]!.time) childAt = right;
      const child = this.entries[childAt]!;
      if (child.time >= entry.time) break;
      this.place(child, at);
      at = childAt;
    }
    this.place(entry, at);
  }

  private place(entry: TimerEntry, at: number): void {
    this.entries[at] = entry;
    this.positions.set(entry.name, at);
  }
}
