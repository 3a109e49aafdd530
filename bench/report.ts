/**
 * The machine description and plain-text table rendering.
 *
 * @packageDocumentation
 */
import * as os from 'node:os';

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
