/**
 * Printing tables to stdout and collecting everything for `bench/results.json`.
 *
 * @packageDocumentation
 */
import * as os from 'node:os';
import * as fs from 'node:fs';

/** The machine a run happened on. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  v8: string;
  platform: string;
  date: string;
}

/**
 * Describe this machine (CPU model, logical cores, memory, Node and V8 versions).
 *
 * @example
 * ```ts
 * machineInfo().cores; // → 2
 * ```
 */
export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString(),
  };
}

/** A printable table: a title, column headers, rows of cells, notes printed under it. */
export interface Table {
  id: string;
  title: string;
  headers: string[];
  rows: string[][];
  notes?: string[];
}

/**
 * Render a table as aligned plain text (first column left-aligned, others right-aligned).
 *
 * @example
 * ```ts
 * renderTable({ id: 't', title: 'T', headers: ['a', 'b'], rows: [['x', '1']] });
 * ```
 */
export function renderTable(t: Table): string {
  const widths = t.headers.map((h, i) => Math.max(h.length, ...t.rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  const out = [`## ${t.title}`, line(t.headers), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const r of t.rows) out.push(line(r));
  for (const n of t.notes ?? []) out.push(`  ${n}`);
  return out.join('\n') + '\n';
}

/**
 * Everything a run produced; written as JSON at the end.
 */
export class Results {
  readonly machine = machineInfo();
  readonly tables: Table[] = [];
  readonly data: Record<string, unknown> = {};

  constructor(readonly mode: 'full' | 'quick') {}

  /** Print a table to stdout and keep it for the JSON file. */
  addTable(t: Table): void {
    this.tables.push(t);
    process.stdout.write('\n' + renderTable(t));
  }

  /** Keep raw figures (summaries per case and metric) for the JSON file. */
  addData(id: string, value: unknown): void {
    this.data[id] = value;
  }

  /** Write `{ mode, machine, tables, data }` as JSON to `file`. */
  write(file: string): void {
    const json = JSON.stringify({ mode: this.mode, machine: this.machine, tables: this.tables, data: this.data }, null, 2);
    fs.writeFileSync(file, json + '\n');
  }
}
