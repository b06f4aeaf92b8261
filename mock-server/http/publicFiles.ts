import { realpathSync } from 'node:fs';
import { isAbsolute, posix, relative, resolve, sep } from 'node:path';

/**
 * What the demo's dev server may serve, as an allow-list of folders: the page, the client code it
 * runs, its dependencies and Vite's own modules. Everything else in the repository (the service's
 * sources, its config, the data folder with its secrets and database, `.git`) is never reachable,
 * however the path is spelled: a request is decoded and normalised before it is checked, and a
 * path that does not decode cleanly is refused.
 *
 * Vite serves any file under its root, dot-folders included, so this check runs in front of it;
 * `server.fs.allow` in the Vite config repeats the same folders for `/@fs/` URLs.
 */
export interface PublicFiles {
  /** The repository root (Vite's root). */
  readonly root: string;
  /** Absolute folders whose files may be served. */
  readonly folders: readonly string[];
  /** Absolute files at the root that may be served (the demo page). */
  readonly files: readonly string[];
  /** Whether a request path may reach the dev server. */
  allows(pathname: string): boolean;
  /** Whether an absolute file-system path is inside what is served. */
  serves(path: string): boolean;
}

/** Folders every demo server serves, relative to the root. */
const CLIENT_FOLDERS = ['src', 'node_modules'];
/** Files at the root every demo server serves. */
const ROOT_FILES = ['index.html'];
/** Vite's own modules (its client and env); they name no file of ours. */
const VITE_PREFIXES = ['/@vite/', '/__vite_ping'];
/** Vite's virtual modules: what follows is a module id, checked like a path when it names a file. */
const VIRTUAL_PREFIX = '/@id/__x00__';

export function publicFiles(root: string, extraFolders: readonly string[] = []): PublicFiles {
  const folders = [...CLIENT_FOLDERS, ...extraFolders].map((folder) => real(resolve(root, folder)));
  const files = ROOT_FILES.map((file) => real(resolve(root, file)));
  // Compared by real path, so a symbolic link inside a served folder cannot lead out of it.
  const serves = (path: string): boolean => {
    const absolute = real(resolve(path));
    return files.includes(absolute) || folders.some((folder) => isInside(absolute, folder));
  };
  return {
    root,
    folders,
    files,
    serves,
    allows(pathname) {
      const path = normalisedPath(pathname);
      if (path === undefined) return false;
      if (path === '/') return true;
      if (VITE_PREFIXES.some((prefix) => path === prefix.replace(/\/$/, '') || path.startsWith(prefix))) return true;
      if (path.startsWith(VIRTUAL_PREFIX)) {
        const id = path.slice(VIRTUAL_PREFIX.length);
        return !id.startsWith('/') || (hasNoHiddenPart(id) && serves(id));
      }
      if (path.startsWith('/@fs/')) return isAbsolute(path.slice(4)) && hasNoHiddenPart(path) && serves(path.slice(4));
      if (path.startsWith('/@')) return false;
      return hasNoHiddenPart(path) && serves(resolve(root, `.${path}`));
    },
  };
}

/** The path with symbolic links resolved; as given when it does not exist (yet). */
function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** `child` is `parent` or below it. */
function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.split(sep).includes('..'));
}

/**
 * The path as the file system will see it: percent-decoded until stable (so `%252e` cannot sneak a
 * dot past one decoding), then normalised. Undefined for anything that does not decode, or that
 * holds a backslash or a NUL.
 */
function normalisedPath(pathname: string): string | undefined {
  let path = pathname;
  for (let round = 0; round < 4; round++) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return undefined;
    }
    if (decoded === path) break;
    path = decoded;
    if (round === 3) return undefined;
  }
  if (!path.startsWith('/') || path.includes('\\') || path.includes('\0')) return undefined;
  return posix.normalize(path);
}

/**
 * No part of the path starts with a dot (`.data`, `.git`, `.env`), except Vite's pre-bundled
 * dependencies in `node_modules/.vite/deps`.
 */
function hasNoHiddenPart(path: string): boolean {
  const parts = path.split('/').filter(Boolean);
  return parts.every((part, index) => !part.startsWith('.') || (part === '.vite' && parts[index - 1] === 'node_modules'));
}
