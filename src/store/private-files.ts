// Store files only the service user can read: directories we create 0700, the database and its side files 0600.
import { constants as fsConstants } from 'node:fs';
import { chmod, lstat, mkdir, open, stat } from 'node:fs/promises';
import path from 'node:path';

/** Owner-only directory. */
export const PRIVATE_DIR_MODE = 0o700;
/** Owner read/write file. */
export const PRIVATE_FILE_MODE = 0o600;
/** Files SQLite keeps next to the database; they hold the same data (WAL frames, a rollback journal). */
export const SQLITE_SIDE_SUFFIXES = ['-wal', '-shm', '-journal'] as const;

/** A file whose mode could not be restricted (typically: owned by another user). The store still works. */
export interface PermissionProblem {
  path: string;
  code: string | undefined;
}

/**
 * Creates `dir` and its missing parents as 0700, one level at a time. mkdir's mode is filtered by the process umask
 * (which could even strip the owner's bits), so each directory created here is chmod-ed right after. Existing
 * directories are left alone: an operator who made one chose its mode.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let current = path.resolve(dir); !(await exists(current)); current = path.dirname(current)) {
    missing.unshift(current);
    if (path.dirname(current) === current) break;
  }
  for (const created of missing) {
    try {
      await mkdir(created, { mode: PRIVATE_DIR_MODE });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue; // made meanwhile by someone else: not ours
      throw err;
    }
    await chmod(created, PRIVATE_DIR_MODE);
  }
}

async function exists(target: string): Promise<boolean> {
  return stat(target).then(
    () => true,
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return false;
      throw err;
    },
  );
}

/**
 * Creates the database file as 0600 before SQLite does (SQLite would create it 0644 minus the umask), or restricts an
 * existing one, e.g. a 0644 file from an older release. SQLite then creates its -wal/-shm with the database file's
 * mode. Throws when `file` is not a regular file or cannot be opened for writing; returns a problem (not thrown: the
 * store still works) when the file belongs to another user.
 */
export async function ensurePrivateFile(file: string): Promise<PermissionProblem | undefined> {
  const handle = await open(file, fsConstants.O_RDWR | fsConstants.O_CREAT, PRIVATE_FILE_MODE);
  try {
    if (!(await handle.stat()).isFile()) throw new Error(`${file} is not a regular file`);
    await handle.chmod(PRIVATE_FILE_MODE);
    return undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EPERM') return { path: file, code: 'EPERM' };
    throw err;
  } finally {
    await handle.close();
  }
}

/** Restricts side files left by an earlier run (SQLite copies the database file's mode only when it creates one). */
export async function restrictSideFiles(file: string): Promise<PermissionProblem[]> {
  const problems: PermissionProblem[] = [];
  for (const suffix of SQLITE_SIDE_SUFFIXES) {
    const side = `${file}${suffix}`;
    try {
      const info = await lstat(side);
      if (info.isFile() && (info.mode & 0o777) !== PRIVATE_FILE_MODE) await chmod(side, PRIVATE_FILE_MODE);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') problems.push({ path: side, code });
    }
  }
  return problems;
}
