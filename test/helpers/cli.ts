// Runs the real `accord` binary in a child process.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/accord.mjs', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function cliEnv(
  url: string,
  dataDir: string,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    DATABASE_URL: url,
    ACCORD_DATA_DIR: dataDir,
    ACCORD_DEMO: 'false',
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

export function accord(args: string[], env: NodeJS.ProcessEnv, input?: string): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env,
    encoding: 'utf8',
    input,
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Starts `accord start` and resolves with the address once it prints it. */
export function startAccord(
  env: NodeJS.ProcessEnv,
): Promise<{ proc: ChildProcessWithoutNullStreams; address: string; output: () => string }> {
  const proc = spawn(process.execPath, [BIN, 'start'], { env: { ...env, PORT: '0' } });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`accord start did not start:\n${out}`)),
      60_000,
    );
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = /Accord is running at (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, address: m[1] as string, output: () => out });
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`accord start exited with ${code}:\n${out}`));
    });
  });
}
