/**
 * The compiled server run as a child process, as `npm run bench` and test/server.test.ts run it: a free port to
 * give it, and the wait for its "GraphQL ready at" line.
 */
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';

/** A loopback port that nothing listens on at the moment. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface ReadyServer {
  /** Where it serves, without the /graphql path. */
  url: string;
  /** Everything it has printed so far, on stdout and stderr (when they are piped). */
  output: () => string;
}

/** Resolves when the server says "GraphQL ready at"; rejects, with what it printed, if it stops first. */
export function waitForReady(server: ChildProcess): Promise<ReadyServer> {
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /GraphQL ready at (http:\/\/\S+)\/graphql/.exec(output);
      if (ready) resolve({ url: ready[1]!, output: () => output });
    };
    server.stdout?.on('data', onData);
    server.stderr?.on('data', onData);
    server.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
}
