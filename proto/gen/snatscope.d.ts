import * as $protobuf from "protobufjs";
import Long = require("long");

export namespace snatscope {

    namespace v1 {

        interface IHostPort extends snatscope.v1.HostPort.$Properties {
        }

        class HostPort {
            constructor(p?: snatscope.v1.HostPort.$Properties);
            $unknowns?: Uint8Array[];
            ip: string;
            port: number;
            static create(properties: snatscope.v1.HostPort.$Shape): snatscope.v1.HostPort & snatscope.v1.HostPort.$Shape;
            static create(properties?: snatscope.v1.HostPort.$Properties): snatscope.v1.HostPort;
            static encode(m: snatscope.v1.HostPort.$Properties, w?: $protobuf.Writer): $protobuf.Writer;
            static encodeDelimited(message: snatscope.v1.HostPort.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): snatscope.v1.HostPort & snatscope.v1.HostPort.$Shape;
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): snatscope.v1.HostPort & snatscope.v1.HostPort.$Shape;
            static verify(m: { [k: string]: any }): (string|null);
            static fromObject(d: { [k: string]: any }): snatscope.v1.HostPort;
            static toObject(m: snatscope.v1.HostPort, o?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
            static getTypeUrl(prefix?: string): string;
        }

        namespace HostPort {
            interface $Properties {
                ip?: (string|null);
                port?: (number|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = snatscope.v1.HostPort.$Properties;
        }

        interface IServicePortName extends snatscope.v1.ServicePortName.$Properties {
        }

        class ServicePortName {
            constructor(p?: snatscope.v1.ServicePortName.$Properties);
            $unknowns?: Uint8Array[];
            namespace: string;
            name: string;
            port: string;
            static create(properties: snatscope.v1.ServicePortName.$Shape): snatscope.v1.ServicePortName & snatscope.v1.ServicePortName.$Shape;
            static create(properties?: snatscope.v1.ServicePortName.$Properties): snatscope.v1.ServicePortName;
            static encode(m: snatscope.v1.ServicePortName.$Properties, w?: $protobuf.Writer): $protobuf.Writer;
            static encodeDelimited(message: snatscope.v1.ServicePortName.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): snatscope.v1.ServicePortName & snatscope.v1.ServicePortName.$Shape;
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): snatscope.v1.ServicePortName & snatscope.v1.ServicePortName.$Shape;
            static verify(m: { [k: string]: any }): (string|null);
            static fromObject(d: { [k: string]: any }): snatscope.v1.ServicePortName;
            static toObject(m: snatscope.v1.ServicePortName, o?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
            static getTypeUrl(prefix?: string): string;
        }

        namespace ServicePortName {
            interface $Properties {
                namespace?: (string|null);
                name?: (string|null);
                port?: (string|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = snatscope.v1.ServicePortName.$Properties;
        }

        interface IRuleRef extends snatscope.v1.RuleRef.$Properties {
        }

        class RuleRef {
            constructor(p?: snatscope.v1.RuleRef.$Properties);
            $unknowns?: Uint8Array[];
            table: string;
            chain: string;
            rule: string;
            static create(properties: snatscope.v1.RuleRef.$Shape): snatscope.v1.RuleRef & snatscope.v1.RuleRef.$Shape;
            static create(properties?: snatscope.v1.RuleRef.$Properties): snatscope.v1.RuleRef;
            static encode(m: snatscope.v1.RuleRef.$Properties, w?: $protobuf.Writer): $protobuf.Writer;
            static encodeDelimited(message: snatscope.v1.RuleRef.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): snatscope.v1.RuleRef & snatscope.v1.RuleRef.$Shape;
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): snatscope.v1.RuleRef & snatscope.v1.RuleRef.$Shape;
            static verify(m: { [k: string]: any }): (string|null);
            static fromObject(d: { [k: string]: any }): snatscope.v1.RuleRef;
            static toObject(m: snatscope.v1.RuleRef, o?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
            static getTypeUrl(prefix?: string): string;
        }

        namespace RuleRef {
            interface $Properties {
                table?: (string|null);
                chain?: (string|null);
                rule?: (string|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = snatscope.v1.RuleRef.$Properties;
        }

        interface IObjectRef extends snatscope.v1.ObjectRef.$Properties {
        }

