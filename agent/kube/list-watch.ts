// One resource's list+watch loop, as client-go's reflector runs it: list (in pages), then watch
// from the list's resourceVersion with bookmarks, follow every event's resourceVersion, re-watch
// when the server ends the stream, relist on 410 Gone, relist now and then (resync) in case an
// event was missed, and back off with jitter on errors. @kubernetes/client-node's ListWatch does
// none of bookmarks, backoff or resync, and keeps whole objects: this keeps only what `read` keeps.
import { abortableSleep } from '../../common/sleep.js';
import { Backoff, type BackoffConfig, type RandomSource } from '../export/backoff.js';
import { KubeObjectError, readObjectMeta, type ObjectMeta } from './objects.js';
import { KubeApiError, type KubeTransport, type KubeWatchEvent } from './transport.js';

/** Which objects a loop follows and what it keeps of each. */
export interface ResourceSpec<T> {
  /** The resource's plural name, for logs and metrics ("endpointslices"). */
  readonly resource: string;
  /** The collection's path, e.g. /apis/discovery.k8s.io/v1/endpointslices. */
  readonly path: string;
  readonly fieldSelector?: string;
  /** Trims one object; throws KubeObjectError when it cannot be read (it is then skipped). */
  readonly read: (object: unknown) => T;
}

/** Where a loop writes the objects it keeps, by `namespace/name` (ObjectStore fits). */
export interface ObjectSink<T> {
  replace(entries: Iterable<readonly [string, T]>): void;
  set(key: string, value: T): void;
  delete(key: string): void;
}

/** Timing of the loop; injectable so tests assert on attempts, never on elapsed time. */
export interface ListWatchTiming {
  /** Objects per list page (`limit`). */
  readonly pageSize: number;
  /** The `timeoutSeconds` of each watch; client-go draws 5-10 min so watches end spread out. */
  readonly watchTimeoutSeconds: () => number;
  /** A relist this long after the last one; 0: never. */
  readonly resyncMs: number;
  readonly backoff: BackoffConfig;
  readonly random: RandomSource;
  /** Waits `ms`, or less when `signal` aborts (it must then resolve, not reject). */
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Errors grow to a one-minute ceiling: an agent without RBAC yet asks again within a minute. */
export const DEFAULT_TIMING: ListWatchTiming = Object.freeze({
  pageSize: 500,
  watchTimeoutSeconds: () => 300 + Math.floor(Math.random() * 300),
  resyncMs: 30 * 60_000,
  backoff: Object.freeze({ initialMs: 500, maxMs: 60_000, multiplier: 2 }),
  random: Math.random,
  sleep: abortableSleep,
});

/** What a loop did since it started; "Everything that moves gets a counter." */
export interface ListWatchCounters {
  /** Full lists (each may take several pages). */
  lists: number;
  listPages: number;
  watches: number;
  /** Watches the server ended (timeout, restart, closed connection) and that were resumed. */
  watchRestarts: number;
  /** 410 Gone (an ERROR event, or HTTP 410 on a list or watch): the resourceVersion expired. */
  gone: number;
  bookmarks: number;
  /** ADDED, MODIFIED and DELETED events applied. */
  events: number;
  /** Failed requests (each followed by a backoff). */
  errors: number;
  /** Objects that could not be read and were skipped. */
  malformed: number;
  /** Periodic relists. */
  resyncs: number;
}

/** Callbacks of a loop's owner. */
export interface ListWatchHooks {
  onSynced(): void;
  /** A request failed (the loop backs off and retries). */
  onError(error: KubeApiError): void;
  /** A request succeeded after onError. */
  onRecovered(): void;
  onMalformed(error: KubeObjectError): void;
}

// A watch that sends nothing for its timeout plus this is taken for a dead connection.
const STALL_GRACE_SECONDS = 60;

type WatchEnd = 'closed' | 'idle' | 'gone' | 'resync' | 'stopped';

// A function, so that the compiler does not take `aborted` for constant across awaits.
function aborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

/** The list+watch loop of one resource. */
export class ListWatch<T> {
  readonly counters: ListWatchCounters = {
    lists: 0,
    listPages: 0,
    watches: 0,
    watchRestarts: 0,
    gone: 0,
    bookmarks: 0,
    events: 0,
    errors: 0,
    malformed: 0,
    resyncs: 0,
  };
  /** The resourceVersion the next watch starts from. */
  resourceVersion = '';
  /** Whether a first list has completed. */
  synced = false;
  /** The error of the last failed request, until a request succeeds. */
  lastError: KubeApiError | null = null;
  private nextResyncAt = 0;
  private resyncRequested = false;
  private currentWatch: AbortController | null = null;
  private readonly backoff: Backoff;

