// Where the installed snatscope package lives, for files shipped beside the code (the lab's
// scripts, the web page's built assets).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The snatscope package root (the folder with its package.json): this file runs from `common/`
 * through tsx or from `dist/common/` when built, so walk up rather than assume a depth.
 */
export function packageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
      if (parsed.name === 'snatscope') return dir;
    }
    if (dirname(dir) === dir) throw new Error(`no snatscope package.json above ${from}`);
  }
}