        class ObjectRef {
            constructor(p?: snatscope.v1.ObjectRef.$Properties);
            $unknowns?: Uint8Array[];
            namespace: string;
            name: string;
            static create(properties: snatscope.v1.ObjectRef.$Shape): snatscope.v1.ObjectRef & snatscope.v1.ObjectRef.$Shape;
            static create(properties?: snatscope.v1.ObjectRef.$Properties): snatscope.v1.ObjectRef;
            static encode(m: snatscope.v1.ObjectRef.$Properties, w?: $protobuf.Writer): $protobuf.Writer;
            static encodeDelimited(message: snatscope.v1.ObjectRef.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): snatscope.v1.ObjectRef & snatscope.v1.ObjectRef.$Shape;
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): snatscope.v1.ObjectRef & snatscope.v1.ObjectRef.$Shape;
            static verify(m: { [k: string]: any }): (string|null);
            static fromObject(d: { [k: string]: any }): snatscope.v1.ObjectRef;
            static toObject(m: snatscope.v1.ObjectRef, o?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
            static getTypeUrl(prefix?: string): string;
        }

        namespace ObjectRef {
            interface $Properties {
                namespace?: (string|null);
                name?: (string|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = snatscope.v1.ObjectRef.$Properties;
        }

        interface ICounters extends snatscope.v1.Counters.$Properties {
        }

        class Counters {
            constructor(p?: snatscope.v1.Counters.$Properties);
            $unknowns?: Uint8Array[];
            packets: number;
            bytes: number;
            static create(properties: snatscope.v1.Counters.$Shape): snatscope.v1.Counters & snatscope.v1.Counters.$Shape;
            static create(properties?: snatscope.v1.Counters.$Properties): snatscope.v1.Counters;
            static encode(m: snatscope.v1.Counters.$Properties, w?: $protobuf.Writer): $protobuf.Writer;
            static encodeDelimited(message: snatscope.v1.Counters.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): snatscope.v1.Counters & snatscope.v1.Counters.$Shape;
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): snatscope.v1.Counters & snatscope.v1.Counters.$Shape;
            static verify(m: { [k: string]: any }): (string|null);
            static fromObject(d: { [k: string]: any }): snatscope.v1.Counters;
            static toObject(m: snatscope.v1.Counters, o?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
            static getTypeUrl(prefix?: string): string;
        }

        namespace Counters {
            interface $Properties {
                packets?: (number|null);
                bytes?: (number|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = snatscope.v1.Counters.$Properties;
        }

        enum ProxyMode {
            iptables = 0,
            ipvs = 1,
            nftables = 2
        }

        enum TrafficPolicy {
            Cluster = 0,
            Local = 1
        }

        interface IFlowRecord extends snatscope.v1.FlowRecord.$Properties {
        }

        class FlowRecord {
            constructor(p?: snatscope.v1.FlowRecord.$Properties);
            $unknowns?: Uint8Array[];
            kind: snatscope.v1.FlowRecord.Kind;
            node: string;
            protocol: string;
            client?: (snatscope.v1.HostPort.$Properties|null);
            entry?: (snatscope.v1.HostPort.$Properties|null);
            entryKind: snatscope.v1.FlowRecord.EntryKind;
            backend?: (snatscope.v1.HostPort.$Properties|null);
            observedSource?: (snatscope.v1.HostPort.$Properties|null);
            snat: boolean;
            cause: snatscope.v1.FlowRecord.Cause;
            service?: (snatscope.v1.ServicePortName.$Properties|null);
            externalTrafficPolicy: snatscope.v1.TrafficPolicy;
            proxyMode: snatscope.v1.ProxyMode;
            endpointLocal?: (boolean|null);
            state: string;
            conntrackId: number;
            observedAt: number;
            closed: boolean;
            originalCounters?: (snatscope.v1.Counters.$Properties|null);
            replyCounters?: (snatscope.v1.Counters.$Properties|null);
            zone: number;
            mark: number;
            entryNode?: (string|null);
            backendNode?: (string|null);
            snatRule?: (snatscope.v1.RuleRef.$Properties|null);
            backendPod?: (snatscope.v1.ObjectRef.$Properties|null);
            clientNode?: (string|null);
            socketObserved?: (snatscope.v1.HostPort.$Properties|null);
            sampleRate: number;
            incarnation: number;
            static create(properties: snatscope.v1.FlowRecord.$Shape): snatscope.v1.FlowRecord & snatscope.v1.FlowRecord.$Shape;
            static create(properties?: snatscope.v1.FlowRecord.$Properties): snatscope.v1.FlowRecord;
            static encode(m: snatscope.v1.FlowRecord.$Properties, w?: $protobuf.Writer): $protobuf.Writer;
            static encodeDelimited(message: snatscope.v1.FlowRecord.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): snatscope.v1.FlowRecord & snatscope.v1.FlowRecord.$Shape;
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): snatscope.v1.FlowRecord & snatscope.v1.FlowRecord.$Shape;
            static verify(m: { [k: string]: any }): (string|null);
            static fromObject(d: { [k: string]: any }): snatscope.v1.FlowRecord;
            static toObject(m: snatscope.v1.FlowRecord, o?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
            static getTypeUrl(prefix?: string): string;
        }

