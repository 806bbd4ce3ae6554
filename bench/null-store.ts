// A store that keeps nothing but ingest progress: the collector benchmark's "without the store" run.
import type {
  BackendLink,
  FlowFilter,
  FlowPage,
  FlowStore,
  StoreBatch,
  WriteOutcome,
} from '../collector/store.js';
import type { v1 } from '../proto/index.js';

/** FlowStore that remembers sequences only; every query answers empty. */
export class NullFlowStore implements FlowStore {
  private readonly sequences = new Map<string, number>();
  private flows = 0;

  lastSequence(node: string, bootId: string): Promise<number> {
    return Promise.resolve(this.sequences.get(`${node}\u0000${bootId}`) ?? 0);
  }

  write(batches: StoreBatch[], _links: BackendLink[]): Promise<WriteOutcome[]> {
    return Promise.resolve(this.record(batches));
  }

  private record(batches: StoreBatch[]): WriteOutcome[] {
    return batches.map((batch) => {
      const key = `${batch.node}\u0000${batch.bootId}`;
      if (batch.sequence <= (this.sequences.get(key) ?? 0)) return 'duplicate';
      this.sequences.set(key, batch.sequence);
      this.flows += batch.flows.length;
      return 'stored';
    });
  }

  queryFlows(_filter: FlowFilter): Promise<FlowPage> {
    return Promise.resolve({ flows: [], next: null });
  }

  serviceStates(): Promise<v1.IServiceState[]> {
    return Promise.resolve([]);
  }

  // Nothing is kept.
  async *flowsSince(_since: number): AsyncIterable<v1.IFlowRecord> {}

  prune(_before: number): Promise<number> {
    return Promise.resolve(0);
  }

  countFlows(): Promise<number> {
    return Promise.resolve(this.flows);
  }

  close(): Promise<void> {
    this.sequences.clear();
    return Promise.resolve();
  }
}
