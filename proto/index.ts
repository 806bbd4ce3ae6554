// The one import point for the generated wire types: it also disables Long so that uint64 fields
// decode as plain numbers (protobufjs would otherwise return Long objects; see TOOLCHAIN.md).
import $protobuf from 'protobufjs/minimal.js';
import { snatscope } from './gen/snatscope.js';

$protobuf.util.Long = undefined as unknown as typeof $protobuf.util.Long;
$protobuf.configure();

export import v1 = snatscope.v1;