        namespace FlowRecord {
            interface $Properties {
                kind?: (snatscope.v1.FlowRecord.Kind|null);
                node?: (string|null);
                protocol?: (string|null);
                client?: (snatscope.v1.HostPort.$Properties|null);
                entry?: (snatscope.v1.HostPort.$Properties|null);
                entryKind?: (snatscope.v1.FlowRecord.EntryKind|null);
                backend?: (snatscope.v1.HostPort.$Properties|null);
                observedSource?: (snatscope.v1.HostPort.$Properties|null);
                snat?: (boolean|null);
                cause?: (snatscope.v1.FlowRecord.Cause|null);
                service?: (snatscope.v1.ServicePortName.$Properties|null);
                externalTrafficPolicy?: (snatscope.v1.TrafficPolicy|null);
                proxyMode?: (snatscope.v1.ProxyMode|null);
                endpointLocal?: (boolean|null);
                state?: (string|null);
                conntrackId?: (number|null);
                observedAt?: (number|null);
                closed?: (boolean|null);
                originalCounters?: (snatscope.v1.Counters.$Properties|null);
                replyCounters?: (snatscope.v1.Counters.$Properties|null);
                zone?: (number|null);
                mark?: (number|null);
                entryNode?: (string|null);
                backendNode?: (string|null);
                snatRule?: (snatscope.v1.RuleRef.$Properties|null);
                backendPod?: (snatscope.v1.ObjectRef.$Properties|null);
                clientNode?: (string|null);
                socketObserved?: (snatscope.v1.HostPort.$Properties|null);
                sampleRate?: (number|null);
                incarnation?: (number|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = snatscope.v1.FlowRecord.$Properties;

            enum Kind {
                flow = 0,
                backend = 1
            }

            enum EntryKind {
                NodePort = 0,
                LoadBalancer = 1,
                ExternalIP = 2
            }

            enum Cause {
                None = 0,
                ClusterPolicyMasquerade = 1,
                LocalOrigin = 2,
                Hairpin = 3,
                OtherSnat = 4
            }
        }

        interface IServiceEndpoint extends snatscope.v1.ServiceEndpoint.$Properties {
        }

        class ServiceEndpoint {
            constructor(p?: snatscope.v1.ServiceEndpoint.$Properties);
            $unknowns?: Uint8Array[];
            ip: string;
            port: number;
            local?: (boolean|null);
            static create(properties: snatscope.v1.ServiceEndpoint.$Shape): snatscope.v1.ServiceEndpoint & snatscope.v1.ServiceEndpoint.$Shape;
            static create(properties?: snatscope.v1.ServiceEndpoint.$Properties): snatscope.v1.ServiceEndpoint;
            static encode(m: snatscope.v1.ServiceEndpoint.$Properties, w?: $protobuf.Writer): $protobuf.Writer;
            static encodeDelimited(message: snatscope.v1.ServiceEndpoint.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): snatscope.v1.ServiceEndpoint & snatscope.v1.ServiceEndpoint.$Shape;
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): snatscope.v1.ServiceEndpoint & snatscope.v1.ServiceEndpoint.$Shape;
            static verify(m: { [k: string]: any }): (string|null);
            static fromObject(d: { [k: string]: any }): snatscope.v1.ServiceEndpoint;
            static toObject(m: snatscope.v1.ServiceEndpoint, o?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
            static getTypeUrl(prefix?: string): string;
        }

        namespace ServiceEndpoint {
            interface $Properties {
                ip?: (string|null);
                port?: (number|null);
                local?: (boolean|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = snatscope.v1.ServiceEndpoint.$Properties;
        }

        interface IServiceState extends snatscope.v1.ServiceState.$Properties {
        }

