// The configuration of an in-process collector on loopback ports (any free port), plaintext and
// without authentication: for tests and benchmarks that drive the Collector class directly.
import type { CollectorConfig } from '../../collector/collector.js';

/** A loopback collector storing in `dbPath`; `overrides` replace any field. */
export function loopbackCollectorConfig(
  dbPath: string,
  overrides: Partial<CollectorConfig> = {},
): CollectorConfig {
  return {
    grpcListen: { host: '127.0.0.1', port: 0 },
    httpListen: { host: '127.0.0.1', port: 0 },
    metricsListen: null,
    api: { tokenFile: null, tls: null, maxConcurrent: 8 },
    dbPath,
    retentionMs: 7 * 86_400_000,
    upstreamCidrs: [],
    security: { insecure: true },
    tokenFile: null,
    tokenReview: null,
    credentialsPollMs: 5000,
    ...overrides,
  };
}
