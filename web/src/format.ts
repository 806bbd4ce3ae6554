// How the page writes addresses, Services, shares and times (as `snatscope flows|services` do).
import type { HostPortJson, ServicePortJson } from './wire.js';

/** "ip:port", with brackets around an IPv6 address; "-" when unknown. */
export function hostPort(value: HostPortJson | null | undefined): string {
  if (!value) return '-';
  return value.ip.includes(':') ? `[${value.ip}]:${value.port}` : `${value.ip}:${value.port}`;
}

/** "namespace/name:port" (the API's service filter), ":port" left out for an unnamed port. */
export function servicePort(service: ServicePortJson | null | undefined): string {
  if (!service) return '-';
  const base = `${service.namespace}/${service.name}`;
  return service.port === '' ? base : `${base}:${service.port}`;
}

/** "namespace/name:port/protocol": one Service port, as the page's links name it. */
export function serviceKey(service: ServicePortJson, protocol: string): string {
  return `${servicePort(service)}/${protocol}`;
}

/** A ratio as a percentage with one decimal; "-" without flows. */
export function percent(ratio: number | null | undefined): string {
  return typeof ratio === 'number' ? `${(ratio * 100).toFixed(1)}%` : '-';
}

/** Epoch seconds as local date and time. */
export function time(seconds: number): string {
  return seconds > 0 ? new Date(seconds * 1000).toLocaleString() : '-';
}

/** A list of names, or "none". */
export function names(list: readonly string[]): string {
  return list.length > 0 ? list.join(', ') : 'none';
}

/** The time ranges the pages offer, as the API's `since` durations. */
export const TIME_RANGES = [
  { since: '15m', label: 'last 15 minutes' },
  { since: '1h', label: 'last hour' },
  { since: '6h', label: 'last 6 hours' },
  { since: '24h', label: 'last 24 hours' },
  { since: '7d', label: 'last 7 days' },
] as const;

/** What each cause means, in the words of a person reading the page. */
export const CAUSE_TEXT: Record<string, string> = {
  None: 'kept: the backend saw the client',
  ClusterPolicyMasquerade:
    'kube-proxy masqueraded it (externalTrafficPolicy: Cluster) — the backend saw the node',
  LocalOrigin: 'the client was the node itself (kube-proxy masquerades local traffic)',
  Hairpin: 'the client was the backend itself (hairpin)',
  OtherSnat: 'a rule outside kube-proxy rewrote the source (CNI or hand-written MASQUERADE)',
  ClientIpLostUpstream: 'a load balancer or proxy in front of the nodes had already replaced it',
};
