// The verdict of a Service port and the cause of a flow, as small labelled badges.
import { CAUSE_TEXT } from '../format.js';

const VERDICT_TEXT: Record<string, string> = {
  preserved: 'backends see client IPs',
  partial: 'some flows lose the client IP',
  lost: 'backends never see client IPs',
  'no-traffic': 'no traffic yet',
};

/** "lost", "partial", "preserved" or "no-traffic", with its meaning as a tooltip. */
export function VerdictBadge({ verdict }: { verdict: string }) {
  return (
    <span class={`badge verdict-${verdict}`} title={VERDICT_TEXT[verdict] ?? verdict}>
      {verdict}
    </span>
  );
}

/** Whether a flow kept its client IP, and the cause when not. */
export function CauseBadge({ cause, snat }: { cause: string | null; snat: boolean | null }) {
  const kept = snat !== true && (cause === null || cause === 'None');
  return (
    <span
      class={`badge ${kept ? 'verdict-preserved' : 'verdict-lost'}`}
      title={CAUSE_TEXT[cause ?? 'None'] ?? cause ?? ''}
    >
      {kept ? 'kept' : `SNAT: ${cause ?? '?'}`}
    </span>
  );
}