        class ServiceState {
            constructor(p?: snatscope.v1.ServiceState.$Properties);
            $unknowns?: Uint8Array[];
            node: string;
            service?: (snatscope.v1.ServicePortName.$Properties|null);
            protocol: string;
            nodePort?: (number|null);
            loadBalancerIPs: string[];
            externalIPs: string[];
            externalTrafficPolicy: snatscope.v1.TrafficPolicy;
            healthCheckNodePort?: (number|null);
            endpoints: snatscope.v1.ServiceEndpoint.$Properties[];
            localEndpoints: number;
            noLocalEndpointDrops?: (snatscope.v1.Counters.$Properties|null);
            clusterIPs: string[];
            proxyMode: snatscope.v1.ProxyMode;
            port: number;
            forwardsWithoutLocalEndpoints: boolean;
            static create(properties: snatscope.v1.ServiceState.$Shape): snatscope.v1.ServiceState & snatscope.v1.ServiceState.$Shape;
            static create(properties?: snatscope.v1.ServiceState.$Properties): snatscope.v1.ServiceState;
            static encode(m: snatscope.v1.ServiceState.$Properties, w?: $protobuf.Writer): $protobuf.Writer;
            static encodeDelimited(message: snatscope.v1.ServiceState.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): snatscope.v1.ServiceState & snatscope.v1.ServiceState.$Shape;
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): snatscope.v1.ServiceState & snatscope.v1.ServiceState.$Shape;
            static verify(m: { [k: string]: any }): (string|null);
            static fromObject(d: { [k: string]: any }): snatscope.v1.ServiceState;
            static toObject(m: snatscope.v1.ServiceState, o?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
            static getTypeUrl(prefix?: string): string;
        }

        namespace ServiceState {
            interface $Properties {
                node?: (string|null);
                service?: (snatscope.v1.ServicePortName.$Properties|null);
                protocol?: (string|null);
                nodePort?: (number|null);
                loadBalancerIPs?: (string[]|null);
                externalIPs?: (string[]|null);
                externalTrafficPolicy?: (snatscope.v1.TrafficPolicy|null);
                healthCheckNodePort?: (number|null);
                endpoints?: (snatscope.v1.ServiceEndpoint.$Properties[]|null);
                localEndpoints?: (number|null);
                noLocalEndpointDrops?: (snatscope.v1.Counters.$Properties|null);
                clusterIPs?: (string[]|null);
                proxyMode?: (snatscope.v1.ProxyMode|null);
                port?: (number|null);
                forwardsWithoutLocalEndpoints?: (boolean|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = snatscope.v1.ServiceState.$Properties;
        }

        interface INodeReport extends snatscope.v1.NodeReport.$Properties {
        }

        class NodeReport {
            constructor(p?: snatscope.v1.NodeReport.$Properties);
            $unknowns?: Uint8Array[];
            node: string;
            proxyMode: snatscope.v1.ProxyMode;
            addresses: string[];
            podCidrs: string[];
            masqueradeMark: string;
            services: snatscope.v1.ServiceState.$Properties[];
            flows: snatscope.v1.FlowRecord.$Properties[];
            observedAt: number;
            static create(properties: snatscope.v1.NodeReport.$Shape): snatscope.v1.NodeReport & snatscope.v1.NodeReport.$Shape;
            static create(properties?: snatscope.v1.NodeReport.$Properties): snatscope.v1.NodeReport;
            static encode(m: snatscope.v1.NodeReport.$Properties, w?: $protobuf.Writer): $protobuf.Writer;
            static encodeDelimited(message: snatscope.v1.NodeReport.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): snatscope.v1.NodeReport & snatscope.v1.NodeReport.$Shape;
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): snatscope.v1.NodeReport & snatscope.v1.NodeReport.$Shape;
            static verify(m: { [k: string]: any }): (string|null);
            static fromObject(d: { [k: string]: any }): snatscope.v1.NodeReport;
            static toObject(m: snatscope.v1.NodeReport, o?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
            static getTypeUrl(prefix?: string): string;
        }

        namespace NodeReport {
            interface $Properties {
                node?: (string|null);
                proxyMode?: (snatscope.v1.ProxyMode|null);
                addresses?: (string[]|null);
                podCidrs?: (string[]|null);
                masqueradeMark?: (string|null);
                services?: (snatscope.v1.ServiceState.$Properties[]|null);
                flows?: (snatscope.v1.FlowRecord.$Properties[]|null);
                observedAt?: (number|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = snatscope.v1.NodeReport.$Properties;
        }

