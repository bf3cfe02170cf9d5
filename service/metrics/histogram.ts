/** A Prometheus histogram with fixed buckets, one series per label set. */
import { headerLines, sampleLine, type Labels } from './prometheus-text.js';

interface Series {
  labels: Labels;
  /** Count of observations at or below each bucket bound (cumulative, as the format wants). */
  buckets: number[];
  sum: number;
  count: number;
}

export class Histogram {
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    /** Upper bounds in ascending order; `+Inf` is added when rendering. */
    readonly bounds: readonly number[],
  ) {}

  observe(value: number, labels: Labels = {}): void {
    const key = JSON.stringify(labels);
    let series = this.series.get(key);
    if (!series) {
      series = { labels, buckets: this.bounds.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, series);
    }
    this.bounds.forEach((bound, index) => {
      if (value <= bound) series.buckets[index]! += 1;
    });
    series.sum += value;
    series.count += 1;
  }

  render(): string[] {
    const lines = headerLines(this.name, 'histogram', this.help);
    for (const series of this.series.values()) {
      this.bounds.forEach((bound, index) => {
        lines.push(sampleLine(`${this.name}_bucket`, { ...series.labels, le: String(bound) }, series.buckets[index]!));
      });
      lines.push(sampleLine(`${this.name}_bucket`, { ...series.labels, le: '+Inf' }, series.count));
      lines.push(sampleLine(`${this.name}_sum`, series.labels, series.sum));
      lines.push(sampleLine(`${this.name}_count`, series.labels, series.count));
    }
    return lines;
  }
}
