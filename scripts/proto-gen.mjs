// Generates the static protobufjs code in proto/gen/ from proto/snatscope/v1/*.proto.
// With --check it regenerates into a temporary folder and fails when proto/gen/ is stale.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const proto = join(root, 'proto/snatscope/v1/snatscope.proto');
const bin = (name) => join(root, 'node_modules/.bin', name);
const files = ['snatscope.js', 'snatscope.d.ts'];

function generate(outDir) {
  mkdirSync(outDir, { recursive: true });
  const js = join(outDir, 'snatscope.js');
  execFileSync(
    bin('pbjs'),
    ['-t', 'static-module', '-w', 'es6', '--force-number', '--no-beautify', '-o', js, proto],
    {
      stdio: 'inherit',
    },
  );
  execFileSync(bin('pbts'), ['--no-comments', '-o', join(outDir, 'snatscope.d.ts'), js], {
    stdio: 'inherit',
  });
}

const target = join(root, 'proto/gen');
if (process.argv.includes('--check')) {
  const tmp = mkdtempSync(join(tmpdir(), 'snatscope-proto-'));
  try {
    generate(tmp);
    const stale = files.filter((f) => {
      try {
        return readFileSync(join(tmp, f), 'utf8') !== readFileSync(join(target, f), 'utf8');
      } catch {
        return true;
      }
    });
    if (stale.length > 0) {
      console.error(
        `proto/gen is stale (${stale.join(', ')}): run npm run proto:gen and commit the result`,
      );
      process.exit(1);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
} else {
  generate(target);
}
