import { migrate } from '../../database/orm';
import type { Command } from '../command';
import { parseCommandArgs } from '../parse-args';

export const migrateCommand: Command = {
  name: 'migrate',
  usage: 'migrate',
  summary: 'Apply pending database migrations.',
  async run({ args, io, withDatabase }) {
    parseCommandArgs(args, {}, this.usage);
    const applied = await withDatabase((orm) => migrate(orm));
    io.out(applied.length ? `Applied ${applied.join(', ')}.` : 'No migrations to apply.');
  },
};
