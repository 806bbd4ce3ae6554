// Checks what an agent sends before anything of it is stored: a malformed message is refused as a
// whole (INVALID_ARGUMENT with the first reason), so a half-stored batch never exists.
import { isIP } from 'node:net';
import { v1 } from '../proto/index.js';

/** Why a message was refused: a stable code for metrics and a sentence for the agent's log. */
export interface Invalid {
  code: 'sequence' | 'node' | 'address' | 'port' | 'enum' | 'service' | 'protocol' | 'time';
  reason: string;
}

const PROTOCOLS = new Set(['tcp', 'udp', 'sctp', 'dccp', 'udplite']);
const MAX_PORT = 65535;

const invalid = (code: Invalid['code'], reason: string): Invalid => ({ code, reason });

function checkHostPort(
  value: v1.IHostPort | null | undefined,
  field: string,
  required: boolean,
): Invalid | null {
  if (!value) return required ? invalid('address', `${field} is missing`) : null;
  if (isIP(value.ip ?? '') === 0)
    return invalid('address', `${field}.ip "${value.ip ?? ''}" is not an IP address`);
  const port = value.port ?? 0;
  if (!Number.isInteger(port) || port > MAX_PORT)
    return invalid('port', `${field}.port ${port} is out of range`);
  return null;
}

function checkService(service: v1.IServicePortName | null | undefined): Invalid | null {
  if (!service?.namespace || !service.name)
    return invalid('service', 'service namespace/name is missing');
  return null;
}

function checkProtocol(protocol: string | null | undefined): Invalid | null {
  return PROTOCOLS.has(protocol ?? '')
    ? null
    : invalid('protocol', `protocol "${protocol ?? ''}" is not one kube-proxy serves`);
}

/** The first problem of one flow record sent by `node`, or null when it is well formed. */
export function checkFlowRecord(record: v1.IFlowRecord, node: string): Invalid | null {
  const { Kind, EntryKind, Cause } = v1.FlowRecord;
  if (record.node !== node)
    return invalid('node', `record node "${record.node ?? ''}" is not the stream's node "${node}"`);
  const kind = record.kind ?? Kind.flow;
  if (!(kind in Kind)) return invalid('enum', `kind ${kind} is unknown`);
  if (!((record.cause ?? 0) in Cause) || !((record.entryKind ?? 0) in EntryKind)) {
    return invalid('enum', 'cause or entryKind is unknown');
  }
  const observedAt = record.observedAt ?? 0;
  if (!Number.isFinite(observedAt) || observedAt <= 0)
    return invalid('time', `observedAt ${observedAt} is not a time`);
  const entrySide = kind === Kind.flow;
  if (record.closed === true) {
    // The end of a flow carries only its identity (the agent keeps no more per open flow).
    return (
      checkProtocol(record.protocol) ??
      checkHostPort(
        entrySide ? record.client : record.observedSource,
        entrySide ? 'client' : 'observedSource',
        true,
      ) ??
      checkHostPort(
        entrySide ? record.entry : record.backend,
        entrySide ? 'entry' : 'backend',
        true,
      )
    );
  }
  return (
    checkProtocol(record.protocol) ??
    checkService(record.service) ??
    checkHostPort(record.client, 'client', entrySide) ??
    checkHostPort(record.entry, 'entry', entrySide) ??
    checkHostPort(record.backend, 'backend', true) ??
    checkHostPort(record.observedSource, 'observedSource', true)
  );
}

/** The first problem of a service state sent by `node`, or null. */
export function checkServiceState(state: v1.IServiceState, node: string): Invalid | null {
  if (state.node !== node)
    return invalid(
      'node',
      `service state node "${state.node ?? ''}" is not the stream's node "${node}"`,
    );
  return checkProtocol(state.protocol) ?? checkService(state.service);
}

/**
 * The first problem of a batch or snapshot: its sequence must follow the agent's previous one
 * (replays after a reconnect repeat old numbers; those are duplicates, not errors).
 */
export function checkMessage(
  sequence: number,
  items: { records?: v1.IFlowRecord[]; services?: v1.IServiceState[] },
  node: string,
): Invalid | null {
  if (!Number.isSafeInteger(sequence) || sequence <= 0)
    return invalid('sequence', `sequence ${sequence} is not a positive integer`);
  for (const [index, record] of (items.records ?? []).entries()) {
    const problem = checkFlowRecord(record, node);
    if (problem) return { code: problem.code, reason: `record ${index}: ${problem.reason}` };
  }
  for (const [index, state] of (items.services ?? []).entries()) {
    const problem = checkServiceState(state, node);
    if (problem) return { code: problem.code, reason: `service ${index}: ${problem.reason}` };
  }
  return null;
}
