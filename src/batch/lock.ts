import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../config/problems.js';
import { processAlive, refusedWrite, temporaryName } from '../io/files.js';

/**
 * One process at a time writes an output directory, a sweep or a run. Two sweeps appending
 * to the same tables (a resume started while the first is still running, a requeued cluster
 * job overlapping the old one) would interleave their rows and corrupt the directory without
 * either noticing; a run or a sweep started with --force on a directory another is writing
 * would replace its files under it. Runs and sweeps take the same lock, so each keeps out both.
 *
 * The lock is a directory, `sweep.lock`, made in the output directory and holding a file
 * that names its owner. Making a directory is atomic on every file system, NFS included
 * (an exclusive create, O_EXCL, is not on NFS before version 3): of two processes, exactly
 * one makes it. A lock left by a killed process must not block the resume that follows: on
 * the same host the owner's process id tells whether it is alive; from another host (a
 * shared volume) only the owner file's age can, so the owner touches it every HEARTBEAT_MS
 * and a lock untouched for STALE_MS is taken over. A stale lock is moved aside before it
 * is removed, and only if it is still the one judged stale: a process that judged it so a
 * moment too late moves the new owner's lock, sees that, and puts it back. Written by hand
 * rather than with proper-lockfile, which judges by age alone: every resume after a crash
 * would then wait out the stale period. The name is the one sweeps took before runs took it
 * too: a sweep of an earlier version still running keeps a new one out.
 */

export const LOCK_FILE = 'sweep.lock';
const OWNER_FILE = 'owner.json';
const HEARTBEAT_MS = 10_000;
const STALE_MS = 60_000;
/** A lock without a readable owner is being made, unless it is older than this. */
const WRITING_MS = 5_000;

/** Tokens of the locks this process holds: a library user may start two sweeps in one process. */
const heldHere = new Set<string>();
/** The locks this process holds, for keepLocksAlive. */
const beating = new Set<DirectoryLock>();

/**
 * Touches the lock of every directory this process holds whose heartbeat is due. The
 * heartbeat's timer cannot fire while the main thread works without a pause, as an
 * analysis or a merge does: each calls this between parts of its work, so that a lock on a
 * shared volume is not judged abandoned from another host while it lasts. A clock reading
 * when none is due.
 */
export function keepLocksAlive(): void {
  for (const lock of beating) lock.beatIfDue();
}

/** What writes the directory: recorded in the lock, and named to a process it refuses. */
export type LockHolder = 'sweep' | 'run' | 'merge' | 'analysis';

export interface LockOptions {
  holder?: LockHolder;
  /** The flag that named the directory, for the messages (default --out). */
  flag?: string;
  /** Called when another process has taken the lock over while this one held it. */
  onLost?: (message: string) => void;
  /**
   * How long to wait, in milliseconds, for another process of the same kind (an analysis of
   * the same sweep: a short job) to give the lock up, rather than be refused at once.
   */
  waitMs?: number;
}

/** Between two looks at a lock waited for. */
const WAIT_STEP_MS = 20;

interface Owner {
  pid: number;
  host: string;
  since: string;
  token: string;
  /** Absent in a lock of an earlier version. */
  holder?: LockHolder;
}

export class DirectoryLock {
  private timer: ReturnType<typeof setInterval> | undefined;
  private held = true;
  private lastBeat = Date.now();

  private constructor(
    private readonly lock: string,
    private readonly token: string,
    private readonly holder: LockHolder,
    private readonly onLost: (message: string) => void,
  ) {
    this.timer = setInterval(() => this.beat(), HEARTBEAT_MS);
    this.timer.unref();
    beating.add(this);
  }

  /** The heartbeat, if HEARTBEAT_MS have passed since the last (keepLocksAlive). */
  beatIfDue(): void {
    if (Date.now() - this.lastBeat >= HEARTBEAT_MS) this.beat();
  }

  /** Touches the owner file, or finds the lock taken over and says so. */
  private beat(): void {
    this.lastBeat = Date.now();
    if (!this.stillOurs()) {
      this.stopHeartbeat();
      this.held = false;
      heldHere.delete(this.token);
      this.onLost(`another process took over ${this.lock} while this ${this.holder} was running, judging it abandoned; this ${this.holder} stopped writing there (its new owner is in ${join(this.lock, OWNER_FILE)})`);
      return;
    }
    const now = new Date();
    try {
      utimesSync(join(this.lock, OWNER_FILE), now, now);
    } catch {
      // A missed heartbeat only makes the lock look older; the next one tries again.
    }
  }

