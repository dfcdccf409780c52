import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CommandError } from './command';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Strict argument parsing; any mistake becomes a one-line CommandError with exit status 2. */
export function parseCommandArgs<T extends Options>(
  args: string[],
  options: T,
  usage: string,
  positionals = 0,
) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: positionals > 0, strict: true });
  } catch (error) {
    throw new CommandError(`${(error as Error).message.split('\n')[0]} Usage: ${usage}`, 2);
  }
  if (parsed.positionals.length !== positionals) {
    throw new CommandError(`Expected ${positionals} argument(s). Usage: ${usage}`, 2);
  }
  return parsed;
}
