// Every Service port with its verdict against the real client, where the client IP was lost, and
// the findings with their fix. Sortable, filterable, refreshed every few seconds.
import { useMemo, useState } from 'preact/hooks';
import { getJson } from '../api.js';
import { Findings } from '../components/findings.js';
import { Empty, Failure, Loading } from '../components/notice.js';
import { VerdictBadge } from '../components/verdict.js';
import { names, percent, serviceKey, time } from '../format.js';
import { serviceHref } from '../route.js';
import { useApi } from '../use-api.js';
import type { ServiceSummaryJson, UiStatusJson } from '../wire.js';

/** How often the view refreshes itself. */
export const REFRESH_MS = 5000;

interface Column {
  title: string;
  sort: (s: ServiceSummaryJson) => string | number;
}

// Worst first by default: a lost verdict is what people come for.
const VERDICT_ORDER: Record<string, number> = {
  lost: 0,
  partial: 1,
  preserved: 2,
  'no-traffic': 3,
};

const COLUMNS: Column[] = [
  { title: 'Service', sort: (s) => serviceKey(s.service, s.protocol) },
  { title: 'Verdict', sort: (s) => VERDICT_ORDER[s.verdict] ?? 9 },
  { title: 'Client IP kept', sort: (s) => s.preservedRatio ?? 2 },
  { title: 'Policy', sort: (s) => s.externalTrafficPolicy },
  { title: 'Flows', sort: (s) => s.flows },
  { title: 'SNAT on node', sort: (s) => s.snatFlows },
  { title: 'Lost upstream', sort: (s) => s.upstreamFlows },
  { title: 'Entry nodes', sort: (s) => s.entryNodes.join(',') },
  { title: 'Backend nodes', sort: (s) => s.backendNodes.join(',') },
  {
    title: 'Dropping (no local endpoint)',
    sort: (s) => s.nodesDroppingWithoutLocalEndpoints.join(','),
  },
  { title: 'Findings', sort: (s) => s.findings.length },
];

function matches(service: ServiceSummaryJson, filter: string): boolean {
  if (filter === '') return true;
  const text = [
    serviceKey(service.service, service.protocol),
    service.verdict,
    service.externalTrafficPolicy,
    ...service.entryNodes,
    ...service.backendNodes,
    ...service.findings.map((f) => f.code),
  ]
    .join(' ')
    .toLowerCase();
  return filter
    .toLowerCase()
    .split(/\s+/)
    .every((word) => text.includes(word));
}

interface Overview {
  services: ServiceSummaryJson[];
  status: UiStatusJson;
}

/** The Services page. */
export function ServicesPage() {
  const loaded = useApi<Overview>(
    'services',
    async (signal) => {
      const [services, status] = await Promise.all([
        getJson<{ services: ServiceSummaryJson[] }>('api/v1/services', {}, signal),
        getJson<UiStatusJson>('api/v1/ui/status', {}, signal),
      ]);
      return { services: services.services, status };
    },
    REFRESH_MS,
  );
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState({ column: 1, ascending: true });

  const rows = useMemo(() => {
    const list = (loaded.data?.services ?? []).filter((s) => matches(s, filter.trim()));
    const key = (COLUMNS[sort.column] ?? COLUMNS[0])?.sort ?? (() => 0);
    const direction = sort.ascending ? 1 : -1;
    return list.sort((a, b) => {
      const x = key(a);
      const y = key(b);
      const order =
        typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return (
        order * direction ||
        serviceKey(a.service, a.protocol).localeCompare(serviceKey(b.service, b.protocol))
      );
    });
  }, [loaded.data, filter, sort]);

  return (
    <main id="main" tabIndex={-1}>
      <h1>Services</h1>
      <p class="lead">
        Does each Service’s backend see the real client IP? <strong>Client IP kept</strong> counts
        against the real client; <strong>SNAT on node</strong> and <strong>Lost upstream</strong>{' '}
        say where the rest was lost. Open a Service for its path diagram.
      </p>
      <Body
        loaded={loaded}
        rows={rows}
        filter={filter}
        setFilter={setFilter}
        sort={sort}
        setSort={setSort}
      />
    </main>
  );
}

