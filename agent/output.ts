// Where records go: NDJSON in the record contract for machines, tables for people.
import type { Writable } from 'node:stream';
import { renderTable } from '../common/table.js';
import { flowToJson, serviceToJson } from '../proto/json.js';
import { v1 } from '../proto/index.js';
import { serviceKey } from '../proto/identity.js';
import { FlowTally, servicePortName, verdict } from './verdict.js';

/** A sink for one node's records. Services come first, then flows; end() flushes. */
export interface RecordWriter {
  service(state: v1.IServiceState): void;
  flow(record: v1.IFlowRecord): void;
  end(): void;
}

// Lines are batched into chunks this big: one write per line was a third of the agent's CPU.
const CHUNK_CHARS = 1 << 16;

/** Writes each record as one line of contract JSON, in chunks; end() flushes the rest. */
export class NdjsonWriter implements RecordWriter {
  private pending = '';

  constructor(private readonly out: Writable) {}

  service(state: v1.IServiceState): void {
    this.line(JSON.stringify(serviceToJson(state)));
  }

  /** Continuous mode: a line per Service port that is new or changed (stdout has no snapshots). */
  services(_all: readonly v1.IServiceState[], changed: readonly v1.IServiceState[]): void {
    for (const state of changed) this.service(state);
  }

  flow(record: v1.IFlowRecord): void {
    this.line(JSON.stringify(flowToJson(record)));
  }

  /** Writes out what is buffered (continuous mode calls it after every poll). */
  flush(): void {
    if (this.pending.length === 0) return;
    this.out.write(this.pending);
    this.pending = '';
  }

  end(): void {
    this.flush();
  }

  private line(text: string): void {
    this.pending += text + '\n';
    if (this.pending.length >= CHUNK_CHARS) this.flush();
  }
}

const { Cause, EntryKind, Kind } = v1.FlowRecord;

function hostPort(value: v1.IHostPort | null | undefined): string {
  if (!value?.ip) return '-';
  return value.ip.includes(':')
    ? `[${value.ip}]:${value.port ?? 0}`
    : `${value.ip}:${value.port ?? 0}`;
}

function locality(local: boolean | null | undefined): string {
  if (local === true) return 'local';
  if (local === false) return 'remote';
  return '?';
}

// "?" when the node cannot tell which endpoints are local (Cluster policy, no pod subnets).
function localEndpointsCell(state: v1.IServiceState): string {
  const endpoints = state.endpoints ?? [];
  const unknown = endpoints.some((e) => e.local === null || e.local === undefined);
  return `${unknown ? '?' : String(state.localEndpoints ?? 0)}/${endpoints.length}`;
}

/** Collects records and prints the per-Service verdicts first, then up to `limit` flows. */
export class TableWriter implements RecordWriter {
  private readonly services: v1.IServiceState[] = [];
  private readonly tally = new FlowTally();
  private readonly flows: v1.IFlowRecord[] = [];
  private readonly backends: v1.IFlowRecord[] = [];
  /** Each rule that rewrote a source, once: `table chain: rule`. */
  private readonly rules = new Set<string>();
  private flowCount = 0;
  private backendCount = 0;

  constructor(
    private readonly out: Writable,
    private readonly nodeName: string,
    private readonly limit: number,
  ) {}

  service(state: v1.IServiceState): void {
    this.services.push(state);
  }

  flow(record: v1.IFlowRecord): void {
    this.tally.add(record);
    const rule = record.snatRule;
    if (rule) this.rules.add(`${rule.table ?? ''} ${rule.chain ?? ''}: ${rule.rule ?? ''}`);
    if (record.kind === Kind.backend) {
      if (this.backendCount++ < this.limit) this.backends.push(record);
    } else if (this.flowCount++ < this.limit) {
      this.flows.push(record);
    }
  }

  end(): void {
    this.out.write(`Services reachable from outside on node ${this.nodeName}:\n`);
    const verdictRows = this.services.map((s) => {
      const policy = s.externalTrafficPolicy === v1.TrafficPolicy.Local ? 'Local' : 'Cluster';
      const tally = this.tally.byService.get(serviceKey(s.service, s.protocol ?? ''));
      return [
        `${servicePortName(s.service)} ${s.protocol ?? ''}`,
        policy,
        localEndpointsCell(s),
        `${tally?.flows ?? 0}`,
        `${tally?.snat ?? 0}`,
        verdict(s, tally),
      ];
    });
    this.out.write(
      renderTable(['SERVICE', 'POLICY', 'LOCAL EPS', 'FLOWS', 'SNAT', 'VERDICT'], verdictRows),
    );
    this.out.write(`\nEntry flows (${this.flowCount}${this.shown(this.flowCount)}):\n`);
    this.out.write(
      renderTable(
        [
          'PROTO',
          'CLIENT',
          'ENTRY',
          'VIA',
          'BACKEND',
          'BACKEND SEES',
          'SNAT',
          'CAUSE',
          'SERVICE',
          'STATE',
        ],
        this.flows.map((f) => [
          f.protocol ?? '',
          hostPort(f.client),
          hostPort(f.entry),
          EntryKind[f.entryKind ?? EntryKind.NodePort],
          `${hostPort(f.backend)} (${locality(f.endpointLocal)})`,
          hostPort(f.observedSource),
          f.snat ? 'yes' : 'no',
          // The chain only: the whole rule is listed once below the table (and in JSON).
          f.snatRule
            ? `${Cause[f.cause ?? Cause.None]} by ${f.snatRule.chain ?? ''}`
            : Cause[f.cause ?? Cause.None],
          servicePortName(f.service),
          f.state ?? '',
        ]),
      ),
    );
    if (this.rules.size > 0) {
      this.out.write('\nRules that rewrote the source:\n');
      for (const rule of this.rules) this.out.write(`  ${rule}\n`);
    }
    if (this.backendCount > 0) {
      this.out.write(
        `\nBackend halves of connections that entered on another node (${this.backendCount}${this.shown(this.backendCount)}):\n`,
      );
      this.out.write(
        renderTable(
          ['PROTO', 'SOURCE', 'BACKEND', 'SERVICE', 'STATE'],
          this.backends.map((f) => [
            f.protocol ?? '',
            hostPort(f.observedSource),
            hostPort(f.backend),
            servicePortName(f.service),
            f.state ?? '',
          ]),
        ),
      );
    }
  }

  private shown(count: number): string {
    return count > this.limit ? `, first ${this.limit} shown` : '';
  }
}

/** The writer for `--output table|json` on stdout: NDJSON, or a table of at most `limit` flows. */
export function stdoutWriter(
  output: 'table' | 'json',
  nodeName: string,
  limit: number,
): RecordWriter {
  return output === 'json'
    ? new NdjsonWriter(process.stdout)
    : new TableWriter(process.stdout, nodeName, limit);
}
