import { spawn } from 'node:child_process';
import { MANAGE_SCRIPT } from './test-database';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the compiled management CLI as a user would, with no terminal attached. */
export function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MANAGE_SCRIPT, ...args], {
      env: { ...process.env, BCRYPT_COST: '10', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Runs the CLI on a pseudo-terminal (util-linux `script`), answering each prompt when it appears, as a person
 * at a terminal would.
 */
export function runCliInTerminal(
  args: string[],
  env: Record<string, string | undefined>,
  answers: [prompt: string, answer: string][],
): Promise<CliResult> {
  const command = [process.execPath, MANAGE_SCRIPT, ...args]
    .map((part) => `'${part.replaceAll("'", "'\\''")}'`)
    .join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: { ...process.env, BCRYPT_COST: '10', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let next = 0;
    let searchFrom = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const pending = answers[next];
      const at = pending ? stdout.indexOf(pending[0], searchFrom) : -1;
      if (pending && at !== -1) {
        searchFrom = at + pending[0].length;
        next += 1;
        child.stdin.write(`${pending[1]}\r`);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
