import {watch, type FSWatcher} from 'node:fs'
import {basename, dirname, resolve} from 'node:path'

/** A set of files watched through their folders; `set` replaces the set, `close` stops. */
export interface FileWatch {
  /** The files watched now (absolute). */
  files(): string[]
  /** Watch exactly these files from now on. */
  set(files: Iterable<string>): void
  close(): void
}

/**
 * Watches files through the folders that hold them (`fs.watch` on each folder, not on the files).
 * A watch on a file follows its inode: an editor's atomic save (write a temp file, rename it over)
 * leaves it watching the deleted inode, and chokidar re-arms only when its stat after the event runs
 * before the rename, which an in-place write followed within milliseconds by a rename-replace
 * (`echo >> f; sed -i …`) defeats for good. A folder's watch sees in-place writes (IN_MODIFY),
 * renames over the file (IN_MOVED_TO) and deletes alike, whatever the file's inode is now.
 * `onChange(file)` may be called more than once per save; the caller debounces and compares contents.
 */
export function watchFiles(files: Iterable<string>, onChange: (file: string) => void, onError: (error: Error) => void): FileWatch {
  let watched = new Set<string>()
  const folders = new Map<string, FSWatcher>()

  const set = (next: Iterable<string>) => {
    watched = new Set([...next].map((f) => resolve(f)))
    const needed = new Set([...watched].map((f) => dirname(f)))
    for (const [folder, watcher] of folders) {
      if (needed.has(folder)) continue
      watcher.close()
      folders.delete(folder)
    }
    for (const folder of needed) {
      if (folders.has(folder)) continue
      try {
        const watcher = watch(folder, {persistent: false}, (_event, name) => {
          // No name (some platforms, an overflow): any file of this folder may have changed.
          for (const file of watched) if (dirname(file) === folder && (name === null || basename(file) === name)) onChange(file)
        })
        watcher.on('error', (error) => onError(error))
        folders.set(folder, watcher)
      } catch (error) {
        // A folder that does not exist (a plugin path in a folder not made yet): reported, the rest still watched.
        onError(error instanceof Error ? error : new Error(String(error)))
      }
    }
  }
  set(files)

  return {
    files: () => [...watched],
    set,
    close() {
      for (const watcher of folders.values()) watcher.close()
      folders.clear()
    },
  }
}
