// Renders a rule parsed from `nft -j` back into the text `nft list` prints for it, so that records
// can quote an nftables rule the way an operator sees it. Covers the expressions and statements
// kube-proxy and the usual CNI tables use; anything else is written as its JSON, never dropped.
import {
  isObject,
  type NftJson,
  type NftRule,
  type NftStatement,
  type NftVerdict,
} from './nft-json.js';

/** `nft list` text of one rule (its statements, then its comment). */
export function nftRuleText(rule: NftRule): string {
  const parts = rule.statements.map(statementText);
  if (rule.comment !== null) parts.push(`comment ${JSON.stringify(rule.comment)}`);
  return parts.join(' ');
}

function statementText(statement: NftStatement): string {
  switch (statement.kind) {
    case 'match': {
      const hex = usesMark(statement.left);
      const left = expressionText(statement.left, hex);
      const right = valueText(statement.right, statement.left, hex);
      // nft leaves out the implicit `==` (and `in` for flag sets such as `ct state new`), but
      // writes it after a bitwise expression (`meta mark & 0x00004000 == 0x00000000`).
      const implicit =
        statement.op === 'in' || (statement.op === '==' && !isBinary(statement.left));
      const op = implicit ? '' : `${statement.op} `;
      return `${left} ${op}${right}`;
    }
    case 'verdict':
      return verdictText(statement.verdict);
    case 'vmap': {
      const key = expressionText(statement.key, false);
      if (statement.map !== null) return `${key} vmap @${statement.map}`;
      const entries = statement.entries.map(
        (e) =>
          `${expressionText(e.key, false)} : ${e.verdict ? verdictText(e.verdict) : expressionText(e.value, false)}`,
      );
      return `${key} vmap { ${entries.join(', ')} }`;
    }
    case 'mangle': {
      const hex = usesMark(statement.key);
      return `${expressionText(statement.key, hex)} set ${expressionText(statement.value, hex)}`;
    }
    case 'nat': {
      let text = statement.type;
      if (statement.addr !== null) {
        const family = statement.family === null ? '' : ` ${statement.family}`;
        const addr =
          statement.port !== null && statement.addr.includes(':')
            ? `[${statement.addr}]`
            : statement.addr;
        text += `${family} to ${addr}${statement.port === null ? '' : `:${statement.port}`}`;
      } else if (statement.port !== null) {
        text += ` to :${statement.port}`;
      }
      if (statement.flags.length > 0) text += ` ${statement.flags.join(',')}`;
      return text;
    }
    case 'counter':
      return statement.counters === null
        ? 'counter'
        : `counter packets ${statement.counters.packets} bytes ${statement.counters.bytes}`;
    case 'reject':
      // `reject` alone is icmp port-unreachable, which nft prints without options.
      if (
        statement.type === null ||
        (statement.type === 'icmp' && statement.expr === 'port-unreachable')
      ) {
        return 'reject';
      }
      return `reject with ${statement.type}${statement.expr === null ? '' : ` ${statement.expr}`}`;
    case 'other':
      return otherText(statement.name, statement.body);
  }
}

function verdictText(verdict: NftVerdict): string {
  return verdict.target === null ? verdict.kind : `${verdict.kind} ${verdict.target}`;
}

function otherText(name: string, body: NftJson): string {
  if (name === 'set' && isObject(body) && typeof body.set === 'string') {
    // `update @set { ip saddr }`
    const op = typeof body.op === 'string' ? body.op : 'add';
    return `${op} ${body.set} { ${expressionText(body.elem ?? null, false)} }`;
  }
  if (name === 'log' && (body === null || isObject(body))) {
    const prefix =
      isObject(body) && typeof body.prefix === 'string'
        ? ` prefix ${JSON.stringify(body.prefix)}`
        : '';
    return `log${prefix}`;
  }
  if (name === 'notrack' || name === 'continue') return name;
  return `${name} ${JSON.stringify(body)}`;
}

/** True when an expression reads a mark: nft prints the numbers next to it in hex. */
function usesMark(value: NftJson): boolean {
  if (!isObject(value)) return false;
  for (const [key, body] of Object.entries(value)) {
    if ((key === 'meta' || key === 'ct') && isObject(body) && body.key === 'mark') return true;
    if (Array.isArray(body) && body.some(usesMark)) return true;
  }
  return false;
}

/** The right-hand side of a match: strings compared with interface names are quoted. */
function valueText(value: NftJson, left: NftJson, hex: boolean): string {
  if (typeof value === 'string' && isObject(left) && isObject(left.meta)) {
    const key = left.meta.key;
    if (key === 'iifname' || key === 'oifname') return JSON.stringify(value);
  }
  return expressionText(value, hex);
}

const UNQUALIFIED_META: ReadonlySet<string> = new Set([
  'iif',
  'oif',
  'iifname',
  'oifname',
  'iifgroup',
  'oifgroup',
]);

const BINARY_OPERATORS = ['&', '|', '^', '<<', '>>'];

function isBinary(value: NftJson): boolean {
  return isObject(value) && BINARY_OPERATORS.some((op) => op in value);
}

/** A nested expression, written as nft does. */
function text(value: NftJson | undefined): string {
  return expressionText(value ?? null, false);
}

function expressionText(value: NftJson, hex: boolean): string {
  if (typeof value === 'number')
    return hex ? `0x${value.toString(16).padStart(8, '0')}` : String(value);
  if (typeof value === 'string' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.map((v) => expressionText(v, hex)).join(', ');
  const [key, body] = Object.entries(value)[0] ?? ['', null];
  if (BINARY_OPERATORS.includes(key) && Array.isArray(body) && body.length === 2) {
    return `${expressionText(body[0] ?? null, hex)} ${key} ${expressionText(body[1] ?? null, hex)}`;
  }
  if (!isObject(body)) {
    if (key === 'concat' && Array.isArray(body))
      return body.map((v) => expressionText(v, hex)).join(' . ');
    if (key === 'set' && Array.isArray(body))
      return `{ ${body.map((v) => setElementText(v, hex)).join(', ')} }`;
    if (key === 'range' && Array.isArray(body))
      return body.map((v) => expressionText(v, hex)).join('-');
    return JSON.stringify(value);
  }
  switch (key) {
    case 'payload':
      return `${text(body.protocol)} ${text(body.field)}`;
    case 'meta':
      return UNQUALIFIED_META.has(text(body.key)) ? text(body.key) : `meta ${text(body.key)}`;
    case 'ct': {
      const dir = typeof body.dir === 'string' ? `${body.dir} ` : '';
      return `ct ${dir}${text(body.key)}`;
    }
    case 'fib': {
      const flags = Array.isArray(body.flags)
        ? body.flags.map((flag) => text(flag))
        : [text(body.flags)];
      return `fib ${flags.join(' . ')} ${text(body.result)}`;
    }
    case 'prefix':
      return `${text(body.addr)}/${text(body.len)}`;
    case 'numgen': {
      const offset =
        typeof body.offset === 'number' && body.offset !== 0 ? ` offset ${body.offset}` : '';
      return `numgen ${text(body.mode)} mod ${text(body.mod)}${offset}`;
    }
    default:
      return JSON.stringify(value);
  }
}

function setElementText(value: NftJson, hex: boolean): string {
  if (Array.isArray(value) && value.length === 2) {
    return `${expressionText(value[0] ?? null, hex)} : ${expressionText(value[1] ?? null, hex)}`;
  }
  return expressionText(value, hex);
}
