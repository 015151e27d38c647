/**
 * Writes a file so that a reader (or a restart after a crash) sees either the
 * old content or the new, never a torn write: the data goes to a temporary
 * file in the same directory (rename is atomic only within one file system),
 * is flushed, and then replaces the target with one rename.
 */
import * as nodeFs from "node:fs";
import { basename, dirname, join } from "node:path";

/** The calls used, so a test can fail one of them on purpose. */
export interface AtomicWriteFs {
  openSync: typeof nodeFs.openSync;
  writeSync: (fd: number, data: string) => number;
  fsyncSync: typeof nodeFs.fsyncSync;
  closeSync: typeof nodeFs.closeSync;
  renameSync: typeof nodeFs.renameSync;
  rmSync: typeof nodeFs.rmSync;
}

let sequence = 0;

export function writeFileAtomically(path: string, data: string, fs: AtomicWriteFs = nodeFs): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${++sequence}.tmp`);
  try {
    const fd = fs.openSync(temporary, "w", 0o600);
    try {
      fs.writeSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, path);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}