        interface IAgentHello extends snatscope.v1.AgentHello.$Properties {
        }

        class AgentHello {
            constructor(p?: snatscope.v1.AgentHello.$Properties);
            $unknowns?: Uint8Array[];
            node: string;
            agentVersion: string;
            proxyMode: snatscope.v1.ProxyMode;
            bootId: string;
            static create(properties: snatscope.v1.AgentHello.$Shape): snatscope.v1.AgentHello & snatscope.v1.AgentHello.$Shape;
            static create(properties?: snatscope.v1.AgentHello.$Properties): snatscope.v1.AgentHello;
            static encode(m: snatscope.v1.AgentHello.$Properties, w?: $protobuf.Writer): $protobuf.Writer;
            static encodeDelimited(message: snatscope.v1.AgentHello.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): snatscope.v1.AgentHello & snatscope.v1.AgentHello.$Shape;
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): snatscope.v1.AgentHello & snatscope.v1.AgentHello.$Shape;
            static verify(m: { [k: string]: any }): (string|null);
            static fromObject(d: { [k: string]: any }): snatscope.v1.AgentHello;
            static toObject(m: snatscope.v1.AgentHello, o?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
            static getTypeUrl(prefix?: string): string;
        }

        namespace AgentHello {
            interface $Properties {
                node?: (string|null);
                agentVersion?: (string|null);
                proxyMode?: (snatscope.v1.ProxyMode|null);
                bootId?: (string|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = snatscope.v1.AgentHello.$Properties;
        }

        interface IRecordBatch extends snatscope.v1.RecordBatch.$Properties {
        }

        class RecordBatch {
            constructor(p?: snatscope.v1.RecordBatch.$Properties);
            $unknowns?: Uint8Array[];
            sequence: number;
            records: snatscope.v1.FlowRecord.$Properties[];
            static create(properties: snatscope.v1.RecordBatch.$Shape): snatscope.v1.RecordBatch & snatscope.v1.RecordBatch.$Shape;
            static create(properties?: snatscope.v1.RecordBatch.$Properties): snatscope.v1.RecordBatch;
            static encode(m: snatscope.v1.RecordBatch.$Properties, w?: $protobuf.Writer): $protobuf.Writer;
            static encodeDelimited(message: snatscope.v1.RecordBatch.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): snatscope.v1.RecordBatch & snatscope.v1.RecordBatch.$Shape;
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): snatscope.v1.RecordBatch & snatscope.v1.RecordBatch.$Shape;
            static verify(m: { [k: string]: any }): (string|null);
            static fromObject(d: { [k: string]: any }): snatscope.v1.RecordBatch;
            static toObject(m: snatscope.v1.RecordBatch, o?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
            static getTypeUrl(prefix?: string): string;
        }

        namespace RecordBatch {
            interface $Properties {
                sequence?: (number|null);
                records?: (snatscope.v1.FlowRecord.$Properties[]|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = snatscope.v1.RecordBatch.$Properties;
        }

        interface IServiceSnapshot extends snatscope.v1.ServiceSnapshot.$Properties {
        }

        class ServiceSnapshot {
            constructor(p?: snatscope.v1.ServiceSnapshot.$Properties);
            $unknowns?: Uint8Array[];
            sequence: number;
            services: snatscope.v1.ServiceState.$Properties[];
            static create(properties: snatscope.v1.ServiceSnapshot.$Shape): snatscope.v1.ServiceSnapshot & snatscope.v1.ServiceSnapshot.$Shape;
            static create(properties?: snatscope.v1.ServiceSnapshot.$Properties): snatscope.v1.ServiceSnapshot;
            static encode(m: snatscope.v1.ServiceSnapshot.$Properties, w?: $protobuf.Writer): $protobuf.Writer;
            static encodeDelimited(message: snatscope.v1.ServiceSnapshot.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): snatscope.v1.ServiceSnapshot & snatscope.v1.ServiceSnapshot.$Shape;
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): snatscope.v1.ServiceSnapshot & snatscope.v1.ServiceSnapshot.$Shape;
            static verify(m: { [k: string]: any }): (string|null);
            static fromObject(d: { [k: string]: any }): snatscope.v1.ServiceSnapshot;
            static toObject(m: snatscope.v1.ServiceSnapshot, o?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
            static getTypeUrl(prefix?: string): string;
        }

        namespace ServiceSnapshot {
            interface $Properties {
                sequence?: (number|null);
                services?: (snatscope.v1.ServiceState.$Properties[]|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = snatscope.v1.ServiceSnapshot.$Properties;
        }