  constructor(
    private readonly spec: ResourceSpec<T>,
    private readonly sink: ObjectSink<T>,
    private readonly transport: KubeTransport,
    private readonly timing: ListWatchTiming,
    private readonly hooks: ListWatchHooks,
  ) {
    this.backoff = new Backoff(timing.backoff, timing.random);
  }

  get resource(): string {
    return this.spec.resource;
  }

  /** Asks for a relist now (ends the current watch). */
  resync(): void {
    this.resyncRequested = true;
    this.currentWatch?.abort();
  }

  /** Runs until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const backoff = this.backoff;
    // null: no list needed; "": the most recent state; a resourceVersion: not older than that.
    let listFrom: string | null = '';
    while (!aborted(signal)) {
      try {
        if (listFrom !== null) {
          await this.list(listFrom, signal);
          if (aborted(signal)) return;
          listFrom = null;
          this.succeeded();
          if (!this.synced) {
            this.synced = true;
            this.hooks.onSynced();
          }
        }
        const end = await this.watchOnce(signal);
        if (end === 'stopped') return;
        if (end === 'gone') {
          this.counters.gone++;
          listFrom = '';
        } else if (end === 'resync') {
          this.counters.resyncs++;
          listFrom = this.resourceVersion;
        } else {
          this.counters.watchRestarts++;
          // A stream that ends before sending anything must not turn into a tight reconnect loop.
          if (end === 'idle') await this.timing.sleep(backoff.next(), signal);
        }
      } catch (error) {
        if (aborted(signal)) return;
        const apiError =
          error instanceof KubeApiError
            ? error
            : new KubeApiError(null, 'Error', `${this.spec.resource}: ${String(error)}`);
        // An expired resourceVersion (a stale list or watch): start over from the current state.
        if (apiError.status === 410 && listFrom !== '') {
          this.counters.gone++;
          listFrom = '';
          continue;
        }
        this.counters.errors++;
        this.lastError = apiError;
        this.hooks.onError(apiError);
        await this.timing.sleep(backoff.next(), signal);
      }
    }
  }

  /** Whether resync() was called since the last look (a method: a watch sets it meanwhile). */
  private takeResyncRequest(): boolean {
    const requested = this.resyncRequested;
    this.resyncRequested = false;
    return requested;
  }

  private succeeded(): void {
    if (this.lastError === null) return;
    this.lastError = null;
    this.hooks.onRecovered();
  }

  private key(meta: ObjectMeta): string {
    return meta.namespace === '' ? meta.name : `${meta.namespace}/${meta.name}`;
  }

  private async list(from: string, signal: AbortSignal): Promise<void> {
    this.counters.lists++;
    const entries: [string, T][] = [];
    let token = '';
    let resourceVersion = '';
    for (;;) {
      const query: Record<string, string> = { limit: String(this.timing.pageSize) };
      if (this.spec.fieldSelector !== undefined) query.fieldSelector = this.spec.fieldSelector;
      if (token !== '') query.continue = token;
      else if (from !== '') {
        query.resourceVersion = from;
        query.resourceVersionMatch = 'NotOlderThan';
      }
      let page;
      try {
        page = await this.transport.list(this.spec.path, query, signal);
      } catch (error) {
        // The continue token outlived etcd's compaction: the pages so far are of a state that
        // can no longer be continued, so the list starts over from the current state.
        if (token === '' || !(error instanceof KubeApiError) || error.status !== 410) throw error;
        this.counters.gone++;
        entries.length = 0;
        token = '';
        from = '';
        continue;
      }
      this.counters.listPages++;
      for (const item of page.items) {
        const kept = this.read(item);
        if (kept !== null) entries.push([this.key(kept.meta), kept.value]);
      }
      token = page.continueToken;
      resourceVersion = page.resourceVersion;
      if (token === '' || signal.aborted) break;
    }
    if (signal.aborted) return;
    this.sink.replace(entries);
    this.resourceVersion = resourceVersion;
    this.nextResyncAt = Date.now() + this.timing.resyncMs;
  }

