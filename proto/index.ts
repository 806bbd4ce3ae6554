// The one import point for the generated wire types: it also disables Long so that uint64 fields
// decode as plain numbers (protobufjs would otherwise return Long objects; see TOOLCHAIN.md).
import $protobuf from 'protobufjs/minimal.js';
import { snatscope } from './gen/snatscope.js';

$protobuf.util.Long = undefined as unknown as typeof $protobuf.util.Long;
$protobuf.configure();

export import v1 = snatscope.v1;

// The generated classes set uint64 defaults when they load, before Long is disabled above, so an
// absent (zero) sequence would still decode as Long(0). Reset those defaults to plain numbers.
for (const type of [v1.RecordBatch, v1.ServiceSnapshot, v1.Ack, v1.Rejection]) {
  (type.prototype as { sequence: number }).sequence = 0;
}
