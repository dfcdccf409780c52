import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config';
import type { Services } from '../services';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Asks on the terminal; throws CommandError when there is none. */
  prompt(question: string, options?: { hidden?: boolean }): Promise<string>;
}

export interface CommandContext {
  args: string[];
  io: CliIo;
  config: Config;
  cliPassword: string | null;
  withDatabase: <T>(work: (orm: MikroORM, services: Services) => Promise<T>) => Promise<T>;
}

export interface Command {
  name: string;
  usage: string;
  summary: string;
  run(context: CommandContext): Promise<void>;
}

/** A mistake the user can fix: printed as one line, exit status 1 (2 for bad arguments). */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