  private read(object: unknown): { meta: ObjectMeta; value: T } | null {
    try {
      return { meta: readObjectMeta(this.spec.resource, object), value: this.spec.read(object) };
    } catch (error) {
      if (!(error instanceof KubeObjectError)) throw error;
      this.counters.malformed++;
      this.hooks.onMalformed(error);
      return null;
    }
  }

  private async watchOnce(signal: AbortSignal): Promise<WatchEnd> {
    // The owner may stop between a list and its watch (an abort fires no listener added later).
    if (signal.aborted) return 'stopped';
    if (this.takeResyncRequest()) return 'resync';
    const controller = new AbortController();
    const onAbort = (): void => {
      controller.abort();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    this.currentWatch = controller;
    this.counters.watches++;
    // Written by the event callback while the watch runs, read when it has ended.
    const state: { events: number; end: WatchEnd | null; failure: KubeApiError | null } = {
      events: 0,
      end: null,
      failure: null,
    };
    const stop = (reason: WatchEnd): void => {
      state.end ??= reason;
      controller.abort();
    };
    const timeoutSeconds = this.timing.watchTimeoutSeconds();
    const stall = setTimeout(
      () => {
        stop('closed');
      },
      (timeoutSeconds + STALL_GRACE_SECONDS) * 1000,
    );
    const resync =
      this.timing.resyncMs > 0
        ? setTimeout(
            () => {
              this.resync();
            },
            Math.max(0, this.nextResyncAt - Date.now()),
          )
        : null;
    const onEvent = (event: KubeWatchEvent): void => {
      if (controller.signal.aborted) return;
      stall.refresh();
      // A watch that delivers is healthy: errors from here on start the backoff over.
      if (++state.events === 1) {
        this.backoff.reset();
        this.succeeded();
      }
      if (event.type === 'ERROR') {
        const status = event.object as { code?: unknown; reason?: unknown; message?: unknown };
        const code = typeof status.code === 'number' ? status.code : null;
        if (code === 410) {
          stop('gone');
          return;
        }
        state.failure = new KubeApiError(
          code,
          typeof status.reason === 'string' ? status.reason : 'Error',
          `watch ${this.spec.path}: ${code ?? ''} ${typeof status.message === 'string' ? status.message : ''}`,
        );
        controller.abort();
        return;
      }
      this.apply(event);
    };
    const query: Record<string, string> = {
      allowWatchBookmarks: 'true',
      resourceVersion: this.resourceVersion,
      timeoutSeconds: String(timeoutSeconds),
    };
    if (this.spec.fieldSelector !== undefined) query.fieldSelector = this.spec.fieldSelector;
    try {
      await this.transport.watch(this.spec.path, query, onEvent, controller.signal);
    } finally {
      clearTimeout(stall);
      if (resync !== null) clearTimeout(resync);
      signal.removeEventListener('abort', onAbort);
      this.currentWatch = null;
    }
    if (aborted(signal)) return 'stopped';
    if (state.failure !== null) throw state.failure;
    if (this.takeResyncRequest()) return 'resync';
    return state.end ?? (state.events > 0 ? 'closed' : 'idle');
  }

  private apply(event: KubeWatchEvent): void {
    const { type, object } = event;
    if (type === 'BOOKMARK') {
      // A bookmark carries only metadata.resourceVersion: where the next watch may resume.
      const rv = (object as { metadata?: { resourceVersion?: unknown } } | null)?.metadata
        ?.resourceVersion;
      if (typeof rv === 'string' && rv !== '') this.resourceVersion = rv;
      this.counters.bookmarks++;
      return;
    }
    if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED') return;
    const kept = this.read(object);
    if (kept === null) return;
    if (type === 'DELETED') this.sink.delete(this.key(kept.meta));
    else this.sink.set(this.key(kept.meta), kept.value);
    if (kept.meta.resourceVersion !== '') this.resourceVersion = kept.meta.resourceVersion;
    this.counters.events++;
  }
}