  /**
   * Takes the lock of `dir` (which must exist), taking over a stale one; refuses with an
   * InputError naming the owner when another live process holds it.
   */
  static acquire(dir: string, { holder = 'sweep', flag = '--out', onLost = () => {}, waitMs = 0 }: LockOptions = {}): DirectoryLock {
    const lock = join(dir, LOCK_FILE);
    const owner: Owner = { pid: process.pid, host: hostname(), since: new Date().toISOString(), token: randomUUID(), holder };
    const deadline = Date.now() + waitMs;
    for (let attempt = 0; attempt < 2; ) {
      try {
        mkdirSync(lock);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw refusedWrite(e, dir, flag);
        const current = readOwner(lock);
        if (!isStale(lock, current)) {
          // Another process of the same kind, or a lock still being made (no owner yet).
          const alike = current === undefined || current.holder === holder;
          if (alike && Date.now() < deadline) {
            pause(WAIT_STEP_MS);
            continue;
          }
          throw busy(dir, current, flag);
        }
        takeOver(dir, lock, current, flag);
        attempt++;
        continue;
      }
      try {
        writeFileSync(join(lock, OWNER_FILE), `${JSON.stringify(owner)}\n`);
      } catch (e) {
        rmSync(lock, { recursive: true, force: true });
        throw refusedWrite(e, dir, flag);
      }
      heldHere.add(owner.token);
      return new DirectoryLock(lock, owner.token, holder, onLost);
    }
    // Lost the race for a stale lock to another process taking it over at the same moment.
    throw busy(dir, readOwner(lock), flag);
  }

  /** Gives the lock up, unless another process has taken it over meanwhile. */
  release(): void {
    this.stopHeartbeat();
    if (this.held && this.stillOurs()) rmSync(this.lock, { recursive: true, force: true });
    this.held = false;
    heldHere.delete(this.token);
  }

  /** Whether this process still holds the lock: no other has taken it over. */
  holds(): boolean {
    return this.held && this.stillOurs();
  }

  private stillOurs(): boolean {
    return readOwner(this.lock)?.token === this.token;
  }

  private stopHeartbeat(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    beating.delete(this);
  }
}

/**
 * Removes a lock judged stale, if it is still that lock: it is first moved aside (a rename
 * is atomic), and put back if what was moved has another owner than the one judged.
 */
function takeOver(dir: string, lock: string, judged: Owner | undefined, flag: string): void {
  const aside = temporaryName(lock);
  try {
    renameSync(lock, aside);
  } catch (e) {
    // Gone already: another process took it over, or its owner ended meanwhile.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw refusedWrite(e, dir, flag);
  }
  const moved = readOwner(aside);
  if (moved?.token === judged?.token) {
    rmSync(aside, { recursive: true, force: true });
    return;
  }
  try {
    renameSync(aside, lock);
  } catch {
    // Another lock was made meanwhile; the one moved aside has lost its place, and its owner will know.
    rmSync(aside, { recursive: true, force: true });
  }
  throw busy(dir, readOwner(lock) ?? moved, flag);
}

/** Said of a directory without a manifest that a live process holds: a run writes its manifest last. */
export function beingWritten(dir: string): string {
  return existsSync(join(dir, LOCK_FILE)) && !abandonedLock(dir) ? ` yet: a run is writing there (it holds ${LOCK_FILE}); wait for it to end` : '';
}

/** Whether `dir` holds a lock its owner left behind (killed): the next process to lock `dir` takes it over. */
export function abandonedLock(dir: string): boolean {
  const lock = join(dir, LOCK_FILE);
  return existsSync(lock) && isStale(lock, readOwner(lock));
}

/**
 * The owner recorded in a lock; undefined when it is gone, or not written yet. A lock of
 * an earlier version is a file holding the owner itself.
 */
function readOwner(lock: string): Owner | undefined {
  try {
    const file = statSync(lock).isDirectory() ? join(lock, OWNER_FILE) : lock;
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

/** Time since the lock's owner file was touched (or the lock made, before it has one). */
function age(lock: string): number {
  for (const path of [join(lock, OWNER_FILE), lock]) {
    try {
      return Date.now() - statSync(path).mtimeMs;
    } catch {
      // Not there: the next one tells.
    }
  }
  return Infinity;
}

/** Blocks this thread for `ms` milliseconds: a lock is taken in synchronous code. */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function busy(dir: string, owner: Owner | undefined, flag: string): InputError {
  const what = owner?.holder === undefined ? '' : `${owner.holder === 'analysis' ? 'an' : 'a'} ${owner.holder}, `;
  const who = owner ? `${what}process ${owner.pid} on ${owner.host}, since ${owner.since}` : 'another process';
  return new InputError([
    {
      source: flag,
      path: '',
      // The advice here, not after the owner: a found text is cut at 200 characters, and a long path would cut it off.
      expected: `an output directory no other run, sweep, merge or analysis is writing to (wait for that one to end, or if its process is gone for good, delete the directory's ${LOCK_FILE}: rm -r)`,
      found: `${dir}, in use by ${who}`,
    },
  ]);
}
