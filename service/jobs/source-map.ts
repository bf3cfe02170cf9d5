/**
 * Positions in the JavaScript of a TypeScript job mapped back to its TypeScript source, through
 * the source map saved with the version (jobs/typescript.ts). The host maps a run's error and the
 * `job.js:line:column` frames in its error and log text before the run is recorded.
 */
import { HELPER_LINES, WRAPPED_LINES, TS_FILE } from './typescript.js';

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

/** For each generated line (0-based), its segments as [generated column, source line, source column], 0-based. */
type Segments = Array<Array<[number, number, number]>>;

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((char, index) => [char, index]));

export class SourceMapper {
  private readonly segments: Segments;
  /** Lines of esbuild's helpers at the top of the script, which stand for no line of the source. */
  private readonly helperLines: number;

  /** `sourceMap` is a version's source map (JSON text, version 3). */
  constructor(sourceMap: string) {
    const parsed = JSON.parse(sourceMap) as { mappings?: unknown; [HELPER_LINES]?: unknown };
    this.segments = typeof parsed.mappings === 'string' ? decodeMappings(parsed.mappings) : [];
    this.helperLines = typeof parsed[HELPER_LINES] === 'number' ? parsed[HELPER_LINES] : 0;
  }

  /** The TypeScript position of a 1-based script position in the JavaScript; null if the map has none for its line. */
  toSource(position: Position): Position | null {
    if (position.line <= this.helperLines) return null;
    // Helper lines sit above the wrapper in esbuild's output as in the script, so they shift nothing.
    const line = this.segments[position.line - 1 + WRAPPED_LINES];
    if (!line || line.length === 0) return null;
    const column = position.column - 1;
    // The last segment that starts at or before the column; the line's first if none does.
    let found = line[0]!;
    for (const segment of line) {
      if (segment[0] > column) break;
      found = segment;
    }
    return { line: Math.max(1, found[1] + 1 - WRAPPED_LINES), column: found[2] + 1 };
  }

  /**
   * Text with every `job.js:line:column` frame (QuickJS's name for the script, in wrapper lines)
   * rewritten to `job.ts:line:column` in the TypeScript source.
   */
  mapText(text: string): string {
    return text.replace(/\bjob\.js:(\d+)(?::(\d+))?/g, (match, line: string, column: string | undefined) => {
      const mapped = this.toSource({ line: Number(line) - WRAPPED_LINES, column: column === undefined ? 1 : Number(column) });
      if (!mapped) return match;
      return column === undefined ? `${TS_FILE}:${mapped.line}` : `${TS_FILE}:${mapped.line}:${mapped.column}`;
    });
  }
}

function decodeMappings(mappings: string): Segments {
  const lines: Segments = [];
  let sourceLine = 0;
  let sourceColumn = 0;
  for (const text of mappings.split(';')) {
    const line: Array<[number, number, number]> = [];
    let generatedColumn = 0;
    for (const group of text.split(',')) {
      if (group === '') continue;
      const fields = decodeVlq(group);
      generatedColumn += fields[0] ?? 0;
      // A one-field segment maps nowhere.
      if (fields.length < 4) continue;
      sourceLine += fields[2]!;
      sourceColumn += fields[3]!;
      line.push([generatedColumn, sourceLine, sourceColumn]);
    }
    lines.push(line);
  }
  return lines;
}

function decodeVlq(group: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of group) {
    const digit = DIGIT.get(char);
    if (digit === undefined) throw new Error(`not a source map digit: "${char}"`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return values;
}
