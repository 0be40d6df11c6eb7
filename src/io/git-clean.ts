import { closeSync, fstatSync, lstatSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';

// Whether a checkout is clean, read from git's own files, so that a command need not spawn
// `git status` (forking a child is a noticeable part of a short run's start-up). It answers only
// "certainly clean" or "ask git": anything it does not fully understand, or that git itself
// would look at twice, sends the question to git, so that it never calls a changed checkout
// clean. A clean checkout, as a clone or a commit leaves it, is answered here.
//
// Clean means what `git status --porcelain` prints nothing for:
// - every tracked file's stat matches the one the index recorded (git compares no content
//   then either), and none was written in the same instant as the index (racily clean);
// - the index's cached root tree (its TREE extension) is HEAD's tree: nothing staged;
// - no file or directory that git does not track, apart from those the top .gitignore or
//   .git/info/exclude ignore with plain patterns (names, `*`, a leading or trailing `/`).
// Hand-written rather than taken from a library (isomorphic-git, ignore): a library that
// approximates git can call a file ignored or unchanged where git would not; this reader
// accepts only the cases it matches exactly and leaves the rest to git.

/** Where git keeps a checkout's files: its own directory (index, HEAD) and the shared one (objects, info). */
export interface GitDirs {
  gitDir: string;
  common: string;
}

/**
 * Beyond this many tracked files, git's status in the background costs a command less than
 * a stat call for each on its main thread (8 to 40 microseconds each on this project's machine).
 */
export const MOST_TRACKED_FILES = 10_000;

/**
 * True when the checkout at `root` certainly matches commit `head` (40 hex digits), false
 * when git must say (and for more than `most` tracked files). Never throws.
 */
export function certainlyClean(root: string, dirs: GitDirs, head: string, most = MOST_TRACKED_FILES): boolean {
  try {
    const index = readIndex(join(dirs.gitDir, 'index'));
    return (
      index !== undefined &&
      index.entries.length <= most &&
      index.entries.every((entry) => unchanged(root, entry, index)) &&
      index.tree !== undefined &&
      index.tree === commitTree(dirs.common, head) &&
      noUntracked(root, index.entries, ignoreRules(root, dirs.common))
    );
  } catch {
    return false;
  }
}

interface IndexEntry {
  path: string;
  /** Where its fields start in the index: ctime and mtime (seconds, nanoseconds), dev, ino, mode, uid, gid, size, 32 bits each. */
  at: number;
}

interface Index {
  bytes: Buffer;
  entries: IndexEntry[];
  /** The cached tree of the whole index, when valid. */
  tree: string | undefined;
  /** When the index was written, in nanoseconds. */
  written: bigint;
}

/** The index (versions 2 and 3, with its checksum verified), or undefined where this reader must not judge. */
function readIndex(file: string): Index | undefined {
  const bytes = readFileSync(file);
  const written = lstatSync(file, { bigint: true }).mtimeNs;
  const body = bytes.subarray(0, bytes.length - 20);
  if (!createHash('sha1').update(body).digest().equals(bytes.subarray(body.length))) return undefined;
  const version = bytes.readUInt32BE(4);
  if (bytes.toString('latin1', 0, 4) !== 'DIRC' || (version !== 2 && version !== 3)) return undefined;
  const entries: IndexEntry[] = [];
  let at = 12;
  for (let i = bytes.readUInt32BE(8); i > 0; i--) {
    const flags = bytes.readUInt16BE(at + 60);
    // Assume-valid, an extended flag (skip-worktree, intent-to-add) or a merge stage: git's
    // call. Their stat or the cached tree would tell too; this does not rely on it.
    if (flags & 0xf000) return undefined;
    const end = bytes.indexOf(0, at + 62);
    const mode = bytes.readUInt32BE(at + 24);
    if (mode !== 0o100644 && mode !== 0o100755 && mode !== 0o120000) return undefined; // a submodule
    entries.push({ path: bytes.toString('utf8', at + 62, end), at });
    at += (end - at + 8) & ~7; // entries are NUL-padded to a multiple of 8 bytes
  }
  let tree: string | undefined;
  while (at < body.length) {
    const signature = bytes.toString('latin1', at, at + 4);
    const size = bytes.readUInt32BE(at + 4);
    if (signature === 'TREE') tree = rootTree(bytes.subarray(at + 8, at + 8 + size), entries.length);
    // A lower-case extension (a split or sparse index) must be understood to read the index.
    else if (signature[0]! < 'A' || signature[0]! > 'Z') return undefined;
    at += 8 + size;
  }
  return { bytes, entries, tree, written };
}

/** The root's tree in a TREE extension ("", NUL, entry count, space, subtrees, newline, hash), if it covers every entry. */
function rootTree(data: Buffer, entries: number): string | undefined {
  const newline = data.indexOf(10);
  const header = /^\0(-?\d+) \d+$/.exec(data.toString('latin1', 0, newline));
  if (!header || Number(header[1]) !== entries) return undefined;
  return data.toString('hex', newline + 1, newline + 21);
}

/** The file's stat is the one the index recorded, and it was not written in the index's instant. */
function unchanged(root: string, { path, at }: IndexEntry, { bytes, written }: Index): boolean {
  const s = lstatSync(join(root, path), { bigint: true });
  const field = (offset: number) => bytes.readUInt32BE(at + offset);
  const time = (offset: number) => BigInt(field(offset)) * 1_000_000_000n + BigInt(field(offset + 4));
  // git records a file's mode as 644 or 755 whatever its other permission bits, a link's as 120000.
  const mode = s.isFile() ? (s.mode & 0o100n ? 0o100755 : 0o100644) : s.isSymbolicLink() ? 0o120000 : -1;
  return (
    s.ctimeNs === time(0) &&
    s.mtimeNs === time(8) &&
    Number(s.ino & 0xffffffffn) === field(20) &&
    mode === field(24) &&
    Number(s.uid) === field(28) &&
    Number(s.gid) === field(32) &&
    Number(s.size & 0xffffffffn) === field(36) &&
    s.mtimeNs < written
  );
}

/** The tree of commit `head`, from a loose object or a pack (not a delta), or undefined. */
function commitTree(common: string, head: string): string | undefined {
  const text = looseObject(common, head) ?? packedObject(common, head);
  return /^commit \d+\0tree ([0-9a-f]{40})\n/.exec(text ?? '')?.[1];
}

function looseObject(common: string, hash: string): string | undefined {
  try {
    return inflateSync(readFileSync(join(common, 'objects', hash.slice(0, 2), hash.slice(2)))).toString('latin1');
  } catch {
    return undefined;
  }
}

/** A commit in a pack: found in a version-2 pack index, read whole if stored whole, with the loose object's header. */
function packedObject(common: string, hash: string): string | undefined {
  const packs = join(common, 'objects', 'pack');
  const wanted = Buffer.from(hash, 'hex');
  for (const name of readdirSync(packs).filter((n) => n.endsWith('.idx'))) {
    const offset = withFile(join(packs, name), (read) => packOffset(read, wanted));
    if (offset === undefined) continue;
    return withFile(join(packs, name.replace(/\.idx$/, '.pack')), (read, size) => {
      const head = read(offset, 16);
      if (((head[0]! >> 4) & 7) !== 1) return undefined; // not stored whole as a commit
      let length = head[0]! & 15;
      let at = 0;
      for (let shift = 4; head[at]! & 0x80; shift += 7) length += (head[++at]! & 0x7f) * 2 ** shift;
      const start = offset + at + 1;
      const stored = inflateSync(read(start, Math.min(length + 1024, size - start)));
      return `commit ${length}\0${stored.toString('latin1')}`;
    });
  }
  return undefined;
}

/** The object's offset in the pack, from the index's fan-out table and sorted hashes. */
function packOffset(read: (at: number, length: number) => Buffer, wanted: Buffer): number | undefined {
  const header = read(0, 8);
  if (header.readUInt32BE(0) !== 0xff744f63 || header.readUInt32BE(4) !== 2) return undefined;
  const fanout = read(8, 1024);
  const count = fanout.readUInt32BE(1020);
  const first = wanted[0]! === 0 ? 0 : fanout.readUInt32BE((wanted[0]! - 1) * 4);
  const last = fanout.readUInt32BE(wanted[0]! * 4);
  const hashes = read(1032 + first * 20, (last - first) * 20);
  for (let i = 0; i < last - first; i++) {
    if (!hashes.subarray(i * 20, i * 20 + 20).equals(wanted)) continue;
    const offset = read(1032 + count * 24 + (first + i) * 4, 4).readUInt32BE(0);
    // Packs over 2 GiB keep large offsets in a further table.
    return offset & 0x80000000 ? Number(read(1032 + count * 28 + (offset & 0x7fffffff) * 8, 8).readBigUInt64BE(0)) : offset;
  }
  return undefined;
}

function withFile<T>(file: string, use: (read: (at: number, length: number) => Buffer, size: number) => T): T {
  const fd = openSync(file, 'r');
  try {
    const read = (at: number, length: number) => {
      const buffer = Buffer.alloc(length);
      return buffer.subarray(0, readSync(fd, buffer, 0, length, at));
    };
    return use(read, fstatSync(fd).size);
  } finally {
    closeSync(fd);
  }
}

type Ignored = (path: string, directory: boolean) => boolean;

/**
 * The top .gitignore's and .git/info/exclude's patterns, as a test of a path relative to the
 * top, or undefined when one uses syntax this reader leaves to git: negation `!`, `?`,
 * classes `[...]`, `**`, escapes.
 */
function ignoreRules(root: string, common: string): Ignored | undefined {
  const lines = [join(root, '.gitignore'), join(common, 'info', 'exclude')].flatMap((file) => {
    try {
      return readFileSync(file, 'utf8').split('\n');
    } catch {
      return [];
    }
  });
  const rules: { pattern: RegExp; directoryOnly: boolean; anchored: boolean }[] = [];
  for (const raw of lines) {
    const line = raw.replace(/ +$/, '');
    if (line === '' || line.startsWith('#')) continue;
    if (/[!?[\\]|\*\*/.test(line)) return undefined;
    const directoryOnly = line.endsWith('/');
    const body = directoryOnly ? line.slice(0, -1) : line;
    const anchored = body.includes('/');
    const glob = body.replace(/^\//, '').replace(/[.+^${}()|]/g, '\\$&').replace(/\*/g, '[^/]*');
    rules.push({ pattern: new RegExp(`^${glob}$`), directoryOnly, anchored });
  }
  return (path, directory) =>
    rules.some((r) => (directory || !r.directoryOnly) && r.pattern.test(r.anchored ? path : path.slice(path.lastIndexOf('/') + 1)));
}

/** No file below `root` that git does not track and does not ignore (nor a .gitignore below the top, nor a nested repository). */
function noUntracked(root: string, entries: IndexEntry[], ignored: Ignored | undefined): boolean {
  if (!ignored) return false;
  const tracked = new Set<string>();
  const trackedDirectories = new Set<string>();
  for (const { path } of entries) {
    tracked.add(path);
    for (let cut = path.lastIndexOf('/'); cut > 0; cut = path.lastIndexOf('/', cut - 1)) trackedDirectories.add(path.slice(0, cut));
  }
  const clean = (dir: string): boolean =>
    readdirSync(join(root, dir), { withFileTypes: true }).every((d) => {
      const path = dir === '' ? d.name : `${dir}/${d.name}`;
      if (path === '.git') return true;
      if (d.name === '.git' || (d.name === '.gitignore' && dir !== '')) return false;
      if (tracked.has(path)) return true;
      if (d.isDirectory()) return ignored(path, true) || (trackedDirectories.has(path) && clean(path));
      return ignored(path, false);
    });
  return clean('');
}
