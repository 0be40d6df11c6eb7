import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../config/problems.js';
import { processAlive, refusedWrite } from '../io/files.js';

/**
 * One sweep process per output directory. Two processes appending to the same tables (a
 * resume started while the first is still running, a requeued cluster job overlapping the
 * old one) would interleave their rows and corrupt the directory without either noticing.
 *
 * The lock is a file created exclusively in the directory, naming its owner. A lock left by
 * a killed process must not block the resume that follows: on the same host the owner's
 * process id tells whether it is alive; from another host (a shared volume) only the
 * file's age can, so the owner touches it every HEARTBEAT_MS and a lock untouched for
 * STALE_MS is taken over. Written by hand rather than with proper-lockfile, which judges
 * by age alone: every resume after a crash would then wait out the stale period.
 */

export const LOCK_FILE = 'sweep.lock';
const HEARTBEAT_MS = 10_000;
const STALE_MS = 60_000;
/** A lock file that cannot be read is being written, unless it is older than this. */
const WRITING_MS = 5_000;

/** Tokens of the locks this process holds: a library user may start two sweeps in one process. */
const heldHere = new Set<string>();

interface Owner {
  pid: number;
  host: string;
  since: string;
  token: string;
}

export class DirectoryLock {
  private timer: ReturnType<typeof setInterval> | undefined;
  private held = true;

  private constructor(
    private readonly file: string,
    private readonly token: string,
    onLost: (message: string) => void,
  ) {
    this.timer = setInterval(() => {
      if (!this.stillOurs()) {
        this.stopHeartbeat();
        this.held = false;
        heldHere.delete(token);
        onLost(`another process took over ${file} while this sweep was running`);
        return;
      }
      const now = new Date();
      try {
        utimesSync(file, now, now);
      } catch {
        // A missed heartbeat only makes the lock look older; the next one tries again.
      }
    }, HEARTBEAT_MS);
    this.timer.unref();
  }

  /**
   * Takes the lock of `dir` (which must exist), taking over a stale one; refuses with an
   * InputError naming the owner when another live process holds it.
   */
  static acquire(dir: string, onLost: (message: string) => void = () => {}): DirectoryLock {
    const file = join(dir, LOCK_FILE);
    const owner: Owner = { pid: process.pid, host: hostname(), since: new Date().toISOString(), token: randomUUID() };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(file, `${JSON.stringify(owner)}\n`, { flag: 'wx' });
        heldHere.add(owner.token);
        return new DirectoryLock(file, owner.token, onLost);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw refusedWrite(e, dir, '--out');
      }
      const holder = readOwner(file);
      if (!isStale(file, holder)) throw busy(dir, file, holder);
      rmSync(file, { force: true });
    }
    // Lost the race for a stale lock to another process taking it over at the same moment.
    throw busy(dir, file, readOwner(file));
  }

  /** Gives the lock up, unless another process has taken it over meanwhile. */
  release(): void {
    this.stopHeartbeat();
    if (this.held && this.stillOurs()) rmSync(this.file, { force: true });
    this.held = false;
    heldHere.delete(this.token);
  }

  private stillOurs(): boolean {
    return readOwner(this.file)?.token === this.token;
  }

  private stopHeartbeat(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** The owner recorded in a lock file; undefined when it is gone, or cut short by a crash while being written. */
function readOwner(file: string): Owner | undefined {
  try {
    const owner = JSON.parse(readFileSync(file, 'utf8')) as Partial<Owner>;
    if (typeof owner.pid === 'number' && typeof owner.host === 'string' && typeof owner.token === 'string') return owner as Owner;
  } catch {
    // Unreadable or incomplete: judged by its age below.
  }
  return undefined;
}

function isStale(file: string, owner: Owner | undefined): boolean {
  // A process restarted in a container often gets its predecessor's process id: a lock with
  // our own id is live only if this process took it.
  if (owner?.host === hostname()) return owner.pid === process.pid ? !heldHere.has(owner.token) : !processAlive(owner.pid);
  return age(file) > (owner === undefined ? WRITING_MS : STALE_MS);
}

function age(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return Infinity;
  }
}


function busy(dir: string, file: string, owner: Owner | undefined): InputError {
  const who = owner ? `process ${owner.pid} on ${owner.host}, since ${owner.since}` : 'another process';
  return new InputError([
    {
      source: '--out',
      path: '',
      expected: `an output directory no other sweep is writing to`,
      found: `${dir}, in use by ${who}; wait for it to end, or if it is gone for good, delete ${file}`,
    },
  ]);
}
