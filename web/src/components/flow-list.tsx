// Flows as a list whose items open to the connection's path: client → entry node → SNAT (or not)
// → backend, and what the backend saw (its socket's view when the tracer recorded it).
import { CAUSE_TEXT, hostPort, servicePort, time } from '../format.js';
import type { FlowJson } from '../wire.js';
import { CauseBadge } from './verdict.js';

/** The path of one flow, step by step. */
export function FlowPath({ flow }: { flow: FlowJson }) {
  const entryNode = flow.entryNode ?? flow.node;
  const rewritten = flow.snat === true;
  const pod = flow.backendPod ? `${flow.backendPod.namespace}/${flow.backendPod.name}` : null;
  return (
    <ol class="flow-path" aria-label="Path of this connection">
      <li class="step" data-step="client">
        <span class="step-name">Client</span> {hostPort(flow.client)}
        {flow.clientNode !== null && ` (node ${flow.clientNode})`}
      </li>
      <li class="step" data-step="entry">
        <span class="step-name">Entry node</span> {entryNode} via {flow.entryKind ?? '?'}{' '}
        {hostPort(flow.entry)} ({flow.externalTrafficPolicy} policy, {flow.proxyMode})
      </li>
      <li
        class={`step ${rewritten ? 'snat' : 'kept'}`}
        data-step="snat"
        data-cause={flow.cause ?? ''}
      >
        <span class="step-name">{rewritten ? `SNAT on ${entryNode}` : 'No SNAT'}</span>{' '}
        {CAUSE_TEXT[flow.cause ?? 'None'] ?? flow.cause}
        {flow.snatRule && (
          <span class="rule">
            {' '}
            rule in {flow.snatRule.table}/{flow.snatRule.chain}: <code>{flow.snatRule.rule}</code>
          </span>
        )}
      </li>
      <li class="step" data-step="backend">
        <span class="step-name">Backend</span> {pod ?? 'pod'} {hostPort(flow.backend)}
        {flow.backendNode !== null
          ? ` on node ${flow.backendNode}`
          : ' (backend node not stitched yet)'}
      </li>
      <li class={`step ${rewritten ? 'snat' : 'kept'}`} data-step="observed">
        <span class="step-name">Backend saw</span> {hostPort(flow.observedSource)}{' '}
        {rewritten ? '— not the client' : '— the client'}
        <br />
        <span class="step-name">Socket observed</span>{' '}
        {flow.socketObserved
          ? hostPort(flow.socketObserved)
          : 'not recorded (no socket tracer on the backend’s node; conntrack’s reply tuple above)'}
      </li>
    </ol>
  );
}

/** Flows, newest first; each opens to its path. */
export function FlowList({ flows }: { flows: FlowJson[] }) {
  return (
    <ul class="flow-list">
      {flows.map((flow) => (
        <li
          key={`${flow.node} ${hostPort(flow.client)} ${flow.observedAt} ${hostPort(flow.backend)}`}
          data-service={servicePort(flow.service)}
          data-entry-node={flow.entryNode ?? flow.node}
          data-entry-kind={flow.entryKind ?? ''}
          data-cause={flow.cause ?? ''}
        >
          <details class="flow">
            <summary>
              <CauseBadge cause={flow.cause} snat={flow.snat} />{' '}
              <span class="flow-client">{hostPort(flow.client)}</span> → {servicePort(flow.service)}
              /{flow.protocol} via {flow.entryNode ?? flow.node} → {hostPort(flow.backend)} ·
              backend saw {hostPort(flow.observedSource)} · <time>{time(flow.observedAt)}</time>
            </summary>
            <FlowPath flow={flow} />
          </details>
        </li>
      ))}
    </ul>
  );
}
