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

  lastSequence(node: string, bootId: string): number {
    return this.sequences.get(`${node}\u0000${bootId}`) ?? 0;
  }

  write(batches: StoreBatch[], _links: BackendLink[]): WriteOutcome[] {
    return batches.map((batch) => {
      const key = `${batch.node}\u0000${batch.bootId}`;
      if (batch.sequence <= (this.sequences.get(key) ?? 0)) return 'duplicate';
      this.sequences.set(key, batch.sequence);
      this.flows += batch.flows.length;
      return 'stored';
    });
  }

  queryFlows(_filter: FlowFilter): FlowPage {
    return { flows: [], next: null };
  }

  serviceStates(): v1.IServiceState[] {
    return [];
  }

  forEachFlowSince(_since: number, _callback: (record: v1.IFlowRecord) => void): void {
    // Nothing is kept.
  }

  pruneSteps(_before: number): Iterable<number> {
    return [];
  }

  countFlows(): number {
    return this.flows;
  }

  close(): void {
    this.sequences.clear();
  }
}