        interface IAgentMessage extends snatscope.v1.AgentMessage.$Properties {
        }

        class AgentMessage {
            constructor(p?: snatscope.v1.AgentMessage.$Properties);
            $unknowns?: Uint8Array[];
            hello?: (snatscope.v1.AgentHello.$Properties|null);
            batch?: (snatscope.v1.RecordBatch.$Properties|null);
            services?: (snatscope.v1.ServiceSnapshot.$Properties|null);
            message?: ("hello"|"batch"|"services");
            static create(properties: snatscope.v1.AgentMessage.$Shape): snatscope.v1.AgentMessage & snatscope.v1.AgentMessage.$Shape;
            static create(properties?: snatscope.v1.AgentMessage.$Properties): snatscope.v1.AgentMessage;
            static encode(m: snatscope.v1.AgentMessage.$Properties, w?: $protobuf.Writer): $protobuf.Writer;
            static encodeDelimited(message: snatscope.v1.AgentMessage.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): snatscope.v1.AgentMessage & snatscope.v1.AgentMessage.$Shape;
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): snatscope.v1.AgentMessage & snatscope.v1.AgentMessage.$Shape;
            static verify(m: { [k: string]: any }): (string|null);
            static fromObject(d: { [k: string]: any }): snatscope.v1.AgentMessage;
            static toObject(m: snatscope.v1.AgentMessage, o?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
            static getTypeUrl(prefix?: string): string;
        }

        namespace AgentMessage {
            interface $Properties {
                hello?: (snatscope.v1.AgentHello.$Properties|null);
                batch?: (snatscope.v1.RecordBatch.$Properties|null);
                services?: (snatscope.v1.ServiceSnapshot.$Properties|null);
                message?: ("hello"|"batch"|"services");
                $unknowns?: Uint8Array[];
            }
            type $Shape = {
              hello?: snatscope.v1.AgentHello.$Shape|null;
              batch?: snatscope.v1.RecordBatch.$Shape|null;
              services?: snatscope.v1.ServiceSnapshot.$Shape|null;
              $unknowns?: Uint8Array[];
            } & (
              ({ message?: undefined; hello?: null; batch?: null; services?: null }|{ message?: "hello"; hello: snatscope.v1.AgentHello.$Shape; batch?: null; services?: null }|{ message?: "batch"; hello?: null; batch: snatscope.v1.RecordBatch.$Shape; services?: null }|{ message?: "services"; hello?: null; batch?: null; services: snatscope.v1.ServiceSnapshot.$Shape })
            );
        }

        interface IAck extends snatscope.v1.Ack.$Properties {
        }

        class Ack {
            constructor(p?: snatscope.v1.Ack.$Properties);
            $unknowns?: Uint8Array[];
            sequence: number;
            static create(properties: snatscope.v1.Ack.$Shape): snatscope.v1.Ack & snatscope.v1.Ack.$Shape;
            static create(properties?: snatscope.v1.Ack.$Properties): snatscope.v1.Ack;
            static encode(m: snatscope.v1.Ack.$Properties, w?: $protobuf.Writer): $protobuf.Writer;
            static encodeDelimited(message: snatscope.v1.Ack.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): snatscope.v1.Ack & snatscope.v1.Ack.$Shape;
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): snatscope.v1.Ack & snatscope.v1.Ack.$Shape;
            static verify(m: { [k: string]: any }): (string|null);
            static fromObject(d: { [k: string]: any }): snatscope.v1.Ack;
            static toObject(m: snatscope.v1.Ack, o?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
            static getTypeUrl(prefix?: string): string;
        }

        namespace Ack {
            interface $Properties {
                sequence?: (number|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = snatscope.v1.Ack.$Properties;
        }

        interface IRejection extends snatscope.v1.Rejection.$Properties {
        }

        class Rejection {
            constructor(p?: snatscope.v1.Rejection.$Properties);
            $unknowns?: Uint8Array[];
            sequence: number;
            reason: string;
            code: number;
            static create(properties: snatscope.v1.Rejection.$Shape): snatscope.v1.Rejection & snatscope.v1.Rejection.$Shape;
            static create(properties?: snatscope.v1.Rejection.$Properties): snatscope.v1.Rejection;
            static encode(m: snatscope.v1.Rejection.$Properties, w?: $protobuf.Writer): $protobuf.Writer;
            static encodeDelimited(message: snatscope.v1.Rejection.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): snatscope.v1.Rejection & snatscope.v1.Rejection.$Shape;
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): snatscope.v1.Rejection & snatscope.v1.Rejection.$Shape;
            static verify(m: { [k: string]: any }): (string|null);
            static fromObject(d: { [k: string]: any }): snatscope.v1.Rejection;
            static toObject(m: snatscope.v1.Rejection, o?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
            static getTypeUrl(prefix?: string): string;
        }

