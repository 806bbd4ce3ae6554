// One Service port: its verdict and findings, the path diagram (clients → entry nodes → backends,
// the SNAT point marked) over a chosen time range, the SNAT points with their rules, and its
// recent flows.
import { useState } from 'preact/hooks';
import { getJson } from '../api.js';
import { Findings } from '../components/findings.js';
import { FlowList } from '../components/flow-list.js';
import { Empty, Failure, Loading } from '../components/notice.js';
import { PathDiagram } from '../components/path-diagram.js';
import { VerdictBadge } from '../components/verdict.js';
import { CAUSE_TEXT, names, percent, serviceKey, TIME_RANGES } from '../format.js';
import { flowsHref } from '../route.js';
import { useApi } from '../use-api.js';
import type { FlowJson, ServicePathsJson, ServiceSummaryJson } from '../wire.js';

const RECENT_FLOWS = 50;
// Slower than the Services list: each refresh counts up to 20,000 flows for the diagram.
const REFRESH_MS = 15_000;

/** "ns/name:port/tcp" → the API's service filter and the protocol. */
function splitKey(key: string): { service: string; protocol: string } {
  const slash = key.lastIndexOf('/');
  return { service: key.slice(0, slash), protocol: key.slice(slash + 1) };
}

interface ServiceView {
  summary: ServiceSummaryJson | null;
  paths: ServicePathsJson;
  flows: FlowJson[];
}

/** The page of one Service port. */
export function ServicePage({ serviceKey: key }: { serviceKey: string }) {
  const [since, setSince] = useState<string>('1h');
  const { service, protocol } = splitKey(key);
  const loaded = useApi<ServiceView>(
    `${key} ${since}`,
    async (signal) => {
      const [services, paths, flows] = await Promise.all([
        getJson<{ services: ServiceSummaryJson[] }>('api/v1/services', {}, signal),
        getJson<ServicePathsJson>('api/v1/ui/service-paths', { service, protocol, since }, signal),
        getJson<{ flows: FlowJson[] }>(
          'api/v1/flows',
          { service, since, limit: String(RECENT_FLOWS * 2) },
          signal,
        ),
      ]);
      return {
        summary: services.services.find((s) => serviceKey(s.service, s.protocol) === key) ?? null,
        paths,
        flows: flows.flows.filter((f) => f.protocol === protocol).slice(0, RECENT_FLOWS),
      };
    },
    REFRESH_MS,
  );
  const { data, error } = loaded;
  const summary = data?.summary ?? null;
  return (
    <main id="main" tabIndex={-1}>
      <p>
        <a href="#/services">← All Services</a>
      </p>
      <h1>
        {key} {summary && <VerdictBadge verdict={summary.verdict} />}
      </h1>
      {summary && (
        <dl class="facts">
          <dt>Client IP kept</dt>
          <dd>
            {percent(summary.preservedRatio)} ({summary.keptFlows} of {summary.flows} flows since
            the collector started)
          </dd>
          <dt>SNAT on a node</dt>
          <dd>{summary.snatFlows} flows</dd>
          <dt>Lost upstream</dt>
          <dd>{summary.upstreamFlows} flows</dd>
          <dt>Policy</dt>
          <dd>externalTrafficPolicy: {summary.externalTrafficPolicy}</dd>
          <dt>Nodes with a local endpoint</dt>
          <dd>{names(summary.nodesWithLocalEndpoints)}</dd>
          <dt>Dropping (no local endpoint)</dt>
          <dd>{names(summary.nodesDroppingWithoutLocalEndpoints)}</dd>
        </dl>
      )}
      <div class="filters">
        <label for="time-range">Time range</label>
        <select
          id="time-range"
          value={since}
          onChange={(e) => {
            setSince(e.currentTarget.value);
          }}
        >
          {TIME_RANGES.map((range) => (
            <option key={range.since} value={range.since}>
              {range.label}
            </option>
          ))}
        </select>
        <a href={flowsHref({ service: splitKey(key).service })}>Search this Service’s flows</a>
      </div>
      {data === null ? (
        error ? (
          <Failure error={error} retry={loaded.reload} />
        ) : (
          <Loading what="the paths of this Service" />
        )
      ) : (
        <>
          {error && <Failure error={error} retry={loaded.reload} />}
          <h2>Path diagram</h2>
          {data.paths.flows === 0 ? (
            <Empty title="No flows in this time range">
              <p>
                Pick a longer time range, or send a request to the Service. Nodes that drop its
                traffic: {names(summary?.nodesDroppingWithoutLocalEndpoints ?? [])}.
              </p>
            </Empty>
          ) : (
            <>
              <PathDiagram
                paths={data.paths}
                droppingNodes={summary?.nodesDroppingWithoutLocalEndpoints ?? []}
              />
              {data.paths.truncated && (
                <p class="notice">
                  Counted from the {data.paths.flows} most recent flows; pick a shorter range for
                  all.
                </p>
              )}
              <SnatPoints paths={data.paths} />
            </>
          )}
          <h2>Findings</h2>
          <Findings findings={summary?.findings ?? []} showService={false} />
          <h2>Recent flows</h2>
          {data.flows.length === 0 ? (
            <p>No flows in this time range.</p>
          ) : (
            <FlowList flows={data.flows} />
          )}
        </>
      )}
    </main>
  );
}

/** Where the source was rewritten: entry node → backend, cause and the rule. */
function SnatPoints({ paths }: { paths: ServicePathsJson }) {
  const edges = paths.backendEdges.filter((e) => e.flows > 0);
  return (
    <table class="paths">
      <caption>Entry node → backend: where the source was rewritten</caption>
      <thead>
        <tr>
          <th scope="col">Entry node</th>
          <th scope="col">Backend</th>
          <th scope="col">Flows</th>
          <th scope="col">SNAT</th>
          <th scope="col">Cause</th>
          <th scope="col">Rule</th>
        </tr>
      </thead>
      <tbody>
        {edges.map((edge) => {
          const causes = Object.entries(edge.causes).filter(([cause]) => cause !== 'None');
          return (
            <tr
              key={`${edge.entryNode} ${edge.backend}`}
              data-snat={edge.snatFlows > 0 ? 'true' : 'false'}
            >
              <td>{edge.entryNode}</td>
              <td>{edge.backend}</td>
              <td>{edge.flows}</td>
              <td>{edge.snatFlows > 0 ? `${edge.snatFlows} rewritten here` : 'none'}</td>
              <td>
                {causes.length === 0
                  ? CAUSE_TEXT.None
                  : causes.map(([cause, count]) => `${cause} (${count})`).join(', ')}
              </td>
              <td>
                {edge.rules.length === 0
                  ? '-'
                  : edge.rules.map((rule) => (
                      <div key={rule.rule}>
                        {rule.table}/{rule.chain}: <code>{rule.rule}</code>
                      </div>
                    ))}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
