// The two images as their Dockerfiles describe them: pinned multi-stage builds, the node tools the
// agent runs, an unprivileged collector. Read as text (no image is built here).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '..', '..');

/** One instruction: `RUN a \ b` joined into one line, comments dropped. */
interface Instruction {
  keyword: string;
  args: string;
}

/** A build stage: its FROM image, its name and its instructions. */
interface Stage {
  image: string;
  name: string | null;
  instructions: Instruction[];
}

function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    if (/^\s*#/.test(raw)) continue;
    const line = raw.trimEnd();
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const joined = (pending + line).trim();
    pending = '';
    if (joined !== '') logical.push(joined);
  }
  const stages: Stage[] = [];
  for (const line of logical) {
    const match = /^(\S+)\s*(.*)$/.exec(line);
    const keyword = (match?.[1] ?? '').toUpperCase();
    const args = match?.[2] ?? '';
    if (keyword === 'FROM') {
      const from = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      assert.ok(from, `FROM ${args}`);
      stages.push({ image: from[1] ?? '', name: from[2] ?? null, instructions: [] });
    } else {
      const stage = stages.at(-1);
      assert.ok(stage, `${keyword} before any FROM`);
      stage.instructions.push({ keyword, args });
    }
  }
  return stages;
}

function load(file: string): Stage[] {
  return parseDockerfile(readFileSync(join(ROOT, file), 'utf8'));
}

function all(stage: Stage, keyword: string): string[] {
  return stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
}

/** The DaemonSet's NODE_OPTIONS: the image and the manifest must not drift apart. */
function daemonSetNodeOptions(): string {
  const daemonSet = parse(
    readFileSync(join(ROOT, 'deploy/kustomize/base/daemonset-agent.yaml'), 'utf8'),
  ) as {
    spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } };
  };
  const env = daemonSet.spec.template.spec.containers[0]?.env ?? [];
  return env.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '';
}

for (const file of ['Dockerfile.agent', 'Dockerfile.collector']) {
  describe(file, () => {
    const stages = load(file);
    const runtime = stages.at(-1);
    assert.ok(runtime);

    it('builds in one stage and runs in another', () => {
      assert.ok(stages.length >= 2, 'multi-stage');
      const build = stages[0];
      assert.ok(build?.name, 'the build stage is named');
      const runs = all(build, 'RUN').join('\n');
      assert.match(runs, /\bnpm ci\b/);
      assert.match(runs, /\bnpm run build\b/);
      assert.match(runs, /\bnpm prune --omit=dev\b/, 'dev dependencies pruned');
      const copies = all(runtime, 'COPY');
      assert.ok(copies.some((c) => c.startsWith(`--from=${build.name ?? ''} `)));
      // Only built artefacts reach the runtime stage, never the source tree.
      assert.ok(!copies.some((c) => /^\.\s/.test(c)), 'no COPY . in the runtime stage');
    });

    it('pins every base image by full version and Debian release, never latest', () => {
      const names = new Set(stages.map((s) => s.name).filter((n) => n !== null));
      for (const stage of stages) {
        if (names.has(stage.image)) continue;
        assert.doesNotMatch(stage.image, /:latest\b|^[^:]+$/, `${stage.image} is pinned`);
        assert.match(stage.image, /^node:\d+\.\d+\.\d+-bookworm-slim(@sha256:[0-9a-f]{64})?$/);
      }
      assert.ok(!/\blatest\b/.test(readFileSync(join(ROOT, file), 'utf8')), 'no "latest"');
    });

    it('starts the CLI in exec form (signals reach node)', () => {
      const [entrypoint] = all(runtime, 'ENTRYPOINT');
      assert.ok(entrypoint);
      assert.deepEqual(JSON.parse(entrypoint), ['node', '/app/bin/snatscope.js']);
    });
  });
}

describe('Dockerfile.agent', () => {
  const runtime = load('Dockerfile.agent').at(-1);
  assert.ok(runtime);

  it('installs every tool the agent runs', () => {
    const runs = all(runtime, 'RUN').join('\n');
    for (const pkg of [
      'iptables',
      'conntrack',
      'nftables',
      'ipset',
      'iproute2',
      'ipvsadm',
      'bpftrace',
    ]) {
      assert.match(runs, new RegExp(`apt-get install [^\\n]*\\b${pkg}\\b`), pkg);
    }
  });

  it('sets NODE_OPTIONS as the benchmarks and the DaemonSet do', () => {
    const env = all(runtime, 'ENV').find((e) => e.startsWith('NODE_OPTIONS'));
    assert.ok(env, 'ENV NODE_OPTIONS');
    const value = /^NODE_OPTIONS=?"?([^"]*)"?$/.exec(env)?.[1] ?? '';
    assert.match(value, /--max-semi-space-size=2\b/);
    assert.match(value, /--max-old-space-size=128\b/);
    assert.equal(value, daemonSetNodeOptions());
  });
});

describe('Dockerfile.collector', () => {
  const runtime = load('Dockerfile.collector').at(-1);
  assert.ok(runtime);

  it('runs as an unprivileged user', () => {
    const user = all(runtime, 'USER').at(-1);
    assert.ok(user, 'USER set');
    assert.doesNotMatch(user, /^(root|0)(:|$)/);
  });

  it('exposes gRPC and HTTP and has a health check', () => {
    const ports = all(runtime, 'EXPOSE').flatMap((e) => e.split(/\s+/));
    assert.ok(ports.includes('9090') && ports.includes('9108'), ports.join(' '));
    const [healthcheck] = all(runtime, 'HEALTHCHECK');
    assert.ok(healthcheck && !/^NONE$/i.test(healthcheck), 'HEALTHCHECK');
    assert.match(healthcheck, /\/healthz/);
  });
});
