/**
 * Suites that need an outside service (MariaDB, Chromium) ask here whether it is present.
 * Absent: the suite is skipped with a line that says so, unless QUICKJOBS_TEST_REQUIRE names the
 * service (CI sets `mysql,browser`), in which case the absence fails the run.
 *
 *   const skip = await gate('mysql', probeMysql);
 *   describe('core.mysql', { skip }, () => { ... });
 */
import { access, constants } from 'node:fs/promises';
import { createConnection } from 'node:net';

export type ServiceName = 'mysql' | 'browser';

export const MYSQL_URL = process.env.QUICKJOBS_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
export const CHROMIUM_PATH = process.env.QUICKJOBS_TEST_CHROMIUM ?? '/usr/bin/chromium';

function required(): Set<string> {
  return new Set(
    (process.env.QUICKJOBS_TEST_REQUIRE ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
}

/** Resolves to false when the service answers, or to the skip reason when it does not. */
export async function gate(name: ServiceName, probe: () => Promise<void>): Promise<string | false> {
  try {
    await probe();
    return false;
  } catch (error) {
    const reason = `${name} is not available (${(error as Error).message})`;
    if (required().has(name)) {
      throw new Error(`${reason}, and QUICKJOBS_TEST_REQUIRE names it`);
    }
    console.log(`# skipping ${name} suites: ${reason}; set QUICKJOBS_TEST_REQUIRE=${name} to make this fail`);
    return reason;
  }
}

/** MariaDB answers a TCP connect on its port within a second. */
export function probeMysql(): Promise<void> {
  const url = new URL(MYSQL_URL);
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: url.hostname, port: Number(url.port || 3306) });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer from ${url.host}`));
    }, 1000);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.end();
      resolve();
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Chromium is installed where playwright-core will look for it. */
export async function probeChromium(): Promise<void> {
  await access(CHROMIUM_PATH, constants.X_OK);
}
