import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';

/** Runs `body` with claims kept in a folder of its own (os.tmpdir() reads TMPDIR on each call). */
async function withClaims(body: (claims: string) => Promise<void>): Promise<void> {
  const previous = process.env['TMPDIR'];
  const dir = mkdtempSync(join(tmpdir(), 'relais-free-port-'));
  process.env['TMPDIR'] = dir;
  try {
    await body(join(dir, 'relais-ports'));
  } finally {
    if (previous === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = previous;
    rmSync(dir, { recursive: true, force: true });
  }
}

const windowNow = (): number => Math.floor(Date.now() / 600_000);

test('ports asked for at once are all different, below the ephemeral range, and claimed on disk', async () => {
  await withClaims(async (claims) => {
    const ports = await Promise.all(Array.from({ length: 300 }, () => freePort()));
    assert.equal(new Set(ports).size, 300, 'no port handed out twice');
    for (const port of ports) {
      assert.ok(port >= 21_000 && port < 29_000, `${port} is in 21000–28999`);
      const claimed = [windowNow(), windowNow() - 1].some((w) => existsSync(join(claims, String(w), String(port))));
      assert.ok(claimed, `${port} is claimed for the other processes`);
    }
  });
});

test('a port another process claimed in this window or the last is never handed out', async () => {
  await withClaims(async (claims) => {
    // Every port claimed by someone else, half of them in the last window: nothing is left. (All
    // of them in the next window too, in case the clock crosses into it during the test.)
    const window = windowNow();
    for (const w of [window - 1, window, window + 1]) mkdirSync(join(claims, String(w)), { recursive: true });
    for (let port = 21_000; port < 29_000; port++) {
      writeFileSync(join(claims, String(window - (port % 2)), String(port)), '');
      writeFileSync(join(claims, String(window + 1), String(port)), '');
    }
    await assert.rejects(freePort(), /no free port between 21000 and 29000 on 127\.0\.0\.1 after 50 tries/);
  });
});
