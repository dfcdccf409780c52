import { createInterface } from 'node:readline/promises';
import { type CliIo, CommandError } from './command';

/** The CLI's input and output on a real terminal. */
export const terminalIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  async prompt(question, options = {}) {
    if (!process.stdin.isTTY) {
      throw new CommandError(
        'This command needs a terminal to ask its questions; pass --no-input and the options.',
        2,
      );
    }
    if (options.hidden) return readHidden(question);
    const readline = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    try {
      return await readline.question(question);
    } finally {
      readline.close();
    }
  },
};

/** Reads a line in raw mode without echoing it, as getpass does: Backspace edits, Ctrl-C cancels. */
function readHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  // Echo off before the prompt shows: whatever is typed from then on must not appear.
  stdin.setRawMode(true);
  process.stdout.write(question);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let typed: string[] = [];
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stdout.write('\n');
    };
    const onData = (chunk: string) => {
      for (const character of chunk) {
        if (character === '\r' || character === '\n') {
          finish();
          return resolve(typed.join(''));
        }
        if (character === '\u0003') {
          finish();
          return reject(new CommandError('Cancelled.', 130));
        }
        if (character === '\u007f' || character === '\b') typed = typed.slice(0, -1);
        else typed.push(character);
      }
    };
    stdin.on('data', onData);
  });
}