        namespace Rejection {
            interface $Properties {
                sequence?: (number|null);
                reason?: (string|null);
                code?: (number|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = snatscope.v1.Rejection.$Properties;
        }

        interface ICollectorMessage extends snatscope.v1.CollectorMessage.$Properties {
        }

        class CollectorMessage {
            constructor(p?: snatscope.v1.CollectorMessage.$Properties);
            $unknowns?: Uint8Array[];
            ack?: (snatscope.v1.Ack.$Properties|null);
            rejection?: (snatscope.v1.Rejection.$Properties|null);
            message?: ("ack"|"rejection");
            static create(properties: snatscope.v1.CollectorMessage.$Shape): snatscope.v1.CollectorMessage & snatscope.v1.CollectorMessage.$Shape;
            static create(properties?: snatscope.v1.CollectorMessage.$Properties): snatscope.v1.CollectorMessage;
            static encode(m: snatscope.v1.CollectorMessage.$Properties, w?: $protobuf.Writer): $protobuf.Writer;
            static encodeDelimited(message: snatscope.v1.CollectorMessage.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): snatscope.v1.CollectorMessage & snatscope.v1.CollectorMessage.$Shape;
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): snatscope.v1.CollectorMessage & snatscope.v1.CollectorMessage.$Shape;
            static verify(m: { [k: string]: any }): (string|null);
            static fromObject(d: { [k: string]: any }): snatscope.v1.CollectorMessage;
            static toObject(m: snatscope.v1.CollectorMessage, o?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
            static getTypeUrl(prefix?: string): string;
        }

        namespace CollectorMessage {
            interface $Properties {
                ack?: (snatscope.v1.Ack.$Properties|null);
                rejection?: (snatscope.v1.Rejection.$Properties|null);
                message?: ("ack"|"rejection");
                $unknowns?: Uint8Array[];
            }
            type $Shape = {
              ack?: snatscope.v1.Ack.$Shape|null;
              rejection?: snatscope.v1.Rejection.$Shape|null;
              $unknowns?: Uint8Array[];
            } & (
              ({ message?: undefined; ack?: null; rejection?: null }|{ message?: "ack"; ack: snatscope.v1.Ack.$Shape; rejection?: null }|{ message?: "rejection"; ack?: null; rejection: snatscope.v1.Rejection.$Shape })
            );
        }

        class Ingest extends $protobuf.rpc.Service {
            constructor(rpcImpl: $protobuf.RPCImpl, requestDelimited?: boolean, responseDelimited?: boolean);
            static create(rpcImpl: $protobuf.RPCImpl, requestDelimited?: boolean, responseDelimited?: boolean): Ingest;
            stream: snatscope.v1.Ingest.Stream;
        }

        namespace Ingest {
            type StreamCallback = (error: (Error|null), response?: snatscope.v1.CollectorMessage) => void;
            type Stream = {
              (request: snatscope.v1.IAgentMessage, callback: snatscope.v1.Ingest.StreamCallback): void;
              (request: snatscope.v1.IAgentMessage): Promise<snatscope.v1.CollectorMessage>;
              readonly name: "Stream";
              readonly path: "/snatscope.v1.Ingest/Stream";
              readonly requestType: "AgentMessage";
              readonly responseType: "CollectorMessage";
              readonly requestStream: true;
              readonly responseStream: true;
            };
        }

        interface IFinding extends snatscope.v1.Finding.$Properties {
        }

