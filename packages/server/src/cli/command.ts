import type { ParseArgsConfig } from 'node:util';

/** Parsed option values (strings, booleans, or lists of them where `multiple`). */
export type OptionValues = Record<string, string | boolean | Array<string | boolean> | undefined>;

export interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly help: string;
  /** Options of this command besides --config and --help (node:util parseArgs). */
  readonly options?: NonNullable<ParseArgsConfig['options']>;
  run(args: { config?: string | undefined; positional: string[]; values?: OptionValues }): Promise<number>;
}
