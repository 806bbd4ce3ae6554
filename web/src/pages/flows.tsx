// Flow search: by client IP (v4 or v6), Service, node and time range. Each result opens to its
// path. The search lives in the page's fragment (never sent to a server) so it can be linked.
import { useState } from 'preact/hooks';
import { getJson } from '../api.js';
import { FlowList } from '../components/flow-list.js';
import { Empty, Failure, Loading } from '../components/notice.js';
import { TIME_RANGES } from '../format.js';
import { flowsHref } from '../route.js';
import { useApi } from '../use-api.js';
import type { FlowJson } from '../wire.js';

const PAGE = 100;
const FIELDS = ['client', 'service', 'node', 'since'] as const;
type Search = Record<(typeof FIELDS)[number], string>;

interface Results {
  flows: FlowJson[];
  next: string | null;
}

/** The flow search page; `query` is the fragment's search. */
export function FlowsPage({ query }: { query: URLSearchParams }) {
  const search: Search = {
    client: query.get('client') ?? '',
    service: query.get('service') ?? '',
    node: query.get('node') ?? '',
    since: query.get('since') ?? '1h',
  };
  const [form, setForm] = useState<Search>(search);
  const asked = query.size > 0;
  const [more, setMore] = useState<Results | null>(null);
  const [moreError, setMoreError] = useState<Error | null>(null);

  const params = { ...search, limit: String(PAGE) };
  const loaded = useApi<Results>(asked ? JSON.stringify(search) : '', (signal) =>
    asked
      ? getJson<Results>('api/v1/flows', params, signal)
      : Promise.resolve({ flows: [], next: null }),
  );

  const submit = (event: Event): void => {
    event.preventDefault();
    setMore(null);
    const chosen: Record<string, string> = {};
    for (const field of FIELDS) if (form[field].trim() !== '') chosen[field] = form[field].trim();
    location.hash = flowsHref(chosen);
  };
  const loadMore = async (cursor: string): Promise<void> => {
    try {
      const page = await getJson<Results>('api/v1/flows', { ...params, cursor });
      setMore({ flows: [...(more?.flows ?? []), ...page.flows], next: page.next });
    } catch (error) {
      setMoreError(error as Error);
    }
  };
  const input = (field: keyof Search) => (e: Event) => {
    setForm({ ...form, [field]: (e.currentTarget as HTMLInputElement).value });
  };

  const flows = [...(loaded.data?.flows ?? []), ...(more?.flows ?? [])];
  const next = more ? more.next : (loaded.data?.next ?? null);
  return (
    <main id="main" tabIndex={-1}>
      <h1>Flow search</h1>
      <p class="lead">
        Which way did a client’s connections go, and where was its address replaced?
      </p>
      <form class="search" onSubmit={submit}>
        <div>
          <label for="client">Client IP (IPv4 or IPv6)</label>
          <input
            id="client"
            value={form.client}
            onInput={input('client')}
            placeholder="198.51.100.50"
            spellcheck={false}
          />
        </div>
        <div>
          <label for="service">Service</label>
          <input
            id="service"
            value={form.service}
            onInput={input('service')}
            placeholder="shop/api or shop/api:http"
            spellcheck={false}
          />
        </div>
        <div>
          <label for="node">Node (entry or backend)</label>
          <input
            id="node"
            value={form.node}
            onInput={input('node')}
            placeholder="n1"
            spellcheck={false}
          />
        </div>
        <div>
          <label for="since">Time range</label>
          <select id="since" value={form.since} onChange={input('since')}>
            {TIME_RANGES.map((range) => (
              <option key={range.since} value={range.since}>
                {range.label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">Search</button>
      </form>
      {!asked ? (
        <p>Fill in any of the fields and press Search: the newest matching flows come first.</p>
      ) : loaded.data === null ? (
        loaded.error ? (
          <Failure error={loaded.error} />
        ) : (
          <Loading what="flows" />
        )
      ) : flows.length === 0 ? (
        <Empty title="No flows match">
          <p>
            Widen the time range or drop a field. A client that connected through a load balancer
            that replaces addresses shows under the balancer’s address; try searching by Service.
          </p>
        </Empty>
      ) : (
        <>
          <p role="status">
            {flows.length} flow{flows.length === 1 ? '' : 's'}
            {next !== null ? ' (more below)' : ''}. Open one for its path.
          </p>
          <FlowList flows={flows} />
          {moreError && <Failure error={moreError} />}
          {next !== null && (
            <button type="button" onClick={() => void loadMore(next)}>
              Load {PAGE} more
            </button>
          )}
        </>
      )}
    </main>
  );
}
