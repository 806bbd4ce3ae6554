// The agent's self-metrics (prom-client), defined in one place. Never a client IP as a label.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Every metric the agent exports. */
export class AgentMetrics {
  readonly registry = new Registry();
  readonly pollDuration = new Histogram({
    name: 'snatscope_agent_poll_duration_seconds',
    help: 'Time of one poll: read rules and conntrack, parse, classify.',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly conntrackEntries = new Gauge({
    name: 'snatscope_agent_conntrack_entries',
    help: 'Conntrack lines read in the last poll, per family.',
    labelNames: ['family'],
    registers: [this.registry],
  });
  readonly servicePorts = new Gauge({
    name: 'snatscope_agent_service_ports',
    help: 'Service ports in the kube-proxy model of the last poll.',
    registers: [this.registry],
  });
  readonly trackedFlows = new Gauge({
    name: 'snatscope_agent_tracked_flows',
    help: 'Entry and backend flows currently open.',
    registers: [this.registry],
  });
  readonly recordsEmitted = new Counter({
    name: 'snatscope_agent_records_emitted_total',
    help: 'Records emitted, by kind (flow, backend, service) and phase (open, closed).',
    labelNames: ['kind', 'phase'],
    registers: [this.registry],
  });
  readonly parseErrors = new Counter({
    name: 'snatscope_agent_parse_errors_total',
    help: 'Input lines or documents that could not be parsed, by source.',
    labelNames: ['source'],
    registers: [this.registry],
  });
  readonly toolFailures = new Counter({
    name: 'snatscope_agent_tool_failures_total',
    help: 'Failed tool runs, by tool and failure (missing, timeout, exit, output-cap, signal).',
    labelNames: ['tool', 'failure'],
    registers: [this.registry],
  });
  readonly lostEvents = new Counter({
    name: 'snatscope_agent_lost_events_total',
    help: 'conntrack -E reports of lost events (ENOBUFS); polling still sees those flows.',
    registers: [this.registry],
  });
  readonly polls = new Counter({
    name: 'snatscope_agent_polls_total',
    help: 'Polls run, by trigger (timer, event).',
    labelNames: ['trigger'],
    registers: [this.registry],
  });
}
