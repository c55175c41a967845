import { open, readdir, rm, stat, mkdir } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';

/** The part of a FileHandle the spool uses. */
export interface SpoolFile {
  write(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  datasync(): Promise<void>;
  truncate(length: number): Promise<void>;
  stat(): Promise<{ size: number }>;
  close(): Promise<void>;
}

/**
 * The filesystem calls the spool makes, so that tests can make them fail (a disk that
 * fills up, a sync that fails) and count syncs. `nodeSpoolFs` is the real one.
 */
export interface SpoolFs {
  mkdir(dir: string): Promise<void>;
  readdir(dir: string): Promise<string[]>;
  size(path: string): Promise<number>;
  /** `wx`: create a new file for writing (fails if it exists); `r+`: read and write; `r`: read. */
  open(path: string, flags: 'wx' | 'r+' | 'r'): Promise<SpoolFile>;
  unlink(path: string): Promise<void>;
  /** fsync of a directory, so that a file created or removed in it stays so after a crash. */
  syncDir(dir: string): Promise<void>;
}

export const nodeSpoolFs: SpoolFs = {
  mkdir: async (dir) => void (await mkdir(dir, { recursive: true })),
  readdir: (dir) => readdir(dir),
  size: async (path) => (await stat(path)).size,
  open: (path, flags) => open(path, flags) as Promise<FileHandle>,
  unlink: (path) => rm(path, { force: true }),
  async syncDir(dir) {
    const h = await open(dir, 'r');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  },
};