        class Finding {
            constructor(p?: snatscope.v1.Finding.$Properties);
            $unknowns?: Uint8Array[];
            severity: string;
            service?: (snatscope.v1.ServicePortName.$Properties|null);
            code: string;
            explanation: string;
            fix: string;
            nodes: string[];
            static create(properties: snatscope.v1.Finding.$Shape): snatscope.v1.Finding & snatscope.v1.Finding.$Shape;
            static create(properties?: snatscope.v1.Finding.$Properties): snatscope.v1.Finding;
            static encode(m: snatscope.v1.Finding.$Properties, w?: $protobuf.Writer): $protobuf.Writer;
            static encodeDelimited(message: snatscope.v1.Finding.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): snatscope.v1.Finding & snatscope.v1.Finding.$Shape;
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): snatscope.v1.Finding & snatscope.v1.Finding.$Shape;
            static verify(m: { [k: string]: any }): (string|null);
            static fromObject(d: { [k: string]: any }): snatscope.v1.Finding;
            static toObject(m: snatscope.v1.Finding, o?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
            static getTypeUrl(prefix?: string): string;
        }

        namespace Finding {
            interface $Properties {
                severity?: (string|null);
                service?: (snatscope.v1.ServicePortName.$Properties|null);
                code?: (string|null);
                explanation?: (string|null);
                fix?: (string|null);
                nodes?: (string[]|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = snatscope.v1.Finding.$Properties;
        }

        interface IServiceSummary extends snatscope.v1.ServiceSummary.$Properties {
        }

        class ServiceSummary {
            constructor(p?: snatscope.v1.ServiceSummary.$Properties);
            $unknowns?: Uint8Array[];
            service?: (snatscope.v1.ServicePortName.$Properties|null);
            protocol: string;
            externalTrafficPolicy: snatscope.v1.TrafficPolicy;
            flows: number;
            snatFlows: number;
            preservedRatio?: (number|null);
            entryNodes: string[];
            backendNodes: string[];
            nodesDroppingWithoutLocalEndpoints: string[];
            findings: snatscope.v1.Finding.$Properties[];
            verdict: string;
            nodePort?: (number|null);
            loadBalancerIPs: string[];
            externalIPs: string[];
            healthCheckNodePort?: (number|null);
            nodes: string[];
            nodesWithLocalEndpoints: string[];
            noLocalEndpointDrops?: (snatscope.v1.Counters.$Properties|null);
            causes: { [k: string]: number };
            lastSeen: number;
            upstreamFlows: number;
            keptFlows: number;
            nodePreservedRatio?: (number|null);
            nodesForwardingWithoutLocalEndpoints: string[];
            sampledFlows: number;
            static create(properties: snatscope.v1.ServiceSummary.$Shape): snatscope.v1.ServiceSummary & snatscope.v1.ServiceSummary.$Shape;
            static create(properties?: snatscope.v1.ServiceSummary.$Properties): snatscope.v1.ServiceSummary;
            static encode(m: snatscope.v1.ServiceSummary.$Properties, w?: $protobuf.Writer): $protobuf.Writer;
            static encodeDelimited(message: snatscope.v1.ServiceSummary.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): snatscope.v1.ServiceSummary & snatscope.v1.ServiceSummary.$Shape;
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): snatscope.v1.ServiceSummary & snatscope.v1.ServiceSummary.$Shape;
            static verify(m: { [k: string]: any }): (string|null);
            static fromObject(d: { [k: string]: any }): snatscope.v1.ServiceSummary;
            static toObject(m: snatscope.v1.ServiceSummary, o?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
            static getTypeUrl(prefix?: string): string;
        }

        namespace ServiceSummary {
            interface $Properties {
                service?: (snatscope.v1.ServicePortName.$Properties|null);
                protocol?: (string|null);
                externalTrafficPolicy?: (snatscope.v1.TrafficPolicy|null);
                flows?: (number|null);
                snatFlows?: (number|null);
                preservedRatio?: (number|null);
                entryNodes?: (string[]|null);
                backendNodes?: (string[]|null);
                nodesDroppingWithoutLocalEndpoints?: (string[]|null);
                findings?: (snatscope.v1.Finding.$Properties[]|null);
                verdict?: (string|null);
                nodePort?: (number|null);
                loadBalancerIPs?: (string[]|null);
                externalIPs?: (string[]|null);
                healthCheckNodePort?: (number|null);
                nodes?: (string[]|null);
                nodesWithLocalEndpoints?: (string[]|null);
                noLocalEndpointDrops?: (snatscope.v1.Counters.$Properties|null);
                causes?: ({ [k: string]: number }|null);
                lastSeen?: (number|null);
                upstreamFlows?: (number|null);
                keptFlows?: (number|null);
                nodePreservedRatio?: (number|null);
                nodesForwardingWithoutLocalEndpoints?: (string[]|null);
                sampledFlows?: (number|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = snatscope.v1.ServiceSummary.$Properties;
        }
    }
}
