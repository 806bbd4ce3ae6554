// Findings with their explanation and fix, as `snatscope services` prints them.
import { servicePort } from '../format.js';
import type { FindingJson } from '../wire.js';

/** The findings, or a line saying there are none. */
export function Findings({
  findings,
  showService,
}: {
  findings: FindingJson[];
  showService: boolean;
}) {
  if (findings.length === 0) return <p>No findings: nothing to fix.</p>;
  return (
    <ul class="findings">
      {findings.map((finding) => (
        <li
          key={`${servicePort(finding.service)} ${finding.code}`}
          class={`finding severity-${finding.severity}`}
          data-code={finding.code}
        >
          <p class="finding-head">
            <span class="badge">{finding.severity}</span> <strong>{finding.code}</strong>
            {showService && ` — ${servicePort(finding.service)}`}
            {finding.nodes.length > 0 && ` (nodes: ${finding.nodes.join(', ')})`}
          </p>
          <p>{finding.explanation}</p>
          <p class="fix">
            <strong>Fix:</strong> {finding.fix}
          </p>
        </li>
      ))}
    </ul>
  );
}
