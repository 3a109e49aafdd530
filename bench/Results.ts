/**
 * Collecting tables and raw figures for stdout and `bench/results.json`.
 *
 * @packageDocumentation
 */
import * as fs from 'node:fs';
import { machineInfo, renderTable, type Table } from './report';

/**
 * Everything a run produced; written as JSON at the end.
 *
 * @example
 * ```ts
 * const results = new Results('quick');
 * results.addTable({ id: 'x', title: 'X', headers: ['a'], rows: [['1']] });
 * results.write('bench/results.json');
 * ```
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