function Body({
  loaded,
  rows,
  filter,
  setFilter,
  sort,
  setSort,
}: {
  loaded: ReturnType<typeof useApi<Overview>>;
  rows: ServiceSummaryJson[];
  filter: string;
  setFilter: (value: string) => void;
  sort: { column: number; ascending: boolean };
  setSort: (value: { column: number; ascending: boolean }) => void;
}) {
  const { data, error } = loaded;
  if (data === null) {
    return error ? (
      <Failure error={error} retry={loaded.reload} />
    ) : (
      <Loading what="the Services" />
    );
  }
  const { services, status } = data;
  const findings = rows.flatMap((s) => s.findings);
  return (
    <>
      {error && <Failure error={error} retry={loaded.reload} />}
      {status.notReady !== null && (
        <p class="notice" role="status">
          The collector is not ready yet ({status.notReady}); the numbers may still grow.
        </p>
      )}
      <p class="freshness" aria-live="off">
        {status.agentsConnected} agent{status.agentsConnected === 1 ? '' : 's'} connected · updated{' '}
        {loaded.at === null ? '-' : new Date(loaded.at).toLocaleTimeString()} · refreshes every{' '}
        {REFRESH_MS / 1000} s
      </p>
      {services.length === 0 ? (
        status.agentsConnected === 0 ? (
          <Empty title="No agents connected">
            <p>
              Nothing reports to this collector yet. Run{' '}
              <code>snatscope agent --collector &lt;this collector’s gRPC address&gt;</code> on
              every node (the DaemonSet in <code>deploy/</code> does), then come back: Services
              appear as soon as their agents send.
            </p>
          </Empty>
        ) : (
          <Empty title="No Service traffic yet">
            <p>
              {status.agentsConnected} agents are connected but no NodePort, LoadBalancer or
              external IP Service has been reported. Send a request to one (e.g.{' '}
              <code>curl http://&lt;node&gt;:&lt;nodePort&gt;/</code>); it shows here within a few
              seconds.
            </p>
          </Empty>
        )
      ) : (
        <>
          <div class="filters">
            <label for="service-filter">Filter</label>
            <input
              id="service-filter"
              type="search"
              placeholder="name, namespace, verdict, policy, node or finding"
              value={filter}
              onInput={(e) => {
                setFilter(e.currentTarget.value);
              }}
            />
            <span role="status">
              {rows.length} of {services.length} Service ports
            </span>
          </div>
          <div class="table-wrap">
            <table class="services">
              <caption class="visually-hidden">
                Service ports; select a column title to sort
              </caption>
              <thead>
                <tr>
                  {COLUMNS.map((column, i) => (
                    <th
                      key={column.title}
                      scope="col"
                      aria-sort={
                        sort.column === i
                          ? sort.ascending
                            ? 'ascending'
                            : 'descending'
                          : undefined
                      }
                    >
                      <button
                        type="button"
                        class="sort"
                        onClick={() => {
                          setSort({
                            column: i,
                            ascending: sort.column === i ? !sort.ascending : true,
                          });
                        }}
                      >
                        {column.title}
                        <span aria-hidden="true">
                          {sort.column === i ? (sort.ascending ? ' ▲' : ' ▼') : ''}
                        </span>
                      </button>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((s) => {
                  const key = serviceKey(s.service, s.protocol);
                  return (
                    <tr key={key} data-service={key} data-verdict={s.verdict}>
                      <th scope="row">
                        <a href={serviceHref(key)}>{key}</a>
                      </th>
                      <td>
                        <VerdictBadge verdict={s.verdict} />
                      </td>
                      <td>
                        {percent(s.preservedRatio)} ({s.keptFlows}/{s.flows})
                      </td>
                      <td>{s.externalTrafficPolicy}</td>
                      <td>{s.flows}</td>
                      <td>{s.snatFlows}</td>
                      <td>{s.upstreamFlows}</td>
                      <td>{names(s.entryNodes)}</td>
                      <td>{names(s.backendNodes)}</td>
                      <td>{names(s.nodesDroppingWithoutLocalEndpoints)}</td>
                      <td>{s.findings.length}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {rows.length === 0 && (
            <p role="status">No Service port matches “{filter}”. Clear the filter to see all.</p>
          )}
          <h2>Findings</h2>
          <Findings findings={findings} showService />
          <p class="freshness">
            Last flow: {time(Math.max(0, ...services.map((s) => s.lastSeen)))}
          </p>
        </>
      )}
    </>
  );
}
