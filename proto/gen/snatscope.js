/*eslint-disable block-scoped-var, id-length, no-control-regex, no-magic-numbers, no-mixed-operators, no-prototype-builtins, no-redeclare, no-shadow, no-var, sort-vars, default-case, jsdoc/require-param*/
import $protobuf from "protobufjs/minimal.js";

// Common aliases
const $Reader = $protobuf.Reader, $Writer = $protobuf.Writer, $util = $protobuf.util;
const $Object = $util.global.Object, $undefined = $util.global.undefined, $Error = $util.global.Error, $RangeError = $util.global.RangeError, $TypeError = $util.global.TypeError, $String = $util.global.String, $Number = $util.global.Number, $isFinite = $util.global.isFinite, $Boolean = $util.global.Boolean, $Array = $util.global.Array, $parseInt = $util.global.parseInt, $BigInt = $util.global.BigInt;

// Exported root namespace
const $root = $protobuf.roots["default"] || ($protobuf.roots["default"] = {});

export const snatscope = $root.snatscope = (() => {

    /**
     * Namespace snatscope.
     * @exports snatscope
     * @namespace
     */
    const snatscope = {};

    snatscope.v1 = (function() {

        /**
         * Namespace v1.
         * @memberof snatscope
         * @namespace
         */
        const v1 = {};

        v1.HostPort = (function() {

            /**
             * Properties of a HostPort.
             * @typedef {Object} snatscope.v1.HostPort.$Properties
             * @property {string|null} [ip] HostPort ip
             * @property {number|null} [port] HostPort port
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a HostPort.
             * @memberof snatscope.v1
             * @interface IHostPort
             * @augments snatscope.v1.HostPort.$Properties
             * @deprecated Use snatscope.v1.HostPort.$Properties instead.
             */

            /**
             * Shape of a HostPort.
             * @typedef {snatscope.v1.HostPort.$Properties} snatscope.v1.HostPort.$Shape
             */

            /**
             * Constructs a new HostPort.
             * @memberof snatscope.v1
             * @classdesc Represents a HostPort.
             * @constructor
             * @param {snatscope.v1.HostPort.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const HostPort = function (p) {
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * HostPort ip.
             * @member {string} ip
             * @memberof snatscope.v1.HostPort
             * @instance
             */
            HostPort.prototype.ip = "";

            /**
             * HostPort port.
             * @member {number} port
             * @memberof snatscope.v1.HostPort
             * @instance
             */
            HostPort.prototype.port = 0;

            /**
             * Creates a new HostPort instance using the specified properties.
             * @function create
             * @memberof snatscope.v1.HostPort
             * @static
             * @param {snatscope.v1.HostPort.$Properties=} [properties] Properties to set
             * @returns {snatscope.v1.HostPort} HostPort instance
             * @type {{
             *   (properties: snatscope.v1.HostPort.$Shape): snatscope.v1.HostPort & snatscope.v1.HostPort.$Shape;
             *   (properties?: snatscope.v1.HostPort.$Properties): snatscope.v1.HostPort;
             * }}
             */
            HostPort.create = function(properties) {
                return new HostPort(properties);
            };

            /**
             * Encodes the specified HostPort message. Does not implicitly {@link snatscope.v1.HostPort.verify|verify} messages.
             * @function encode
             * @memberof snatscope.v1.HostPort
             * @static
             * @param {snatscope.v1.HostPort.$Properties} m HostPort message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            HostPort.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.ip != null && $Object.hasOwnProperty.call(m, "ip") && m.ip !== "")
                    w.uint32(/* id 1, wireType 2 =*/10).string(m.ip);
                if (m.port != null && $Object.hasOwnProperty.call(m, "port") && m.port !== 0)
                    w.uint32(/* id 2, wireType 0 =*/16).uint32(m.port);
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Encodes the specified HostPort message, length delimited. Does not implicitly {@link snatscope.v1.HostPort.verify|verify} messages.
             * @function encodeDelimited
             * @memberof snatscope.v1.HostPort
             * @static
             * @param {snatscope.v1.HostPort.$Properties} message HostPort message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            HostPort.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a HostPort message from the specified reader or buffer.
             * @function decode
             * @memberof snatscope.v1.HostPort
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {snatscope.v1.HostPort & snatscope.v1.HostPort.$Shape} HostPort
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            HostPort.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.snatscope.v1.HostPort();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.ip = v;
                            else
                                delete m.ip;
                            continue;
                        }
                    case 2: {
                            if (u !== 0)
                                break;
                            if (v = r.uint32())
                                m.port = v;
                            else
                                delete m.port;
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Decodes a HostPort message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof snatscope.v1.HostPort
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {snatscope.v1.HostPort & snatscope.v1.HostPort.$Shape} HostPort
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            HostPort.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a HostPort message.
             * @function verify
             * @memberof snatscope.v1.HostPort
             * @static
             * @param {Object.<string,*>} m Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            HostPort.verify = function (m, q) {
                if (typeof m !== "object" || m === null)
                    return "object expected";
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    return "max depth exceeded";
                if (m.ip != null && $Object.hasOwnProperty.call(m, "ip")) {
                    if (!$util.isString(m.ip))
                        return "ip: string expected";
                }
                if (m.port != null && $Object.hasOwnProperty.call(m, "port")) {
                    if (!$util.isInteger(m.port))
                        return "port: integer expected";
                }
                return null;
            };

            /**
             * Creates a HostPort message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof snatscope.v1.HostPort
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {snatscope.v1.HostPort} HostPort
             */
            HostPort.fromObject = function (d, q) {
                if (d instanceof $root.snatscope.v1.HostPort)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".snatscope.v1.HostPort: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.snatscope.v1.HostPort();
                if (d.ip != null) {
                    if (typeof d.ip !== "string" || d.ip.length) {
                        m.ip = $String(d.ip);
                    }
                }
                if (d.port != null) {
                    if ($Number(d.port) !== 0) {
                        m.port = d.port >>> 0;
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from a HostPort message. Also converts values to other types if specified.
             * @function toObject
             * @memberof snatscope.v1.HostPort
             * @static
             * @param {snatscope.v1.HostPort} m HostPort
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            HostPort.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.defaults) {
                    d.ip = "";
                    d.port = 0;
                }
                if (m.ip != null && $Object.hasOwnProperty.call(m, "ip")) {
                    d.ip = m.ip;
                }
                if (m.port != null && $Object.hasOwnProperty.call(m, "port")) {
                    d.port = m.port;
                }
                return d;
            };

            /**
             * Converts this HostPort to JSON.
             * @function toJSON
             * @memberof snatscope.v1.HostPort
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            HostPort.prototype.toJSON = function() {
                return HostPort.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for HostPort
             * @function getTypeUrl
             * @memberof snatscope.v1.HostPort
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            HostPort.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/snatscope.v1.HostPort";
            };

            return HostPort;
        })();

        v1.ServicePortName = (function() {

            /**
             * Properties of a ServicePortName.
             * @typedef {Object} snatscope.v1.ServicePortName.$Properties
             * @property {string|null} [namespace] ServicePortName namespace
             * @property {string|null} [name] ServicePortName name
             * @property {string|null} [port] ServicePortName port
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a ServicePortName.
             * @memberof snatscope.v1
             * @interface IServicePortName
             * @augments snatscope.v1.ServicePortName.$Properties
             * @deprecated Use snatscope.v1.ServicePortName.$Properties instead.
             */

            /**
             * Shape of a ServicePortName.
             * @typedef {snatscope.v1.ServicePortName.$Properties} snatscope.v1.ServicePortName.$Shape
             */

            /**
             * Constructs a new ServicePortName.
             * @memberof snatscope.v1
             * @classdesc Represents a ServicePortName.
             * @constructor
             * @param {snatscope.v1.ServicePortName.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const ServicePortName = function (p) {
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * ServicePortName namespace.
             * @member {string} namespace
             * @memberof snatscope.v1.ServicePortName
             * @instance
             */
            ServicePortName.prototype.namespace = "";

            /**
             * ServicePortName name.
             * @member {string} name
             * @memberof snatscope.v1.ServicePortName
             * @instance
             */
            ServicePortName.prototype.name = "";

            /**
             * ServicePortName port.
             * @member {string} port
             * @memberof snatscope.v1.ServicePortName
             * @instance
             */
            ServicePortName.prototype.port = "";

            /**
             * Creates a new ServicePortName instance using the specified properties.
             * @function create
             * @memberof snatscope.v1.ServicePortName
             * @static
             * @param {snatscope.v1.ServicePortName.$Properties=} [properties] Properties to set
             * @returns {snatscope.v1.ServicePortName} ServicePortName instance
             * @type {{
             *   (properties: snatscope.v1.ServicePortName.$Shape): snatscope.v1.ServicePortName & snatscope.v1.ServicePortName.$Shape;
             *   (properties?: snatscope.v1.ServicePortName.$Properties): snatscope.v1.ServicePortName;
             * }}
             */
            ServicePortName.create = function(properties) {
                return new ServicePortName(properties);
            };

            /**
             * Encodes the specified ServicePortName message. Does not implicitly {@link snatscope.v1.ServicePortName.verify|verify} messages.
             * @function encode
             * @memberof snatscope.v1.ServicePortName
             * @static
             * @param {snatscope.v1.ServicePortName.$Properties} m ServicePortName message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ServicePortName.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.namespace != null && $Object.hasOwnProperty.call(m, "namespace") && m.namespace !== "")
                    w.uint32(/* id 1, wireType 2 =*/10).string(m.namespace);
                if (m.name != null && $Object.hasOwnProperty.call(m, "name") && m.name !== "")
                    w.uint32(/* id 2, wireType 2 =*/18).string(m.name);
                if (m.port != null && $Object.hasOwnProperty.call(m, "port") && m.port !== "")
                    w.uint32(/* id 3, wireType 2 =*/26).string(m.port);
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Encodes the specified ServicePortName message, length delimited. Does not implicitly {@link snatscope.v1.ServicePortName.verify|verify} messages.
             * @function encodeDelimited
             * @memberof snatscope.v1.ServicePortName
             * @static
             * @param {snatscope.v1.ServicePortName.$Properties} message ServicePortName message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ServicePortName.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a ServicePortName message from the specified reader or buffer.
             * @function decode
             * @memberof snatscope.v1.ServicePortName
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {snatscope.v1.ServicePortName & snatscope.v1.ServicePortName.$Shape} ServicePortName
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ServicePortName.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.snatscope.v1.ServicePortName();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.namespace = v;
                            else
                                delete m.namespace;
                            continue;
                        }
                    case 2: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.name = v;
                            else
                                delete m.name;
                            continue;
                        }
                    case 3: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.port = v;
                            else
                                delete m.port;
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Decodes a ServicePortName message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof snatscope.v1.ServicePortName
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {snatscope.v1.ServicePortName & snatscope.v1.ServicePortName.$Shape} ServicePortName
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ServicePortName.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a ServicePortName message.
             * @function verify
             * @memberof snatscope.v1.ServicePortName
             * @static
             * @param {Object.<string,*>} m Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            ServicePortName.verify = function (m, q) {
                if (typeof m !== "object" || m === null)
                    return "object expected";
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    return "max depth exceeded";
                if (m.namespace != null && $Object.hasOwnProperty.call(m, "namespace")) {
                    if (!$util.isString(m.namespace))
                        return "namespace: string expected";
                }
                if (m.name != null && $Object.hasOwnProperty.call(m, "name")) {
                    if (!$util.isString(m.name))
                        return "name: string expected";
                }
                if (m.port != null && $Object.hasOwnProperty.call(m, "port")) {
                    if (!$util.isString(m.port))
                        return "port: string expected";
                }
                return null;
            };

            /**
             * Creates a ServicePortName message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof snatscope.v1.ServicePortName
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {snatscope.v1.ServicePortName} ServicePortName
             */
            ServicePortName.fromObject = function (d, q) {
                if (d instanceof $root.snatscope.v1.ServicePortName)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".snatscope.v1.ServicePortName: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.snatscope.v1.ServicePortName();
                if (d.namespace != null) {
                    if (typeof d.namespace !== "string" || d.namespace.length) {
                        m.namespace = $String(d.namespace);
                    }
                }
                if (d.name != null) {
                    if (typeof d.name !== "string" || d.name.length) {
                        m.name = $String(d.name);
                    }
                }
                if (d.port != null) {
                    if (typeof d.port !== "string" || d.port.length) {
                        m.port = $String(d.port);
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from a ServicePortName message. Also converts values to other types if specified.
             * @function toObject
             * @memberof snatscope.v1.ServicePortName
             * @static
             * @param {snatscope.v1.ServicePortName} m ServicePortName
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            ServicePortName.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.defaults) {
                    d.namespace = "";
                    d.name = "";
                    d.port = "";
                }
                if (m.namespace != null && $Object.hasOwnProperty.call(m, "namespace")) {
                    d.namespace = m.namespace;
                }
                if (m.name != null && $Object.hasOwnProperty.call(m, "name")) {
                    d.name = m.name;
                }
                if (m.port != null && $Object.hasOwnProperty.call(m, "port")) {
                    d.port = m.port;
                }
                return d;
            };

            /**
             * Converts this ServicePortName to JSON.
             * @function toJSON
             * @memberof snatscope.v1.ServicePortName
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            ServicePortName.prototype.toJSON = function() {
                return ServicePortName.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for ServicePortName
             * @function getTypeUrl
             * @memberof snatscope.v1.ServicePortName
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            ServicePortName.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/snatscope.v1.ServicePortName";
            };

            return ServicePortName;
        })();

        v1.RuleRef = (function() {

            /**
             * Properties of a RuleRef.
             * @typedef {Object} snatscope.v1.RuleRef.$Properties
             * @property {string|null} [table] RuleRef table
             * @property {string|null} [chain] RuleRef chain
             * @property {string|null} [rule] RuleRef rule
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a RuleRef.
             * @memberof snatscope.v1
             * @interface IRuleRef
             * @augments snatscope.v1.RuleRef.$Properties
             * @deprecated Use snatscope.v1.RuleRef.$Properties instead.
             */

            /**
             * Shape of a RuleRef.
             * @typedef {snatscope.v1.RuleRef.$Properties} snatscope.v1.RuleRef.$Shape
             */

            /**
             * Constructs a new RuleRef.
             * @memberof snatscope.v1
             * @classdesc Represents a RuleRef.
             * @constructor
             * @param {snatscope.v1.RuleRef.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const RuleRef = function (p) {
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * RuleRef table.
             * @member {string} table
             * @memberof snatscope.v1.RuleRef
             * @instance
             */
            RuleRef.prototype.table = "";

            /**
             * RuleRef chain.
             * @member {string} chain
             * @memberof snatscope.v1.RuleRef
             * @instance
             */
            RuleRef.prototype.chain = "";

            /**
             * RuleRef rule.
             * @member {string} rule
             * @memberof snatscope.v1.RuleRef
             * @instance
             */
            RuleRef.prototype.rule = "";

            /**
             * Creates a new RuleRef instance using the specified properties.
             * @function create
             * @memberof snatscope.v1.RuleRef
             * @static
             * @param {snatscope.v1.RuleRef.$Properties=} [properties] Properties to set
             * @returns {snatscope.v1.RuleRef} RuleRef instance
             * @type {{
             *   (properties: snatscope.v1.RuleRef.$Shape): snatscope.v1.RuleRef & snatscope.v1.RuleRef.$Shape;
             *   (properties?: snatscope.v1.RuleRef.$Properties): snatscope.v1.RuleRef;
             * }}
             */
            RuleRef.create = function(properties) {
                return new RuleRef(properties);
            };

            /**
             * Encodes the specified RuleRef message. Does not implicitly {@link snatscope.v1.RuleRef.verify|verify} messages.
             * @function encode
             * @memberof snatscope.v1.RuleRef
             * @static
             * @param {snatscope.v1.RuleRef.$Properties} m RuleRef message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            RuleRef.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.table != null && $Object.hasOwnProperty.call(m, "table") && m.table !== "")
                    w.uint32(/* id 1, wireType 2 =*/10).string(m.table);
                if (m.chain != null && $Object.hasOwnProperty.call(m, "chain") && m.chain !== "")
                    w.uint32(/* id 2, wireType 2 =*/18).string(m.chain);
                if (m.rule != null && $Object.hasOwnProperty.call(m, "rule") && m.rule !== "")
                    w.uint32(/* id 3, wireType 2 =*/26).string(m.rule);
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Encodes the specified RuleRef message, length delimited. Does not implicitly {@link snatscope.v1.RuleRef.verify|verify} messages.
             * @function encodeDelimited
             * @memberof snatscope.v1.RuleRef
             * @static
             * @param {snatscope.v1.RuleRef.$Properties} message RuleRef message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            RuleRef.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a RuleRef message from the specified reader or buffer.
             * @function decode
             * @memberof snatscope.v1.RuleRef
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {snatscope.v1.RuleRef & snatscope.v1.RuleRef.$Shape} RuleRef
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            RuleRef.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.snatscope.v1.RuleRef();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.table = v;
                            else
                                delete m.table;
                            continue;
                        }
                    case 2: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.chain = v;
                            else
                                delete m.chain;
                            continue;
                        }
                    case 3: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.rule = v;
                            else
                                delete m.rule;
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Decodes a RuleRef message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof snatscope.v1.RuleRef
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {snatscope.v1.RuleRef & snatscope.v1.RuleRef.$Shape} RuleRef
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            RuleRef.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a RuleRef message.
             * @function verify
             * @memberof snatscope.v1.RuleRef
             * @static
             * @param {Object.<string,*>} m Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            RuleRef.verify = function (m, q) {
                if (typeof m !== "object" || m === null)
                    return "object expected";
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    return "max depth exceeded";
                if (m.table != null && $Object.hasOwnProperty.call(m, "table")) {
                    if (!$util.isString(m.table))
                        return "table: string expected";
                }
                if (m.chain != null && $Object.hasOwnProperty.call(m, "chain")) {
                    if (!$util.isString(m.chain))
                        return "chain: string expected";
                }
                if (m.rule != null && $Object.hasOwnProperty.call(m, "rule")) {
                    if (!$util.isString(m.rule))
                        return "rule: string expected";
                }
                return null;
            };

            /**
             * Creates a RuleRef message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof snatscope.v1.RuleRef
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {snatscope.v1.RuleRef} RuleRef
             */
            RuleRef.fromObject = function (d, q) {
                if (d instanceof $root.snatscope.v1.RuleRef)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".snatscope.v1.RuleRef: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.snatscope.v1.RuleRef();
                if (d.table != null) {
                    if (typeof d.table !== "string" || d.table.length) {
                        m.table = $String(d.table);
                    }
                }
                if (d.chain != null) {
                    if (typeof d.chain !== "string" || d.chain.length) {
                        m.chain = $String(d.chain);
                    }
                }
                if (d.rule != null) {
                    if (typeof d.rule !== "string" || d.rule.length) {
                        m.rule = $String(d.rule);
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from a RuleRef message. Also converts values to other types if specified.
             * @function toObject
             * @memberof snatscope.v1.RuleRef
             * @static
             * @param {snatscope.v1.RuleRef} m RuleRef
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            RuleRef.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.defaults) {
                    d.table = "";
                    d.chain = "";
                    d.rule = "";
                }
                if (m.table != null && $Object.hasOwnProperty.call(m, "table")) {
                    d.table = m.table;
                }
                if (m.chain != null && $Object.hasOwnProperty.call(m, "chain")) {
                    d.chain = m.chain;
                }
                if (m.rule != null && $Object.hasOwnProperty.call(m, "rule")) {
                    d.rule = m.rule;
                }
                return d;
            };

            /**
             * Converts this RuleRef to JSON.
             * @function toJSON
             * @memberof snatscope.v1.RuleRef
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            RuleRef.prototype.toJSON = function() {
                return RuleRef.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for RuleRef
             * @function getTypeUrl
             * @memberof snatscope.v1.RuleRef
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            RuleRef.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/snatscope.v1.RuleRef";
            };

            return RuleRef;
        })();

        v1.ObjectRef = (function() {

            /**
             * Properties of an ObjectRef.
             * @typedef {Object} snatscope.v1.ObjectRef.$Properties
             * @property {string|null} [namespace] ObjectRef namespace
             * @property {string|null} [name] ObjectRef name
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of an ObjectRef.
             * @memberof snatscope.v1
             * @interface IObjectRef
             * @augments snatscope.v1.ObjectRef.$Properties
             * @deprecated Use snatscope.v1.ObjectRef.$Properties instead.
             */

            /**
             * Shape of an ObjectRef.
             * @typedef {snatscope.v1.ObjectRef.$Properties} snatscope.v1.ObjectRef.$Shape
             */

            /**
             * Constructs a new ObjectRef.
             * @memberof snatscope.v1
             * @classdesc Represents an ObjectRef.
             * @constructor
             * @param {snatscope.v1.ObjectRef.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const ObjectRef = function (p) {
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * ObjectRef namespace.
             * @member {string} namespace
             * @memberof snatscope.v1.ObjectRef
             * @instance
             */
            ObjectRef.prototype.namespace = "";

            /**
             * ObjectRef name.
             * @member {string} name
             * @memberof snatscope.v1.ObjectRef
             * @instance
             */
            ObjectRef.prototype.name = "";

            /**
             * Creates a new ObjectRef instance using the specified properties.
             * @function create
             * @memberof snatscope.v1.ObjectRef
             * @static
             * @param {snatscope.v1.ObjectRef.$Properties=} [properties] Properties to set
             * @returns {snatscope.v1.ObjectRef} ObjectRef instance
             * @type {{
             *   (properties: snatscope.v1.ObjectRef.$Shape): snatscope.v1.ObjectRef & snatscope.v1.ObjectRef.$Shape;
             *   (properties?: snatscope.v1.ObjectRef.$Properties): snatscope.v1.ObjectRef;
             * }}
             */
            ObjectRef.create = function(properties) {
                return new ObjectRef(properties);
            };

            /**
             * Encodes the specified ObjectRef message. Does not implicitly {@link snatscope.v1.ObjectRef.verify|verify} messages.
             * @function encode
             * @memberof snatscope.v1.ObjectRef
             * @static
             * @param {snatscope.v1.ObjectRef.$Properties} m ObjectRef message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ObjectRef.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.namespace != null && $Object.hasOwnProperty.call(m, "namespace") && m.namespace !== "")
                    w.uint32(/* id 1, wireType 2 =*/10).string(m.namespace);
                if (m.name != null && $Object.hasOwnProperty.call(m, "name") && m.name !== "")
                    w.uint32(/* id 2, wireType 2 =*/18).string(m.name);
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Encodes the specified ObjectRef message, length delimited. Does not implicitly {@link snatscope.v1.ObjectRef.verify|verify} messages.
             * @function encodeDelimited
             * @memberof snatscope.v1.ObjectRef
             * @static
             * @param {snatscope.v1.ObjectRef.$Properties} message ObjectRef message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ObjectRef.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes an ObjectRef message from the specified reader or buffer.
             * @function decode
             * @memberof snatscope.v1.ObjectRef
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {snatscope.v1.ObjectRef & snatscope.v1.ObjectRef.$Shape} ObjectRef
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ObjectRef.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.snatscope.v1.ObjectRef();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.namespace = v;
                            else
                                delete m.namespace;
                            continue;
                        }
                    case 2: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.name = v;
                            else
                                delete m.name;
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Decodes an ObjectRef message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof snatscope.v1.ObjectRef
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {snatscope.v1.ObjectRef & snatscope.v1.ObjectRef.$Shape} ObjectRef
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ObjectRef.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies an ObjectRef message.
             * @function verify
             * @memberof snatscope.v1.ObjectRef
             * @static
             * @param {Object.<string,*>} m Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            ObjectRef.verify = function (m, q) {
                if (typeof m !== "object" || m === null)
                    return "object expected";
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    return "max depth exceeded";
                if (m.namespace != null && $Object.hasOwnProperty.call(m, "namespace")) {
                    if (!$util.isString(m.namespace))
                        return "namespace: string expected";
                }
                if (m.name != null && $Object.hasOwnProperty.call(m, "name")) {
                    if (!$util.isString(m.name))
                        return "name: string expected";
                }
                return null;
            };

            /**
             * Creates an ObjectRef message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof snatscope.v1.ObjectRef
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {snatscope.v1.ObjectRef} ObjectRef
             */
            ObjectRef.fromObject = function (d, q) {
                if (d instanceof $root.snatscope.v1.ObjectRef)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".snatscope.v1.ObjectRef: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.snatscope.v1.ObjectRef();
                if (d.namespace != null) {
                    if (typeof d.namespace !== "string" || d.namespace.length) {
                        m.namespace = $String(d.namespace);
                    }
                }
                if (d.name != null) {
                    if (typeof d.name !== "string" || d.name.length) {
                        m.name = $String(d.name);
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from an ObjectRef message. Also converts values to other types if specified.
             * @function toObject
             * @memberof snatscope.v1.ObjectRef
             * @static
             * @param {snatscope.v1.ObjectRef} m ObjectRef
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            ObjectRef.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.defaults) {
                    d.namespace = "";
                    d.name = "";
                }
                if (m.namespace != null && $Object.hasOwnProperty.call(m, "namespace")) {
                    d.namespace = m.namespace;
                }
                if (m.name != null && $Object.hasOwnProperty.call(m, "name")) {
                    d.name = m.name;
                }
                return d;
            };

            /**
             * Converts this ObjectRef to JSON.
             * @function toJSON
             * @memberof snatscope.v1.ObjectRef
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            ObjectRef.prototype.toJSON = function() {
                return ObjectRef.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for ObjectRef
             * @function getTypeUrl
             * @memberof snatscope.v1.ObjectRef
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            ObjectRef.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/snatscope.v1.ObjectRef";
            };

            return ObjectRef;
        })();

        v1.Counters = (function() {

            /**
             * Properties of a Counters.
             * @typedef {Object} snatscope.v1.Counters.$Properties
             * @property {number|null} [packets] Counters packets
             * @property {number|null} [bytes] Counters bytes
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Counters.
             * @memberof snatscope.v1
             * @interface ICounters
             * @augments snatscope.v1.Counters.$Properties
             * @deprecated Use snatscope.v1.Counters.$Properties instead.
             */

            /**
             * Shape of a Counters.
             * @typedef {snatscope.v1.Counters.$Properties} snatscope.v1.Counters.$Shape
             */

            /**
             * Constructs a new Counters.
             * @memberof snatscope.v1
             * @classdesc Represents a Counters.
             * @constructor
             * @param {snatscope.v1.Counters.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Counters = function (p) {
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * Counters packets.
             * @member {number} packets
             * @memberof snatscope.v1.Counters
             * @instance
             */
            Counters.prototype.packets = 0;

            /**
             * Counters bytes.
             * @member {number} bytes
             * @memberof snatscope.v1.Counters
             * @instance
             */
            Counters.prototype.bytes = 0;

            /**
             * Creates a new Counters instance using the specified properties.
             * @function create
             * @memberof snatscope.v1.Counters
             * @static
             * @param {snatscope.v1.Counters.$Properties=} [properties] Properties to set
             * @returns {snatscope.v1.Counters} Counters instance
             * @type {{
             *   (properties: snatscope.v1.Counters.$Shape): snatscope.v1.Counters & snatscope.v1.Counters.$Shape;
             *   (properties?: snatscope.v1.Counters.$Properties): snatscope.v1.Counters;
             * }}
             */
            Counters.create = function(properties) {
                return new Counters(properties);
            };

            /**
             * Encodes the specified Counters message. Does not implicitly {@link snatscope.v1.Counters.verify|verify} messages.
             * @function encode
             * @memberof snatscope.v1.Counters
             * @static
             * @param {snatscope.v1.Counters.$Properties} m Counters message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Counters.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.packets != null && $Object.hasOwnProperty.call(m, "packets") && !$Object.is(m.packets, 0))
                    w.uint32(/* id 1, wireType 1 =*/9).double(m.packets);
                if (m.bytes != null && $Object.hasOwnProperty.call(m, "bytes") && !$Object.is(m.bytes, 0))
                    w.uint32(/* id 2, wireType 1 =*/17).double(m.bytes);
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Encodes the specified Counters message, length delimited. Does not implicitly {@link snatscope.v1.Counters.verify|verify} messages.
             * @function encodeDelimited
             * @memberof snatscope.v1.Counters
             * @static
             * @param {snatscope.v1.Counters.$Properties} message Counters message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Counters.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a Counters message from the specified reader or buffer.
             * @function decode
             * @memberof snatscope.v1.Counters
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {snatscope.v1.Counters & snatscope.v1.Counters.$Shape} Counters
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Counters.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.snatscope.v1.Counters();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 1)
                                break;
                            if (!$Object.is(v = r.double(), 0))
                                m.packets = v;
                            else
                                delete m.packets;
                            continue;
                        }
                    case 2: {
                            if (u !== 1)
                                break;
                            if (!$Object.is(v = r.double(), 0))
                                m.bytes = v;
                            else
                                delete m.bytes;
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Decodes a Counters message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof snatscope.v1.Counters
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {snatscope.v1.Counters & snatscope.v1.Counters.$Shape} Counters
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Counters.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a Counters message.
             * @function verify
             * @memberof snatscope.v1.Counters
             * @static
             * @param {Object.<string,*>} m Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            Counters.verify = function (m, q) {
                if (typeof m !== "object" || m === null)
                    return "object expected";
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    return "max depth exceeded";
                if (m.packets != null && $Object.hasOwnProperty.call(m, "packets")) {
                    if (typeof m.packets !== "number")
                        return "packets: number expected";
                }
                if (m.bytes != null && $Object.hasOwnProperty.call(m, "bytes")) {
                    if (typeof m.bytes !== "number")
                        return "bytes: number expected";
                }
                return null;
            };

            /**
             * Creates a Counters message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof snatscope.v1.Counters
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {snatscope.v1.Counters} Counters
             */
            Counters.fromObject = function (d, q) {
                if (d instanceof $root.snatscope.v1.Counters)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".snatscope.v1.Counters: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.snatscope.v1.Counters();
                if (d.packets != null) {
                    if (!$Object.is($Number(d.packets), 0)) {
                        m.packets = $Number(d.packets);
                    }
                }
                if (d.bytes != null) {
                    if (!$Object.is($Number(d.bytes), 0)) {
                        m.bytes = $Number(d.bytes);
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from a Counters message. Also converts values to other types if specified.
             * @function toObject
             * @memberof snatscope.v1.Counters
             * @static
             * @param {snatscope.v1.Counters} m Counters
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Counters.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.defaults) {
                    d.packets = 0;
                    d.bytes = 0;
                }
                if (m.packets != null && $Object.hasOwnProperty.call(m, "packets")) {
                    d.packets = o.json && !$isFinite(m.packets) ? $String(m.packets) : m.packets;
                }
                if (m.bytes != null && $Object.hasOwnProperty.call(m, "bytes")) {
                    d.bytes = o.json && !$isFinite(m.bytes) ? $String(m.bytes) : m.bytes;
                }
                return d;
            };

            /**
             * Converts this Counters to JSON.
             * @function toJSON
             * @memberof snatscope.v1.Counters
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Counters.prototype.toJSON = function() {
                return Counters.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for Counters
             * @function getTypeUrl
             * @memberof snatscope.v1.Counters
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Counters.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/snatscope.v1.Counters";
            };

            return Counters;
        })();

        /**
         * ProxyMode enum.
         * @name snatscope.v1.ProxyMode
         * @enum {number}
         * @property {number} iptables=0 iptables value
         * @property {number} ipvs=1 ipvs value
         * @property {number} nftables=2 nftables value
         */
        v1.ProxyMode = (function() {
            const valuesById = $Object.create(null), values = $Object.create(valuesById);
            values[valuesById[0] = "iptables"] = 0;
            values[valuesById[1] = "ipvs"] = 1;
            values[valuesById[2] = "nftables"] = 2;
            return values;
        })();

        /**
         * TrafficPolicy enum.
         * @name snatscope.v1.TrafficPolicy
         * @enum {number}
         * @property {number} Cluster=0 Cluster value
         * @property {number} Local=1 Local value
         */
        v1.TrafficPolicy = (function() {
            const valuesById = $Object.create(null), values = $Object.create(valuesById);
            values[valuesById[0] = "Cluster"] = 0;
            values[valuesById[1] = "Local"] = 1;
            return values;
        })();

        v1.FlowRecord = (function() {

            /**
             * Properties of a FlowRecord.
             * @typedef {Object} snatscope.v1.FlowRecord.$Properties
             * @property {snatscope.v1.FlowRecord.Kind|null} [kind] FlowRecord kind
             * @property {string|null} [node] FlowRecord node
             * @property {string|null} [protocol] FlowRecord protocol
             * @property {snatscope.v1.HostPort.$Properties|null} [client] FlowRecord client
             * @property {snatscope.v1.HostPort.$Properties|null} [entry] FlowRecord entry
             * @property {snatscope.v1.FlowRecord.EntryKind|null} [entryKind] FlowRecord entryKind
             * @property {snatscope.v1.HostPort.$Properties|null} [backend] FlowRecord backend
             * @property {snatscope.v1.HostPort.$Properties|null} [observedSource] FlowRecord observedSource
             * @property {boolean|null} [snat] FlowRecord snat
             * @property {snatscope.v1.FlowRecord.Cause|null} [cause] FlowRecord cause
             * @property {snatscope.v1.ServicePortName.$Properties|null} [service] FlowRecord service
             * @property {snatscope.v1.TrafficPolicy|null} [externalTrafficPolicy] FlowRecord externalTrafficPolicy
             * @property {snatscope.v1.ProxyMode|null} [proxyMode] FlowRecord proxyMode
             * @property {boolean|null} [endpointLocal] FlowRecord endpointLocal
             * @property {string|null} [state] FlowRecord state
             * @property {number|null} [conntrackId] FlowRecord conntrackId
             * @property {number|null} [observedAt] FlowRecord observedAt
             * @property {boolean|null} [closed] FlowRecord closed
             * @property {snatscope.v1.Counters.$Properties|null} [originalCounters] FlowRecord originalCounters
             * @property {snatscope.v1.Counters.$Properties|null} [replyCounters] FlowRecord replyCounters
             * @property {number|null} [zone] FlowRecord zone
             * @property {number|null} [mark] FlowRecord mark
             * @property {string|null} [entryNode] FlowRecord entryNode
             * @property {string|null} [backendNode] FlowRecord backendNode
             * @property {snatscope.v1.RuleRef.$Properties|null} [snatRule] FlowRecord snatRule
             * @property {snatscope.v1.ObjectRef.$Properties|null} [backendPod] FlowRecord backendPod
             * @property {string|null} [clientNode] FlowRecord clientNode
             * @property {snatscope.v1.HostPort.$Properties|null} [socketObserved] FlowRecord socketObserved
             * @property {number|null} [sampleRate] FlowRecord sampleRate
             * @property {number|null} [incarnation] FlowRecord incarnation
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a FlowRecord.
             * @memberof snatscope.v1
             * @interface IFlowRecord
             * @augments snatscope.v1.FlowRecord.$Properties
             * @deprecated Use snatscope.v1.FlowRecord.$Properties instead.
             */

            /**
             * Shape of a FlowRecord.
             * @typedef {snatscope.v1.FlowRecord.$Properties} snatscope.v1.FlowRecord.$Shape
             */

            /**
             * Constructs a new FlowRecord.
             * @memberof snatscope.v1
             * @classdesc Represents a FlowRecord.
             * @constructor
             * @param {snatscope.v1.FlowRecord.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const FlowRecord = function (p) {
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * FlowRecord kind.
             * @member {snatscope.v1.FlowRecord.Kind} kind
             * @memberof snatscope.v1.FlowRecord
             * @instance
             */
            FlowRecord.prototype.kind = 0;

            /**
             * FlowRecord node.
             * @member {string} node
             * @memberof snatscope.v1.FlowRecord
             * @instance
             */
            FlowRecord.prototype.node = "";

            /**
             * FlowRecord protocol.
             * @member {string} protocol
             * @memberof snatscope.v1.FlowRecord
             * @instance
             */
            FlowRecord.prototype.protocol = "";

            /**
             * FlowRecord client.
             * @member {snatscope.v1.HostPort.$Properties|null|undefined} client
             * @memberof snatscope.v1.FlowRecord
             * @instance
             */
            FlowRecord.prototype.client = null;

            /**
             * FlowRecord entry.
             * @member {snatscope.v1.HostPort.$Properties|null|undefined} entry
             * @memberof snatscope.v1.FlowRecord
             * @instance
             */
            FlowRecord.prototype.entry = null;

            /**
             * FlowRecord entryKind.
             * @member {snatscope.v1.FlowRecord.EntryKind} entryKind
             * @memberof snatscope.v1.FlowRecord
             * @instance
             */
            FlowRecord.prototype.entryKind = 0;

            /**
             * FlowRecord backend.
             * @member {snatscope.v1.HostPort.$Properties|null|undefined} backend
             * @memberof snatscope.v1.FlowRecord
             * @instance
             */
            FlowRecord.prototype.backend = null;

            /**
             * FlowRecord observedSource.
             * @member {snatscope.v1.HostPort.$Properties|null|undefined} observedSource
             * @memberof snatscope.v1.FlowRecord
             * @instance
             */
            FlowRecord.prototype.observedSource = null;

            /**
             * FlowRecord snat.
             * @member {boolean} snat
             * @memberof snatscope.v1.FlowRecord
             * @instance
             */
            FlowRecord.prototype.snat = false;

            /**
             * FlowRecord cause.
             * @member {snatscope.v1.FlowRecord.Cause} cause
             * @memberof snatscope.v1.FlowRecord
             * @instance
             */
            FlowRecord.prototype.cause = 0;

            /**
             * FlowRecord service.
             * @member {snatscope.v1.ServicePortName.$Properties|null|undefined} service
             * @memberof snatscope.v1.FlowRecord
             * @instance
             */
            FlowRecord.prototype.service = null;

            /**
             * FlowRecord externalTrafficPolicy.
             * @member {snatscope.v1.TrafficPolicy} externalTrafficPolicy
             * @memberof snatscope.v1.FlowRecord
             * @instance
             */
            FlowRecord.prototype.externalTrafficPolicy = 0;

            /**
             * FlowRecord proxyMode.
             * @member {snatscope.v1.ProxyMode} proxyMode
             * @memberof snatscope.v1.FlowRecord
             * @instance
             */
            FlowRecord.prototype.proxyMode = 0;

            /**
             * FlowRecord endpointLocal.
             * @member {boolean|null|undefined} endpointLocal
             * @memberof snatscope.v1.FlowRecord
             * @instance
             */
            FlowRecord.prototype.endpointLocal = null;

            /**
             * FlowRecord state.
             * @member {string} state
             * @memberof snatscope.v1.FlowRecord
             * @instance
             */
            FlowRecord.prototype.state = "";

            /**
             * FlowRecord conntrackId.
             * @member {number} conntrackId
             * @memberof snatscope.v1.FlowRecord
             * @instance
             */
            FlowRecord.prototype.conntrackId = 0;

            /**
             * FlowRecord observedAt.
             * @member {number} observedAt
             * @memberof snatscope.v1.FlowRecord
             * @instance
             */
            FlowRecord.prototype.observedAt = 0;

            /**
             * FlowRecord closed.
             * @member {boolean} closed
             * @memberof snatscope.v1.FlowRecord
             * @instance
             */
            FlowRecord.prototype.closed = false;

            /**
             * FlowRecord originalCounters.
             * @member {snatscope.v1.Counters.$Properties|null|undefined} originalCounters
             * @memberof snatscope.v1.FlowRecord
             * @instance
             */
            FlowRecord.prototype.originalCounters = null;

            /**
             * FlowRecord replyCounters.
             * @member {snatscope.v1.Counters.$Properties|null|undefined} replyCounters
             * @memberof snatscope.v1.FlowRecord
             * @instance
             */
            FlowRecord.prototype.replyCounters = null;

            /**
             * FlowRecord zone.
             * @member {number} zone
             * @memberof snatscope.v1.FlowRecord
             * @instance
             */
            FlowRecord.prototype.zone = 0;

            /**
             * FlowRecord mark.
             * @member {number} mark
             * @memberof snatscope.v1.FlowRecord
             * @instance
             */
            FlowRecord.prototype.mark = 0;

            /**
             * FlowRecord entryNode.
             * @member {string|null|undefined} entryNode
             * @memberof snatscope.v1.FlowRecord
             * @instance
             */
            FlowRecord.prototype.entryNode = null;

            /**
             * FlowRecord backendNode.
             * @member {string|null|undefined} backendNode
             * @memberof snatscope.v1.FlowRecord
             * @instance
             */
            FlowRecord.prototype.backendNode = null;

            /**
             * FlowRecord snatRule.
             * @member {snatscope.v1.RuleRef.$Properties|null|undefined} snatRule
             * @memberof snatscope.v1.FlowRecord
             * @instance
             */
            FlowRecord.prototype.snatRule = null;

            /**
             * FlowRecord backendPod.
             * @member {snatscope.v1.ObjectRef.$Properties|null|undefined} backendPod
             * @memberof snatscope.v1.FlowRecord
             * @instance
             */
            FlowRecord.prototype.backendPod = null;

            /**
             * FlowRecord clientNode.
             * @member {string|null|undefined} clientNode
             * @memberof snatscope.v1.FlowRecord
             * @instance
             */
            FlowRecord.prototype.clientNode = null;

            /**
             * FlowRecord socketObserved.
             * @member {snatscope.v1.HostPort.$Properties|null|undefined} socketObserved
             * @memberof snatscope.v1.FlowRecord
             * @instance
             */
            FlowRecord.prototype.socketObserved = null;

            /**
             * FlowRecord sampleRate.
             * @member {number} sampleRate
             * @memberof snatscope.v1.FlowRecord
             * @instance
             */
            FlowRecord.prototype.sampleRate = 0;

            /**
             * FlowRecord incarnation.
             * @member {number} incarnation
             * @memberof snatscope.v1.FlowRecord
             * @instance
             */
            FlowRecord.prototype.incarnation = 0;

            // OneOf field names bound to virtual getters and setters
            let $oneOfFields;

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(FlowRecord.prototype, "_endpointLocal", {
                get: $util.oneOfGetter($oneOfFields = ["endpointLocal"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(FlowRecord.prototype, "_entryNode", {
                get: $util.oneOfGetter($oneOfFields = ["entryNode"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(FlowRecord.prototype, "_backendNode", {
                get: $util.oneOfGetter($oneOfFields = ["backendNode"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(FlowRecord.prototype, "_clientNode", {
                get: $util.oneOfGetter($oneOfFields = ["clientNode"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            /**
             * Creates a new FlowRecord instance using the specified properties.
             * @function create
             * @memberof snatscope.v1.FlowRecord
             * @static
             * @param {snatscope.v1.FlowRecord.$Properties=} [properties] Properties to set
             * @returns {snatscope.v1.FlowRecord} FlowRecord instance
             * @type {{
             *   (properties: snatscope.v1.FlowRecord.$Shape): snatscope.v1.FlowRecord & snatscope.v1.FlowRecord.$Shape;
             *   (properties?: snatscope.v1.FlowRecord.$Properties): snatscope.v1.FlowRecord;
             * }}
             */
            FlowRecord.create = function(properties) {
                return new FlowRecord(properties);
            };

            /**
             * Encodes the specified FlowRecord message. Does not implicitly {@link snatscope.v1.FlowRecord.verify|verify} messages.
             * @function encode
             * @memberof snatscope.v1.FlowRecord
             * @static
             * @param {snatscope.v1.FlowRecord.$Properties} m FlowRecord message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            FlowRecord.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.kind != null && $Object.hasOwnProperty.call(m, "kind") && m.kind !== 0)
                    w.uint32(/* id 1, wireType 0 =*/8).int32(m.kind);
                if (m.node != null && $Object.hasOwnProperty.call(m, "node") && m.node !== "")
                    w.uint32(/* id 2, wireType 2 =*/18).string(m.node);
                if (m.protocol != null && $Object.hasOwnProperty.call(m, "protocol") && m.protocol !== "")
                    w.uint32(/* id 3, wireType 2 =*/26).string(m.protocol);
                if (m.client != null && $Object.hasOwnProperty.call(m, "client"))
                    $root.snatscope.v1.HostPort.encode(m.client, w.uint32(/* id 4, wireType 2 =*/34).fork(), q + 1).ldelim();
                if (m.entry != null && $Object.hasOwnProperty.call(m, "entry"))
                    $root.snatscope.v1.HostPort.encode(m.entry, w.uint32(/* id 5, wireType 2 =*/42).fork(), q + 1).ldelim();
                if (m.entryKind != null && $Object.hasOwnProperty.call(m, "entryKind") && m.entryKind !== 0)
                    w.uint32(/* id 6, wireType 0 =*/48).int32(m.entryKind);
                if (m.backend != null && $Object.hasOwnProperty.call(m, "backend"))
                    $root.snatscope.v1.HostPort.encode(m.backend, w.uint32(/* id 7, wireType 2 =*/58).fork(), q + 1).ldelim();
                if (m.observedSource != null && $Object.hasOwnProperty.call(m, "observedSource"))
                    $root.snatscope.v1.HostPort.encode(m.observedSource, w.uint32(/* id 8, wireType 2 =*/66).fork(), q + 1).ldelim();
                if (m.snat != null && $Object.hasOwnProperty.call(m, "snat") && m.snat !== false)
                    w.uint32(/* id 9, wireType 0 =*/72).bool(m.snat);
                if (m.cause != null && $Object.hasOwnProperty.call(m, "cause") && m.cause !== 0)
                    w.uint32(/* id 10, wireType 0 =*/80).int32(m.cause);
                if (m.service != null && $Object.hasOwnProperty.call(m, "service"))
                    $root.snatscope.v1.ServicePortName.encode(m.service, w.uint32(/* id 11, wireType 2 =*/90).fork(), q + 1).ldelim();
                if (m.externalTrafficPolicy != null && $Object.hasOwnProperty.call(m, "externalTrafficPolicy") && m.externalTrafficPolicy !== 0)
                    w.uint32(/* id 12, wireType 0 =*/96).int32(m.externalTrafficPolicy);
                if (m.proxyMode != null && $Object.hasOwnProperty.call(m, "proxyMode") && m.proxyMode !== 0)
                    w.uint32(/* id 13, wireType 0 =*/104).int32(m.proxyMode);
                if (m.endpointLocal != null && $Object.hasOwnProperty.call(m, "endpointLocal"))
                    w.uint32(/* id 14, wireType 0 =*/112).bool(m.endpointLocal);
                if (m.state != null && $Object.hasOwnProperty.call(m, "state") && m.state !== "")
                    w.uint32(/* id 15, wireType 2 =*/122).string(m.state);
                if (m.conntrackId != null && $Object.hasOwnProperty.call(m, "conntrackId") && m.conntrackId !== 0)
                    w.uint32(/* id 16, wireType 0 =*/128).uint32(m.conntrackId);
                if (m.observedAt != null && $Object.hasOwnProperty.call(m, "observedAt") && !$Object.is(m.observedAt, 0))
                    w.uint32(/* id 17, wireType 1 =*/137).double(m.observedAt);
                if (m.closed != null && $Object.hasOwnProperty.call(m, "closed") && m.closed !== false)
                    w.uint32(/* id 18, wireType 0 =*/144).bool(m.closed);
                if (m.originalCounters != null && $Object.hasOwnProperty.call(m, "originalCounters"))
                    $root.snatscope.v1.Counters.encode(m.originalCounters, w.uint32(/* id 19, wireType 2 =*/154).fork(), q + 1).ldelim();
                if (m.replyCounters != null && $Object.hasOwnProperty.call(m, "replyCounters"))
                    $root.snatscope.v1.Counters.encode(m.replyCounters, w.uint32(/* id 20, wireType 2 =*/162).fork(), q + 1).ldelim();
                if (m.zone != null && $Object.hasOwnProperty.call(m, "zone") && m.zone !== 0)
                    w.uint32(/* id 21, wireType 0 =*/168).uint32(m.zone);
                if (m.mark != null && $Object.hasOwnProperty.call(m, "mark") && m.mark !== 0)
                    w.uint32(/* id 22, wireType 0 =*/176).uint32(m.mark);
                if (m.entryNode != null && $Object.hasOwnProperty.call(m, "entryNode"))
                    w.uint32(/* id 23, wireType 2 =*/186).string(m.entryNode);
                if (m.backendNode != null && $Object.hasOwnProperty.call(m, "backendNode"))
                    w.uint32(/* id 24, wireType 2 =*/194).string(m.backendNode);
                if (m.snatRule != null && $Object.hasOwnProperty.call(m, "snatRule"))
                    $root.snatscope.v1.RuleRef.encode(m.snatRule, w.uint32(/* id 25, wireType 2 =*/202).fork(), q + 1).ldelim();
                if (m.backendPod != null && $Object.hasOwnProperty.call(m, "backendPod"))
                    $root.snatscope.v1.ObjectRef.encode(m.backendPod, w.uint32(/* id 26, wireType 2 =*/210).fork(), q + 1).ldelim();
                if (m.clientNode != null && $Object.hasOwnProperty.call(m, "clientNode"))
                    w.uint32(/* id 27, wireType 2 =*/218).string(m.clientNode);
                if (m.socketObserved != null && $Object.hasOwnProperty.call(m, "socketObserved"))
                    $root.snatscope.v1.HostPort.encode(m.socketObserved, w.uint32(/* id 28, wireType 2 =*/226).fork(), q + 1).ldelim();
                if (m.sampleRate != null && $Object.hasOwnProperty.call(m, "sampleRate") && m.sampleRate !== 0)
                    w.uint32(/* id 29, wireType 0 =*/232).uint32(m.sampleRate);
                if (m.incarnation != null && $Object.hasOwnProperty.call(m, "incarnation") && m.incarnation !== 0)
                    w.uint32(/* id 30, wireType 0 =*/240).uint32(m.incarnation);
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Encodes the specified FlowRecord message, length delimited. Does not implicitly {@link snatscope.v1.FlowRecord.verify|verify} messages.
             * @function encodeDelimited
             * @memberof snatscope.v1.FlowRecord
             * @static
             * @param {snatscope.v1.FlowRecord.$Properties} message FlowRecord message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            FlowRecord.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a FlowRecord message from the specified reader or buffer.
             * @function decode
             * @memberof snatscope.v1.FlowRecord
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {snatscope.v1.FlowRecord & snatscope.v1.FlowRecord.$Shape} FlowRecord
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            FlowRecord.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.snatscope.v1.FlowRecord();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 0)
                                break;
                            if (v = r.int32())
                                m.kind = v;
                            else
                                delete m.kind;
                            continue;
                        }
                    case 2: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.node = v;
                            else
                                delete m.node;
                            continue;
                        }
                    case 3: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.protocol = v;
                            else
                                delete m.protocol;
                            continue;
                        }
                    case 4: {
                            if (u !== 2)
                                break;
                            m.client = $root.snatscope.v1.HostPort.decode(r, r.size(), $undefined, q + 1, m.client);
                            continue;
                        }
                    case 5: {
                            if (u !== 2)
                                break;
                            m.entry = $root.snatscope.v1.HostPort.decode(r, r.size(), $undefined, q + 1, m.entry);
                            continue;
                        }
                    case 6: {
                            if (u !== 0)
                                break;
                            if (v = r.int32())
                                m.entryKind = v;
                            else
                                delete m.entryKind;
                            continue;
                        }
                    case 7: {
                            if (u !== 2)
                                break;
                            m.backend = $root.snatscope.v1.HostPort.decode(r, r.size(), $undefined, q + 1, m.backend);
                            continue;
                        }
                    case 8: {
                            if (u !== 2)
                                break;
                            m.observedSource = $root.snatscope.v1.HostPort.decode(r, r.size(), $undefined, q + 1, m.observedSource);
                            continue;
                        }
                    case 9: {
                            if (u !== 0)
                                break;
                            if (v = r.bool())
                                m.snat = v;
                            else
                                delete m.snat;
                            continue;
                        }
                    case 10: {
                            if (u !== 0)
                                break;
                            if (v = r.int32())
                                m.cause = v;
                            else
                                delete m.cause;
                            continue;
                        }
                    case 11: {
                            if (u !== 2)
                                break;
                            m.service = $root.snatscope.v1.ServicePortName.decode(r, r.size(), $undefined, q + 1, m.service);
                            continue;
                        }
                    case 12: {
                            if (u !== 0)
                                break;
                            if (v = r.int32())
                                m.externalTrafficPolicy = v;
                            else
                                delete m.externalTrafficPolicy;
                            continue;
                        }
                    case 13: {
                            if (u !== 0)
                                break;
                            if (v = r.int32())
                                m.proxyMode = v;
                            else
                                delete m.proxyMode;
                            continue;
                        }
                    case 14: {
                            if (u !== 0)
                                break;
                            m.endpointLocal = r.bool();
                            m._endpointLocal = "endpointLocal";
                            continue;
                        }
                    case 15: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.state = v;
                            else
                                delete m.state;
                            continue;
                        }
                    case 16: {
                            if (u !== 0)
                                break;
                            if (v = r.uint32())
                                m.conntrackId = v;
                            else
                                delete m.conntrackId;
                            continue;
                        }
                    case 17: {
                            if (u !== 1)
                                break;
                            if (!$Object.is(v = r.double(), 0))
                                m.observedAt = v;
                            else
                                delete m.observedAt;
                            continue;
                        }
                    case 18: {
                            if (u !== 0)
                                break;
                            if (v = r.bool())
                                m.closed = v;
                            else
                                delete m.closed;
                            continue;
                        }
                    case 19: {
                            if (u !== 2)
                                break;
                            m.originalCounters = $root.snatscope.v1.Counters.decode(r, r.size(), $undefined, q + 1, m.originalCounters);
                            continue;
                        }
                    case 20: {
                            if (u !== 2)
                                break;
                            m.replyCounters = $root.snatscope.v1.Counters.decode(r, r.size(), $undefined, q + 1, m.replyCounters);
                            continue;
                        }
                    case 21: {
                            if (u !== 0)
                                break;
                            if (v = r.uint32())
                                m.zone = v;
                            else
                                delete m.zone;
                            continue;
                        }
                    case 22: {
                            if (u !== 0)
                                break;
                            if (v = r.uint32())
                                m.mark = v;
                            else
                                delete m.mark;
                            continue;
                        }
                    case 23: {
                            if (u !== 2)
                                break;
                            m.entryNode = r.stringVerify();
                            m._entryNode = "entryNode";
                            continue;
                        }
                    case 24: {
                            if (u !== 2)
                                break;
                            m.backendNode = r.stringVerify();
                            m._backendNode = "backendNode";
                            continue;
                        }
                    case 25: {
                            if (u !== 2)
                                break;
                            m.snatRule = $root.snatscope.v1.RuleRef.decode(r, r.size(), $undefined, q + 1, m.snatRule);
                            continue;
                        }
                    case 26: {
                            if (u !== 2)
                                break;
                            m.backendPod = $root.snatscope.v1.ObjectRef.decode(r, r.size(), $undefined, q + 1, m.backendPod);
                            continue;
                        }
                    case 27: {
                            if (u !== 2)
                                break;
                            m.clientNode = r.stringVerify();
                            m._clientNode = "clientNode";
                            continue;
                        }
                    case 28: {
                            if (u !== 2)
                                break;
                            m.socketObserved = $root.snatscope.v1.HostPort.decode(r, r.size(), $undefined, q + 1, m.socketObserved);
                            continue;
                        }
                    case 29: {
                            if (u !== 0)
                                break;
                            if (v = r.uint32())
                                m.sampleRate = v;
                            else
                                delete m.sampleRate;
                            continue;
                        }
                    case 30: {
                            if (u !== 0)
                                break;
                            if (v = r.uint32())
                                m.incarnation = v;
                            else
                                delete m.incarnation;
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Decodes a FlowRecord message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof snatscope.v1.FlowRecord
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {snatscope.v1.FlowRecord & snatscope.v1.FlowRecord.$Shape} FlowRecord
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            FlowRecord.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a FlowRecord message.
             * @function verify
             * @memberof snatscope.v1.FlowRecord
             * @static
             * @param {Object.<string,*>} m Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            FlowRecord.verify = function (m, q) {
                if (typeof m !== "object" || m === null)
                    return "object expected";
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    return "max depth exceeded";
                var p = {};
                if (m.kind != null && $Object.hasOwnProperty.call(m, "kind")) {
                    if (typeof m.kind !== "number" || (m.kind | 0) !== m.kind)
                        return "kind: enum value expected";
                }
                if (m.node != null && $Object.hasOwnProperty.call(m, "node")) {
                    if (!$util.isString(m.node))
                        return "node: string expected";
                }
                if (m.protocol != null && $Object.hasOwnProperty.call(m, "protocol")) {
                    if (!$util.isString(m.protocol))
                        return "protocol: string expected";
                }
                if (m.client != null && $Object.hasOwnProperty.call(m, "client")) {
                    {
                        var e = $root.snatscope.v1.HostPort.verify(m.client, q + 1);
                        if (e)
                            return "client." + e;
                    }
                }
                if (m.entry != null && $Object.hasOwnProperty.call(m, "entry")) {
                    {
                        var e = $root.snatscope.v1.HostPort.verify(m.entry, q + 1);
                        if (e)
                            return "entry." + e;
                    }
                }
                if (m.entryKind != null && $Object.hasOwnProperty.call(m, "entryKind")) {
                    if (typeof m.entryKind !== "number" || (m.entryKind | 0) !== m.entryKind)
                        return "entryKind: enum value expected";
                }
                if (m.backend != null && $Object.hasOwnProperty.call(m, "backend")) {
                    {
                        var e = $root.snatscope.v1.HostPort.verify(m.backend, q + 1);
                        if (e)
                            return "backend." + e;
                    }
                }
                if (m.observedSource != null && $Object.hasOwnProperty.call(m, "observedSource")) {
                    {
                        var e = $root.snatscope.v1.HostPort.verify(m.observedSource, q + 1);
                        if (e)
                            return "observedSource." + e;
                    }
                }
                if (m.snat != null && $Object.hasOwnProperty.call(m, "snat")) {
                    if (typeof m.snat !== "boolean")
                        return "snat: boolean expected";
                }
                if (m.cause != null && $Object.hasOwnProperty.call(m, "cause")) {
                    if (typeof m.cause !== "number" || (m.cause | 0) !== m.cause)
                        return "cause: enum value expected";
                }
                if (m.service != null && $Object.hasOwnProperty.call(m, "service")) {
                    {
                        var e = $root.snatscope.v1.ServicePortName.verify(m.service, q + 1);
                        if (e)
                            return "service." + e;
                    }
                }
                if (m.externalTrafficPolicy != null && $Object.hasOwnProperty.call(m, "externalTrafficPolicy")) {
                    if (typeof m.externalTrafficPolicy !== "number" || (m.externalTrafficPolicy | 0) !== m.externalTrafficPolicy)
                        return "externalTrafficPolicy: enum value expected";
                }
                if (m.proxyMode != null && $Object.hasOwnProperty.call(m, "proxyMode")) {
                    if (typeof m.proxyMode !== "number" || (m.proxyMode | 0) !== m.proxyMode)
                        return "proxyMode: enum value expected";
                }
                if (m.endpointLocal != null && $Object.hasOwnProperty.call(m, "endpointLocal")) {
                    p._endpointLocal = 1;
                    if (typeof m.endpointLocal !== "boolean")
                        return "endpointLocal: boolean expected";
                }
                if (m.state != null && $Object.hasOwnProperty.call(m, "state")) {
                    if (!$util.isString(m.state))
                        return "state: string expected";
                }
                if (m.conntrackId != null && $Object.hasOwnProperty.call(m, "conntrackId")) {
                    if (!$util.isInteger(m.conntrackId))
                        return "conntrackId: integer expected";
                }
                if (m.observedAt != null && $Object.hasOwnProperty.call(m, "observedAt")) {
                    if (typeof m.observedAt !== "number")
                        return "observedAt: number expected";
                }
                if (m.closed != null && $Object.hasOwnProperty.call(m, "closed")) {
                    if (typeof m.closed !== "boolean")
                        return "closed: boolean expected";
                }
                if (m.originalCounters != null && $Object.hasOwnProperty.call(m, "originalCounters")) {
                    {
                        var e = $root.snatscope.v1.Counters.verify(m.originalCounters, q + 1);
                        if (e)
                            return "originalCounters." + e;
                    }
                }
                if (m.replyCounters != null && $Object.hasOwnProperty.call(m, "replyCounters")) {
                    {
                        var e = $root.snatscope.v1.Counters.verify(m.replyCounters, q + 1);
                        if (e)
                            return "replyCounters." + e;
                    }
                }
                if (m.zone != null && $Object.hasOwnProperty.call(m, "zone")) {
                    if (!$util.isInteger(m.zone))
                        return "zone: integer expected";
                }
                if (m.mark != null && $Object.hasOwnProperty.call(m, "mark")) {
                    if (!$util.isInteger(m.mark))
                        return "mark: integer expected";
                }
                if (m.entryNode != null && $Object.hasOwnProperty.call(m, "entryNode")) {
                    p._entryNode = 1;
                    if (!$util.isString(m.entryNode))
                        return "entryNode: string expected";
                }
                if (m.backendNode != null && $Object.hasOwnProperty.call(m, "backendNode")) {
                    p._backendNode = 1;
                    if (!$util.isString(m.backendNode))
                        return "backendNode: string expected";
                }
                if (m.snatRule != null && $Object.hasOwnProperty.call(m, "snatRule")) {
                    {
                        var e = $root.snatscope.v1.RuleRef.verify(m.snatRule, q + 1);
                        if (e)
                            return "snatRule." + e;
                    }
                }
                if (m.backendPod != null && $Object.hasOwnProperty.call(m, "backendPod")) {
                    {
                        var e = $root.snatscope.v1.ObjectRef.verify(m.backendPod, q + 1);
                        if (e)
                            return "backendPod." + e;
                    }
                }
                if (m.clientNode != null && $Object.hasOwnProperty.call(m, "clientNode")) {
                    p._clientNode = 1;
                    if (!$util.isString(m.clientNode))
                        return "clientNode: string expected";
                }
                if (m.socketObserved != null && $Object.hasOwnProperty.call(m, "socketObserved")) {
                    {
                        var e = $root.snatscope.v1.HostPort.verify(m.socketObserved, q + 1);
                        if (e)
                            return "socketObserved." + e;
                    }
                }
                if (m.sampleRate != null && $Object.hasOwnProperty.call(m, "sampleRate")) {
                    if (!$util.isInteger(m.sampleRate))
                        return "sampleRate: integer expected";
                }
                if (m.incarnation != null && $Object.hasOwnProperty.call(m, "incarnation")) {
                    if (!$util.isInteger(m.incarnation))
                        return "incarnation: integer expected";
                }
                return null;
            };

            /**
             * Creates a FlowRecord message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof snatscope.v1.FlowRecord
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {snatscope.v1.FlowRecord} FlowRecord
             */
            FlowRecord.fromObject = function (d, q) {
                if (d instanceof $root.snatscope.v1.FlowRecord)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".snatscope.v1.FlowRecord: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.snatscope.v1.FlowRecord();
                if (d.kind !== 0 && (typeof d.kind !== "string" || $root.snatscope.v1.FlowRecord.Kind[d.kind] !== 0)) {
                    switch (d.kind) {
                    case "flow":
                    case 0:
                        m.kind = 0;
                        break;
                    case "backend":
                    case 1:
                        m.kind = 1;
                        break;
                    default:
                        if (typeof d.kind === "number" && (d.kind | 0) === d.kind)
                            m.kind = d.kind;
                    }
                }
                if (d.node != null) {
                    if (typeof d.node !== "string" || d.node.length) {
                        m.node = $String(d.node);
                    }
                }
                if (d.protocol != null) {
                    if (typeof d.protocol !== "string" || d.protocol.length) {
                        m.protocol = $String(d.protocol);
                    }
                }
                if (d.client != null) {
                    if (!$util.isObject(d.client))
                        throw $TypeError(".snatscope.v1.FlowRecord.client: object expected");
                    m.client = $root.snatscope.v1.HostPort.fromObject(d.client, q + 1);
                }
                if (d.entry != null) {
                    if (!$util.isObject(d.entry))
                        throw $TypeError(".snatscope.v1.FlowRecord.entry: object expected");
                    m.entry = $root.snatscope.v1.HostPort.fromObject(d.entry, q + 1);
                }
                if (d.entryKind !== 0 && (typeof d.entryKind !== "string" || $root.snatscope.v1.FlowRecord.EntryKind[d.entryKind] !== 0)) {
                    switch (d.entryKind) {
                    case "NodePort":
                    case 0:
                        m.entryKind = 0;
                        break;
                    case "LoadBalancer":
                    case 1:
                        m.entryKind = 1;
                        break;
                    case "ExternalIP":
                    case 2:
                        m.entryKind = 2;
                        break;
                    default:
                        if (typeof d.entryKind === "number" && (d.entryKind | 0) === d.entryKind)
                            m.entryKind = d.entryKind;
                    }
                }
                if (d.backend != null) {
                    if (!$util.isObject(d.backend))
                        throw $TypeError(".snatscope.v1.FlowRecord.backend: object expected");
                    m.backend = $root.snatscope.v1.HostPort.fromObject(d.backend, q + 1);
                }
                if (d.observedSource != null) {
                    if (!$util.isObject(d.observedSource))
                        throw $TypeError(".snatscope.v1.FlowRecord.observedSource: object expected");
                    m.observedSource = $root.snatscope.v1.HostPort.fromObject(d.observedSource, q + 1);
                }
                if (d.snat != null) {
                    if (d.snat) {
                        m.snat = $Boolean(d.snat);
                    }
                }
                if (d.cause !== 0 && (typeof d.cause !== "string" || $root.snatscope.v1.FlowRecord.Cause[d.cause] !== 0)) {
                    switch (d.cause) {
                    case "None":
                    case 0:
                        m.cause = 0;
                        break;
                    case "ClusterPolicyMasquerade":
                    case 1:
                        m.cause = 1;
                        break;
                    case "LocalOrigin":
                    case 2:
                        m.cause = 2;
                        break;
                    case "Hairpin":
                    case 3:
                        m.cause = 3;
                        break;
                    case "OtherSnat":
                    case 4:
                        m.cause = 4;
                        break;
                    default:
                        if (typeof d.cause === "number" && (d.cause | 0) === d.cause)
                            m.cause = d.cause;
                    }
                }
                if (d.service != null) {
                    if (!$util.isObject(d.service))
                        throw $TypeError(".snatscope.v1.FlowRecord.service: object expected");
                    m.service = $root.snatscope.v1.ServicePortName.fromObject(d.service, q + 1);
                }
                if (d.externalTrafficPolicy !== 0 && (typeof d.externalTrafficPolicy !== "string" || $root.snatscope.v1.TrafficPolicy[d.externalTrafficPolicy] !== 0)) {
                    switch (d.externalTrafficPolicy) {
                    case "Cluster":
                    case 0:
                        m.externalTrafficPolicy = 0;
                        break;
                    case "Local":
                    case 1:
                        m.externalTrafficPolicy = 1;
                        break;
                    default:
                        if (typeof d.externalTrafficPolicy === "number" && (d.externalTrafficPolicy | 0) === d.externalTrafficPolicy)
                            m.externalTrafficPolicy = d.externalTrafficPolicy;
                    }
                }
                if (d.proxyMode !== 0 && (typeof d.proxyMode !== "string" || $root.snatscope.v1.ProxyMode[d.proxyMode] !== 0)) {
                    switch (d.proxyMode) {
                    case "iptables":
                    case 0:
                        m.proxyMode = 0;
                        break;
                    case "ipvs":
                    case 1:
                        m.proxyMode = 1;
                        break;
                    case "nftables":
                    case 2:
                        m.proxyMode = 2;
                        break;
                    default:
                        if (typeof d.proxyMode === "number" && (d.proxyMode | 0) === d.proxyMode)
                            m.proxyMode = d.proxyMode;
                    }
                }
                if (d.endpointLocal != null) {
                    m.endpointLocal = $Boolean(d.endpointLocal);
                }
                if (d.state != null) {
                    if (typeof d.state !== "string" || d.state.length) {
                        m.state = $String(d.state);
                    }
                }
                if (d.conntrackId != null) {
                    if ($Number(d.conntrackId) !== 0) {
                        m.conntrackId = d.conntrackId >>> 0;
                    }
                }
                if (d.observedAt != null) {
                    if (!$Object.is($Number(d.observedAt), 0)) {
                        m.observedAt = $Number(d.observedAt);
                    }
                }
                if (d.closed != null) {
                    if (d.closed) {
                        m.closed = $Boolean(d.closed);
                    }
                }
                if (d.originalCounters != null) {
                    if (!$util.isObject(d.originalCounters))
                        throw $TypeError(".snatscope.v1.FlowRecord.originalCounters: object expected");
                    m.originalCounters = $root.snatscope.v1.Counters.fromObject(d.originalCounters, q + 1);
                }
                if (d.replyCounters != null) {
                    if (!$util.isObject(d.replyCounters))
                        throw $TypeError(".snatscope.v1.FlowRecord.replyCounters: object expected");
                    m.replyCounters = $root.snatscope.v1.Counters.fromObject(d.replyCounters, q + 1);
                }
                if (d.zone != null) {
                    if ($Number(d.zone) !== 0) {
                        m.zone = d.zone >>> 0;
                    }
                }
                if (d.mark != null) {
                    if ($Number(d.mark) !== 0) {
                        m.mark = d.mark >>> 0;
                    }
                }
                if (d.entryNode != null) {
                    m.entryNode = $String(d.entryNode);
                }
                if (d.backendNode != null) {
                    m.backendNode = $String(d.backendNode);
                }
                if (d.snatRule != null) {
                    if (!$util.isObject(d.snatRule))
                        throw $TypeError(".snatscope.v1.FlowRecord.snatRule: object expected");
                    m.snatRule = $root.snatscope.v1.RuleRef.fromObject(d.snatRule, q + 1);
                }
                if (d.backendPod != null) {
                    if (!$util.isObject(d.backendPod))
                        throw $TypeError(".snatscope.v1.FlowRecord.backendPod: object expected");
                    m.backendPod = $root.snatscope.v1.ObjectRef.fromObject(d.backendPod, q + 1);
                }
                if (d.clientNode != null) {
                    m.clientNode = $String(d.clientNode);
                }
                if (d.socketObserved != null) {
                    if (!$util.isObject(d.socketObserved))
                        throw $TypeError(".snatscope.v1.FlowRecord.socketObserved: object expected");
                    m.socketObserved = $root.snatscope.v1.HostPort.fromObject(d.socketObserved, q + 1);
                }
                if (d.sampleRate != null) {
                    if ($Number(d.sampleRate) !== 0) {
                        m.sampleRate = d.sampleRate >>> 0;
                    }
                }
                if (d.incarnation != null) {
                    if ($Number(d.incarnation) !== 0) {
                        m.incarnation = d.incarnation >>> 0;
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from a FlowRecord message. Also converts values to other types if specified.
             * @function toObject
             * @memberof snatscope.v1.FlowRecord
             * @static
             * @param {snatscope.v1.FlowRecord} m FlowRecord
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            FlowRecord.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.defaults) {
                    d.kind = o.enums === $String ? "flow" : 0;
                    d.node = "";
                    d.protocol = "";
                    d.client = null;
                    d.entry = null;
                    d.entryKind = o.enums === $String ? "NodePort" : 0;
                    d.backend = null;
                    d.observedSource = null;
                    d.snat = false;
                    d.cause = o.enums === $String ? "None" : 0;
                    d.service = null;
                    d.externalTrafficPolicy = o.enums === $String ? "Cluster" : 0;
                    d.proxyMode = o.enums === $String ? "iptables" : 0;
                    d.state = "";
                    d.conntrackId = 0;
                    d.observedAt = 0;
                    d.closed = false;
                    d.originalCounters = null;
                    d.replyCounters = null;
                    d.zone = 0;
                    d.mark = 0;
                    d.snatRule = null;
                    d.backendPod = null;
                    d.socketObserved = null;
                    d.sampleRate = 0;
                    d.incarnation = 0;
                }
                if (m.kind != null && $Object.hasOwnProperty.call(m, "kind")) {
                    d.kind = o.enums === $String ? $root.snatscope.v1.FlowRecord.Kind[m.kind] === $undefined ? m.kind : $root.snatscope.v1.FlowRecord.Kind[m.kind] : m.kind;
                }
                if (m.node != null && $Object.hasOwnProperty.call(m, "node")) {
                    d.node = m.node;
                }
                if (m.protocol != null && $Object.hasOwnProperty.call(m, "protocol")) {
                    d.protocol = m.protocol;
                }
                if (m.client != null && $Object.hasOwnProperty.call(m, "client")) {
                    d.client = $root.snatscope.v1.HostPort.toObject(m.client, o, q + 1);
                }
                if (m.entry != null && $Object.hasOwnProperty.call(m, "entry")) {
                    d.entry = $root.snatscope.v1.HostPort.toObject(m.entry, o, q + 1);
                }
                if (m.entryKind != null && $Object.hasOwnProperty.call(m, "entryKind")) {
                    d.entryKind = o.enums === $String ? $root.snatscope.v1.FlowRecord.EntryKind[m.entryKind] === $undefined ? m.entryKind : $root.snatscope.v1.FlowRecord.EntryKind[m.entryKind] : m.entryKind;
                }
                if (m.backend != null && $Object.hasOwnProperty.call(m, "backend")) {
                    d.backend = $root.snatscope.v1.HostPort.toObject(m.backend, o, q + 1);
                }
                if (m.observedSource != null && $Object.hasOwnProperty.call(m, "observedSource")) {
                    d.observedSource = $root.snatscope.v1.HostPort.toObject(m.observedSource, o, q + 1);
                }
                if (m.snat != null && $Object.hasOwnProperty.call(m, "snat")) {
                    d.snat = m.snat;
                }
                if (m.cause != null && $Object.hasOwnProperty.call(m, "cause")) {
                    d.cause = o.enums === $String ? $root.snatscope.v1.FlowRecord.Cause[m.cause] === $undefined ? m.cause : $root.snatscope.v1.FlowRecord.Cause[m.cause] : m.cause;
                }
                if (m.service != null && $Object.hasOwnProperty.call(m, "service")) {
                    d.service = $root.snatscope.v1.ServicePortName.toObject(m.service, o, q + 1);
                }
                if (m.externalTrafficPolicy != null && $Object.hasOwnProperty.call(m, "externalTrafficPolicy")) {
                    d.externalTrafficPolicy = o.enums === $String ? $root.snatscope.v1.TrafficPolicy[m.externalTrafficPolicy] === $undefined ? m.externalTrafficPolicy : $root.snatscope.v1.TrafficPolicy[m.externalTrafficPolicy] : m.externalTrafficPolicy;
                }
                if (m.proxyMode != null && $Object.hasOwnProperty.call(m, "proxyMode")) {
                    d.proxyMode = o.enums === $String ? $root.snatscope.v1.ProxyMode[m.proxyMode] === $undefined ? m.proxyMode : $root.snatscope.v1.ProxyMode[m.proxyMode] : m.proxyMode;
                }
                if (m.endpointLocal != null && $Object.hasOwnProperty.call(m, "endpointLocal")) {
                    d.endpointLocal = m.endpointLocal;
                }
                if (m.state != null && $Object.hasOwnProperty.call(m, "state")) {
                    d.state = m.state;
                }
                if (m.conntrackId != null && $Object.hasOwnProperty.call(m, "conntrackId")) {
                    d.conntrackId = m.conntrackId;
                }
                if (m.observedAt != null && $Object.hasOwnProperty.call(m, "observedAt")) {
                    d.observedAt = o.json && !$isFinite(m.observedAt) ? $String(m.observedAt) : m.observedAt;
                }
                if (m.closed != null && $Object.hasOwnProperty.call(m, "closed")) {
                    d.closed = m.closed;
                }
                if (m.originalCounters != null && $Object.hasOwnProperty.call(m, "originalCounters")) {
                    d.originalCounters = $root.snatscope.v1.Counters.toObject(m.originalCounters, o, q + 1);
                }
                if (m.replyCounters != null && $Object.hasOwnProperty.call(m, "replyCounters")) {
                    d.replyCounters = $root.snatscope.v1.Counters.toObject(m.replyCounters, o, q + 1);
                }
                if (m.zone != null && $Object.hasOwnProperty.call(m, "zone")) {
                    d.zone = m.zone;
                }
                if (m.mark != null && $Object.hasOwnProperty.call(m, "mark")) {
                    d.mark = m.mark;
                }
                if (m.entryNode != null && $Object.hasOwnProperty.call(m, "entryNode")) {
                    d.entryNode = m.entryNode;
                }
                if (m.backendNode != null && $Object.hasOwnProperty.call(m, "backendNode")) {
                    d.backendNode = m.backendNode;
                }
                if (m.snatRule != null && $Object.hasOwnProperty.call(m, "snatRule")) {
                    d.snatRule = $root.snatscope.v1.RuleRef.toObject(m.snatRule, o, q + 1);
                }
                if (m.backendPod != null && $Object.hasOwnProperty.call(m, "backendPod")) {
                    d.backendPod = $root.snatscope.v1.ObjectRef.toObject(m.backendPod, o, q + 1);
                }
                if (m.clientNode != null && $Object.hasOwnProperty.call(m, "clientNode")) {
                    d.clientNode = m.clientNode;
                }
                if (m.socketObserved != null && $Object.hasOwnProperty.call(m, "socketObserved")) {
                    d.socketObserved = $root.snatscope.v1.HostPort.toObject(m.socketObserved, o, q + 1);
                }
                if (m.sampleRate != null && $Object.hasOwnProperty.call(m, "sampleRate")) {
                    d.sampleRate = m.sampleRate;
                }
                if (m.incarnation != null && $Object.hasOwnProperty.call(m, "incarnation")) {
                    d.incarnation = m.incarnation;
                }
                return d;
            };

            /**
             * Converts this FlowRecord to JSON.
             * @function toJSON
             * @memberof snatscope.v1.FlowRecord
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            FlowRecord.prototype.toJSON = function() {
                return FlowRecord.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for FlowRecord
             * @function getTypeUrl
             * @memberof snatscope.v1.FlowRecord
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            FlowRecord.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/snatscope.v1.FlowRecord";
            };

            /**
             * Kind enum.
             * @name snatscope.v1.FlowRecord.Kind
             * @enum {number}
             * @property {number} flow=0 flow value
             * @property {number} backend=1 backend value
             */
            FlowRecord.Kind = (function() {
                const valuesById = $Object.create(null), values = $Object.create(valuesById);
                values[valuesById[0] = "flow"] = 0;
                values[valuesById[1] = "backend"] = 1;
                return values;
            })();

            /**
             * EntryKind enum.
             * @name snatscope.v1.FlowRecord.EntryKind
             * @enum {number}
             * @property {number} NodePort=0 NodePort value
             * @property {number} LoadBalancer=1 LoadBalancer value
             * @property {number} ExternalIP=2 ExternalIP value
             */
            FlowRecord.EntryKind = (function() {
                const valuesById = $Object.create(null), values = $Object.create(valuesById);
                values[valuesById[0] = "NodePort"] = 0;
                values[valuesById[1] = "LoadBalancer"] = 1;
                values[valuesById[2] = "ExternalIP"] = 2;
                return values;
            })();

            /**
             * Cause enum.
             * @name snatscope.v1.FlowRecord.Cause
             * @enum {number}
             * @property {number} None=0 None value
             * @property {number} ClusterPolicyMasquerade=1 ClusterPolicyMasquerade value
             * @property {number} LocalOrigin=2 LocalOrigin value
             * @property {number} Hairpin=3 Hairpin value
             * @property {number} OtherSnat=4 OtherSnat value
             */
            FlowRecord.Cause = (function() {
                const valuesById = $Object.create(null), values = $Object.create(valuesById);
                values[valuesById[0] = "None"] = 0;
                values[valuesById[1] = "ClusterPolicyMasquerade"] = 1;
                values[valuesById[2] = "LocalOrigin"] = 2;
                values[valuesById[3] = "Hairpin"] = 3;
                values[valuesById[4] = "OtherSnat"] = 4;
                return values;
            })();

            return FlowRecord;
        })();

        v1.ServiceEndpoint = (function() {

            /**
             * Properties of a ServiceEndpoint.
             * @typedef {Object} snatscope.v1.ServiceEndpoint.$Properties
             * @property {string|null} [ip] ServiceEndpoint ip
             * @property {number|null} [port] ServiceEndpoint port
             * @property {boolean|null} [local] ServiceEndpoint local
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a ServiceEndpoint.
             * @memberof snatscope.v1
             * @interface IServiceEndpoint
             * @augments snatscope.v1.ServiceEndpoint.$Properties
             * @deprecated Use snatscope.v1.ServiceEndpoint.$Properties instead.
             */

            /**
             * Shape of a ServiceEndpoint.
             * @typedef {snatscope.v1.ServiceEndpoint.$Properties} snatscope.v1.ServiceEndpoint.$Shape
             */

            /**
             * Constructs a new ServiceEndpoint.
             * @memberof snatscope.v1
             * @classdesc Represents a ServiceEndpoint.
             * @constructor
             * @param {snatscope.v1.ServiceEndpoint.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const ServiceEndpoint = function (p) {
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * ServiceEndpoint ip.
             * @member {string} ip
             * @memberof snatscope.v1.ServiceEndpoint
             * @instance
             */
            ServiceEndpoint.prototype.ip = "";

            /**
             * ServiceEndpoint port.
             * @member {number} port
             * @memberof snatscope.v1.ServiceEndpoint
             * @instance
             */
            ServiceEndpoint.prototype.port = 0;

            /**
             * ServiceEndpoint local.
             * @member {boolean|null|undefined} local
             * @memberof snatscope.v1.ServiceEndpoint
             * @instance
             */
            ServiceEndpoint.prototype.local = null;

            // OneOf field names bound to virtual getters and setters
            let $oneOfFields;

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(ServiceEndpoint.prototype, "_local", {
                get: $util.oneOfGetter($oneOfFields = ["local"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            /**
             * Creates a new ServiceEndpoint instance using the specified properties.
             * @function create
             * @memberof snatscope.v1.ServiceEndpoint
             * @static
             * @param {snatscope.v1.ServiceEndpoint.$Properties=} [properties] Properties to set
             * @returns {snatscope.v1.ServiceEndpoint} ServiceEndpoint instance
             * @type {{
             *   (properties: snatscope.v1.ServiceEndpoint.$Shape): snatscope.v1.ServiceEndpoint & snatscope.v1.ServiceEndpoint.$Shape;
             *   (properties?: snatscope.v1.ServiceEndpoint.$Properties): snatscope.v1.ServiceEndpoint;
             * }}
             */
            ServiceEndpoint.create = function(properties) {
                return new ServiceEndpoint(properties);
            };

            /**
             * Encodes the specified ServiceEndpoint message. Does not implicitly {@link snatscope.v1.ServiceEndpoint.verify|verify} messages.
             * @function encode
             * @memberof snatscope.v1.ServiceEndpoint
             * @static
             * @param {snatscope.v1.ServiceEndpoint.$Properties} m ServiceEndpoint message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ServiceEndpoint.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.ip != null && $Object.hasOwnProperty.call(m, "ip") && m.ip !== "")
                    w.uint32(/* id 1, wireType 2 =*/10).string(m.ip);
                if (m.port != null && $Object.hasOwnProperty.call(m, "port") && m.port !== 0)
                    w.uint32(/* id 2, wireType 0 =*/16).uint32(m.port);
                if (m.local != null && $Object.hasOwnProperty.call(m, "local"))
                    w.uint32(/* id 3, wireType 0 =*/24).bool(m.local);
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Encodes the specified ServiceEndpoint message, length delimited. Does not implicitly {@link snatscope.v1.ServiceEndpoint.verify|verify} messages.
             * @function encodeDelimited
             * @memberof snatscope.v1.ServiceEndpoint
             * @static
             * @param {snatscope.v1.ServiceEndpoint.$Properties} message ServiceEndpoint message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ServiceEndpoint.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a ServiceEndpoint message from the specified reader or buffer.
             * @function decode
             * @memberof snatscope.v1.ServiceEndpoint
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {snatscope.v1.ServiceEndpoint & snatscope.v1.ServiceEndpoint.$Shape} ServiceEndpoint
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ServiceEndpoint.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.snatscope.v1.ServiceEndpoint();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.ip = v;
                            else
                                delete m.ip;
                            continue;
                        }
                    case 2: {
                            if (u !== 0)
                                break;
                            if (v = r.uint32())
                                m.port = v;
                            else
                                delete m.port;
                            continue;
                        }
                    case 3: {
                            if (u !== 0)
                                break;
                            m.local = r.bool();
                            m._local = "local";
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Decodes a ServiceEndpoint message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof snatscope.v1.ServiceEndpoint
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {snatscope.v1.ServiceEndpoint & snatscope.v1.ServiceEndpoint.$Shape} ServiceEndpoint
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ServiceEndpoint.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a ServiceEndpoint message.
             * @function verify
             * @memberof snatscope.v1.ServiceEndpoint
             * @static
             * @param {Object.<string,*>} m Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            ServiceEndpoint.verify = function (m, q) {
                if (typeof m !== "object" || m === null)
                    return "object expected";
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    return "max depth exceeded";
                var p = {};
                if (m.ip != null && $Object.hasOwnProperty.call(m, "ip")) {
                    if (!$util.isString(m.ip))
                        return "ip: string expected";
                }
                if (m.port != null && $Object.hasOwnProperty.call(m, "port")) {
                    if (!$util.isInteger(m.port))
                        return "port: integer expected";
                }
                if (m.local != null && $Object.hasOwnProperty.call(m, "local")) {
                    p._local = 1;
                    if (typeof m.local !== "boolean")
                        return "local: boolean expected";
                }
                return null;
            };

            /**
             * Creates a ServiceEndpoint message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof snatscope.v1.ServiceEndpoint
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {snatscope.v1.ServiceEndpoint} ServiceEndpoint
             */
            ServiceEndpoint.fromObject = function (d, q) {
                if (d instanceof $root.snatscope.v1.ServiceEndpoint)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".snatscope.v1.ServiceEndpoint: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.snatscope.v1.ServiceEndpoint();
                if (d.ip != null) {
                    if (typeof d.ip !== "string" || d.ip.length) {
                        m.ip = $String(d.ip);
                    }
                }
                if (d.port != null) {
                    if ($Number(d.port) !== 0) {
                        m.port = d.port >>> 0;
                    }
                }
                if (d.local != null) {
                    m.local = $Boolean(d.local);
                }
                return m;
            };

            /**
             * Creates a plain object from a ServiceEndpoint message. Also converts values to other types if specified.
             * @function toObject
             * @memberof snatscope.v1.ServiceEndpoint
             * @static
             * @param {snatscope.v1.ServiceEndpoint} m ServiceEndpoint
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            ServiceEndpoint.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.defaults) {
                    d.ip = "";
                    d.port = 0;
                }
                if (m.ip != null && $Object.hasOwnProperty.call(m, "ip")) {
                    d.ip = m.ip;
                }
                if (m.port != null && $Object.hasOwnProperty.call(m, "port")) {
                    d.port = m.port;
                }
                if (m.local != null && $Object.hasOwnProperty.call(m, "local")) {
                    d.local = m.local;
                }
                return d;
            };

            /**
             * Converts this ServiceEndpoint to JSON.
             * @function toJSON
             * @memberof snatscope.v1.ServiceEndpoint
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            ServiceEndpoint.prototype.toJSON = function() {
                return ServiceEndpoint.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for ServiceEndpoint
             * @function getTypeUrl
             * @memberof snatscope.v1.ServiceEndpoint
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            ServiceEndpoint.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/snatscope.v1.ServiceEndpoint";
            };

            return ServiceEndpoint;
        })();

        v1.ServiceState = (function() {

            /**
             * Properties of a ServiceState.
             * @typedef {Object} snatscope.v1.ServiceState.$Properties
             * @property {string|null} [node] ServiceState node
             * @property {snatscope.v1.ServicePortName.$Properties|null} [service] ServiceState service
             * @property {string|null} [protocol] ServiceState protocol
             * @property {number|null} [nodePort] ServiceState nodePort
             * @property {Array.<string>|null} [loadBalancerIPs] ServiceState loadBalancerIPs
             * @property {Array.<string>|null} [externalIPs] ServiceState externalIPs
             * @property {snatscope.v1.TrafficPolicy|null} [externalTrafficPolicy] ServiceState externalTrafficPolicy
             * @property {number|null} [healthCheckNodePort] ServiceState healthCheckNodePort
             * @property {Array.<snatscope.v1.ServiceEndpoint.$Properties>|null} [endpoints] ServiceState endpoints
             * @property {number|null} [localEndpoints] ServiceState localEndpoints
             * @property {snatscope.v1.Counters.$Properties|null} [noLocalEndpointDrops] ServiceState noLocalEndpointDrops
             * @property {Array.<string>|null} [clusterIPs] ServiceState clusterIPs
             * @property {snatscope.v1.ProxyMode|null} [proxyMode] ServiceState proxyMode
             * @property {number|null} [port] ServiceState port
             * @property {boolean|null} [forwardsWithoutLocalEndpoints] ServiceState forwardsWithoutLocalEndpoints
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a ServiceState.
             * @memberof snatscope.v1
             * @interface IServiceState
             * @augments snatscope.v1.ServiceState.$Properties
             * @deprecated Use snatscope.v1.ServiceState.$Properties instead.
             */

            /**
             * Shape of a ServiceState.
             * @typedef {snatscope.v1.ServiceState.$Properties} snatscope.v1.ServiceState.$Shape
             */

            /**
             * Constructs a new ServiceState.
             * @memberof snatscope.v1
             * @classdesc Represents a ServiceState.
             * @constructor
             * @param {snatscope.v1.ServiceState.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const ServiceState = function (p) {
                this.loadBalancerIPs = [];
                this.externalIPs = [];
                this.endpoints = [];
                this.clusterIPs = [];
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * ServiceState node.
             * @member {string} node
             * @memberof snatscope.v1.ServiceState
             * @instance
             */
            ServiceState.prototype.node = "";

            /**
             * ServiceState service.
             * @member {snatscope.v1.ServicePortName.$Properties|null|undefined} service
             * @memberof snatscope.v1.ServiceState
             * @instance
             */
            ServiceState.prototype.service = null;

            /**
             * ServiceState protocol.
             * @member {string} protocol
             * @memberof snatscope.v1.ServiceState
             * @instance
             */
            ServiceState.prototype.protocol = "";

            /**
             * ServiceState nodePort.
             * @member {number|null|undefined} nodePort
             * @memberof snatscope.v1.ServiceState
             * @instance
             */
            ServiceState.prototype.nodePort = null;

            /**
             * ServiceState loadBalancerIPs.
             * @member {Array.<string>} loadBalancerIPs
             * @memberof snatscope.v1.ServiceState
             * @instance
             */
            ServiceState.prototype.loadBalancerIPs = $util.emptyArray;

            /**
             * ServiceState externalIPs.
             * @member {Array.<string>} externalIPs
             * @memberof snatscope.v1.ServiceState
             * @instance
             */
            ServiceState.prototype.externalIPs = $util.emptyArray;

            /**
             * ServiceState externalTrafficPolicy.
             * @member {snatscope.v1.TrafficPolicy} externalTrafficPolicy
             * @memberof snatscope.v1.ServiceState
             * @instance
             */
            ServiceState.prototype.externalTrafficPolicy = 0;

            /**
             * ServiceState healthCheckNodePort.
             * @member {number|null|undefined} healthCheckNodePort
             * @memberof snatscope.v1.ServiceState
             * @instance
             */
            ServiceState.prototype.healthCheckNodePort = null;

            /**
             * ServiceState endpoints.
             * @member {Array.<snatscope.v1.ServiceEndpoint.$Properties>} endpoints
             * @memberof snatscope.v1.ServiceState
             * @instance
             */
            ServiceState.prototype.endpoints = $util.emptyArray;

            /**
             * ServiceState localEndpoints.
             * @member {number} localEndpoints
             * @memberof snatscope.v1.ServiceState
             * @instance
             */
            ServiceState.prototype.localEndpoints = 0;

            /**
             * ServiceState noLocalEndpointDrops.
             * @member {snatscope.v1.Counters.$Properties|null|undefined} noLocalEndpointDrops
             * @memberof snatscope.v1.ServiceState
             * @instance
             */
            ServiceState.prototype.noLocalEndpointDrops = null;

            /**
             * ServiceState clusterIPs.
             * @member {Array.<string>} clusterIPs
             * @memberof snatscope.v1.ServiceState
             * @instance
             */
            ServiceState.prototype.clusterIPs = $util.emptyArray;

            /**
             * ServiceState proxyMode.
             * @member {snatscope.v1.ProxyMode} proxyMode
             * @memberof snatscope.v1.ServiceState
             * @instance
             */
            ServiceState.prototype.proxyMode = 0;

            /**
             * ServiceState port.
             * @member {number} port
             * @memberof snatscope.v1.ServiceState
             * @instance
             */
            ServiceState.prototype.port = 0;

            /**
             * ServiceState forwardsWithoutLocalEndpoints.
             * @member {boolean} forwardsWithoutLocalEndpoints
             * @memberof snatscope.v1.ServiceState
             * @instance
             */
            ServiceState.prototype.forwardsWithoutLocalEndpoints = false;

            // OneOf field names bound to virtual getters and setters
            let $oneOfFields;

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(ServiceState.prototype, "_nodePort", {
                get: $util.oneOfGetter($oneOfFields = ["nodePort"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(ServiceState.prototype, "_healthCheckNodePort", {
                get: $util.oneOfGetter($oneOfFields = ["healthCheckNodePort"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            /**
             * Creates a new ServiceState instance using the specified properties.
             * @function create
             * @memberof snatscope.v1.ServiceState
             * @static
             * @param {snatscope.v1.ServiceState.$Properties=} [properties] Properties to set
             * @returns {snatscope.v1.ServiceState} ServiceState instance
             * @type {{
             *   (properties: snatscope.v1.ServiceState.$Shape): snatscope.v1.ServiceState & snatscope.v1.ServiceState.$Shape;
             *   (properties?: snatscope.v1.ServiceState.$Properties): snatscope.v1.ServiceState;
             * }}
             */
            ServiceState.create = function(properties) {
                return new ServiceState(properties);
            };

            /**
             * Encodes the specified ServiceState message. Does not implicitly {@link snatscope.v1.ServiceState.verify|verify} messages.
             * @function encode
             * @memberof snatscope.v1.ServiceState
             * @static
             * @param {snatscope.v1.ServiceState.$Properties} m ServiceState message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ServiceState.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.node != null && $Object.hasOwnProperty.call(m, "node") && m.node !== "")
                    w.uint32(/* id 1, wireType 2 =*/10).string(m.node);
                if (m.service != null && $Object.hasOwnProperty.call(m, "service"))
                    $root.snatscope.v1.ServicePortName.encode(m.service, w.uint32(/* id 2, wireType 2 =*/18).fork(), q + 1).ldelim();
                if (m.protocol != null && $Object.hasOwnProperty.call(m, "protocol") && m.protocol !== "")
                    w.uint32(/* id 3, wireType 2 =*/26).string(m.protocol);
                if (m.nodePort != null && $Object.hasOwnProperty.call(m, "nodePort"))
                    w.uint32(/* id 4, wireType 0 =*/32).uint32(m.nodePort);
                if (m.loadBalancerIPs != null && m.loadBalancerIPs.length) {
                    for (var i = 0; i < m.loadBalancerIPs.length; ++i)
                        w.uint32(/* id 5, wireType 2 =*/42).string(m.loadBalancerIPs[i]);
                }
                if (m.externalIPs != null && m.externalIPs.length) {
                    for (var i = 0; i < m.externalIPs.length; ++i)
                        w.uint32(/* id 6, wireType 2 =*/50).string(m.externalIPs[i]);
                }
                if (m.externalTrafficPolicy != null && $Object.hasOwnProperty.call(m, "externalTrafficPolicy") && m.externalTrafficPolicy !== 0)
                    w.uint32(/* id 7, wireType 0 =*/56).int32(m.externalTrafficPolicy);
                if (m.healthCheckNodePort != null && $Object.hasOwnProperty.call(m, "healthCheckNodePort"))
                    w.uint32(/* id 8, wireType 0 =*/64).uint32(m.healthCheckNodePort);
                if (m.endpoints != null && m.endpoints.length) {
                    for (var i = 0; i < m.endpoints.length; ++i)
                        $root.snatscope.v1.ServiceEndpoint.encode(m.endpoints[i], w.uint32(/* id 9, wireType 2 =*/74).fork(), q + 1).ldelim();
                }
                if (m.localEndpoints != null && $Object.hasOwnProperty.call(m, "localEndpoints") && m.localEndpoints !== 0)
                    w.uint32(/* id 10, wireType 0 =*/80).uint32(m.localEndpoints);
                if (m.noLocalEndpointDrops != null && $Object.hasOwnProperty.call(m, "noLocalEndpointDrops"))
                    $root.snatscope.v1.Counters.encode(m.noLocalEndpointDrops, w.uint32(/* id 11, wireType 2 =*/90).fork(), q + 1).ldelim();
                if (m.clusterIPs != null && m.clusterIPs.length) {
                    for (var i = 0; i < m.clusterIPs.length; ++i)
                        w.uint32(/* id 12, wireType 2 =*/98).string(m.clusterIPs[i]);
                }
                if (m.proxyMode != null && $Object.hasOwnProperty.call(m, "proxyMode") && m.proxyMode !== 0)
                    w.uint32(/* id 13, wireType 0 =*/104).int32(m.proxyMode);
                if (m.port != null && $Object.hasOwnProperty.call(m, "port") && m.port !== 0)
                    w.uint32(/* id 14, wireType 0 =*/112).uint32(m.port);
                if (m.forwardsWithoutLocalEndpoints != null && $Object.hasOwnProperty.call(m, "forwardsWithoutLocalEndpoints") && m.forwardsWithoutLocalEndpoints !== false)
                    w.uint32(/* id 15, wireType 0 =*/120).bool(m.forwardsWithoutLocalEndpoints);
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Encodes the specified ServiceState message, length delimited. Does not implicitly {@link snatscope.v1.ServiceState.verify|verify} messages.
             * @function encodeDelimited
             * @memberof snatscope.v1.ServiceState
             * @static
             * @param {snatscope.v1.ServiceState.$Properties} message ServiceState message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ServiceState.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a ServiceState message from the specified reader or buffer.
             * @function decode
             * @memberof snatscope.v1.ServiceState
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {snatscope.v1.ServiceState & snatscope.v1.ServiceState.$Shape} ServiceState
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ServiceState.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.snatscope.v1.ServiceState();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.node = v;
                            else
                                delete m.node;
                            continue;
                        }
                    case 2: {
                            if (u !== 2)
                                break;
                            m.service = $root.snatscope.v1.ServicePortName.decode(r, r.size(), $undefined, q + 1, m.service);
                            continue;
                        }
                    case 3: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.protocol = v;
                            else
                                delete m.protocol;
                            continue;
                        }
                    case 4: {
                            if (u !== 0)
                                break;
                            m.nodePort = r.uint32();
                            m._nodePort = "nodePort";
                            continue;
                        }
                    case 5: {
                            if (u !== 2)
                                break;
                            if (!(m.loadBalancerIPs && m.loadBalancerIPs.length))
                                m.loadBalancerIPs = [];
                            m.loadBalancerIPs.push(r.stringVerify());
                            continue;
                        }
                    case 6: {
                            if (u !== 2)
                                break;
                            if (!(m.externalIPs && m.externalIPs.length))
                                m.externalIPs = [];
                            m.externalIPs.push(r.stringVerify());
                            continue;
                        }
                    case 7: {
                            if (u !== 0)
                                break;
                            if (v = r.int32())
                                m.externalTrafficPolicy = v;
                            else
                                delete m.externalTrafficPolicy;
                            continue;
                        }
                    case 8: {
                            if (u !== 0)
                                break;
                            m.healthCheckNodePort = r.uint32();
                            m._healthCheckNodePort = "healthCheckNodePort";
                            continue;
                        }
                    case 9: {
                            if (u !== 2)
                                break;
                            if (!(m.endpoints && m.endpoints.length))
                                m.endpoints = [];
                            m.endpoints.push($root.snatscope.v1.ServiceEndpoint.decode(r, r.size(), $undefined, q + 1));
                            continue;
                        }
                    case 10: {
                            if (u !== 0)
                                break;
                            if (v = r.uint32())
                                m.localEndpoints = v;
                            else
                                delete m.localEndpoints;
                            continue;
                        }
                    case 11: {
                            if (u !== 2)
                                break;
                            m.noLocalEndpointDrops = $root.snatscope.v1.Counters.decode(r, r.size(), $undefined, q + 1, m.noLocalEndpointDrops);
                            continue;
                        }
                    case 12: {
                            if (u !== 2)
                                break;
                            if (!(m.clusterIPs && m.clusterIPs.length))
                                m.clusterIPs = [];
                            m.clusterIPs.push(r.stringVerify());
                            continue;
                        }
                    case 13: {
                            if (u !== 0)
                                break;
                            if (v = r.int32())
                                m.proxyMode = v;
                            else
                                delete m.proxyMode;
                            continue;
                        }
                    case 14: {
                            if (u !== 0)
                                break;
                            if (v = r.uint32())
                                m.port = v;
                            else
                                delete m.port;
                            continue;
                        }
                    case 15: {
                            if (u !== 0)
                                break;
                            if (v = r.bool())
                                m.forwardsWithoutLocalEndpoints = v;
                            else
                                delete m.forwardsWithoutLocalEndpoints;
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Decodes a ServiceState message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof snatscope.v1.ServiceState
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {snatscope.v1.ServiceState & snatscope.v1.ServiceState.$Shape} ServiceState
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ServiceState.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a ServiceState message.
             * @function verify
             * @memberof snatscope.v1.ServiceState
             * @static
             * @param {Object.<string,*>} m Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            ServiceState.verify = function (m, q) {
                if (typeof m !== "object" || m === null)
                    return "object expected";
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    return "max depth exceeded";
                var p = {};
                if (m.node != null && $Object.hasOwnProperty.call(m, "node")) {
                    if (!$util.isString(m.node))
                        return "node: string expected";
                }
                if (m.service != null && $Object.hasOwnProperty.call(m, "service")) {
                    {
                        var e = $root.snatscope.v1.ServicePortName.verify(m.service, q + 1);
                        if (e)
                            return "service." + e;
                    }
                }
                if (m.protocol != null && $Object.hasOwnProperty.call(m, "protocol")) {
                    if (!$util.isString(m.protocol))
                        return "protocol: string expected";
                }
                if (m.nodePort != null && $Object.hasOwnProperty.call(m, "nodePort")) {
                    p._nodePort = 1;
                    if (!$util.isInteger(m.nodePort))
                        return "nodePort: integer expected";
                }
                if (m.loadBalancerIPs != null && $Object.hasOwnProperty.call(m, "loadBalancerIPs")) {
                    if (!$Array.isArray(m.loadBalancerIPs))
                        return "loadBalancerIPs: array expected";
                    for (var i = 0; i < m.loadBalancerIPs.length; ++i) {
                        if (!$util.isString(m.loadBalancerIPs[i]))
                            return "loadBalancerIPs: string[] expected";
                    }
                }
                if (m.externalIPs != null && $Object.hasOwnProperty.call(m, "externalIPs")) {
                    if (!$Array.isArray(m.externalIPs))
                        return "externalIPs: array expected";
                    for (var i = 0; i < m.externalIPs.length; ++i) {
                        if (!$util.isString(m.externalIPs[i]))
                            return "externalIPs: string[] expected";
                    }
                }
                if (m.externalTrafficPolicy != null && $Object.hasOwnProperty.call(m, "externalTrafficPolicy")) {
                    if (typeof m.externalTrafficPolicy !== "number" || (m.externalTrafficPolicy | 0) !== m.externalTrafficPolicy)
                        return "externalTrafficPolicy: enum value expected";
                }
                if (m.healthCheckNodePort != null && $Object.hasOwnProperty.call(m, "healthCheckNodePort")) {
                    p._healthCheckNodePort = 1;
                    if (!$util.isInteger(m.healthCheckNodePort))
                        return "healthCheckNodePort: integer expected";
                }
                if (m.endpoints != null && $Object.hasOwnProperty.call(m, "endpoints")) {
                    if (!$Array.isArray(m.endpoints))
                        return "endpoints: array expected";
                    for (var i = 0; i < m.endpoints.length; ++i) {
                        {
                            var e = $root.snatscope.v1.ServiceEndpoint.verify(m.endpoints[i], q + 1);
                            if (e)
                                return "endpoints." + e;
                        }
                    }
                }
                if (m.localEndpoints != null && $Object.hasOwnProperty.call(m, "localEndpoints")) {
                    if (!$util.isInteger(m.localEndpoints))
                        return "localEndpoints: integer expected";
                }
                if (m.noLocalEndpointDrops != null && $Object.hasOwnProperty.call(m, "noLocalEndpointDrops")) {
                    {
                        var e = $root.snatscope.v1.Counters.verify(m.noLocalEndpointDrops, q + 1);
                        if (e)
                            return "noLocalEndpointDrops." + e;
                    }
                }
                if (m.clusterIPs != null && $Object.hasOwnProperty.call(m, "clusterIPs")) {
                    if (!$Array.isArray(m.clusterIPs))
                        return "clusterIPs: array expected";
                    for (var i = 0; i < m.clusterIPs.length; ++i) {
                        if (!$util.isString(m.clusterIPs[i]))
                            return "clusterIPs: string[] expected";
                    }
                }
                if (m.proxyMode != null && $Object.hasOwnProperty.call(m, "proxyMode")) {
                    if (typeof m.proxyMode !== "number" || (m.proxyMode | 0) !== m.proxyMode)
                        return "proxyMode: enum value expected";
                }
                if (m.port != null && $Object.hasOwnProperty.call(m, "port")) {
                    if (!$util.isInteger(m.port))
                        return "port: integer expected";
                }
                if (m.forwardsWithoutLocalEndpoints != null && $Object.hasOwnProperty.call(m, "forwardsWithoutLocalEndpoints")) {
                    if (typeof m.forwardsWithoutLocalEndpoints !== "boolean")
                        return "forwardsWithoutLocalEndpoints: boolean expected";
                }
                return null;
            };

            /**
             * Creates a ServiceState message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof snatscope.v1.ServiceState
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {snatscope.v1.ServiceState} ServiceState
             */
            ServiceState.fromObject = function (d, q) {
                if (d instanceof $root.snatscope.v1.ServiceState)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".snatscope.v1.ServiceState: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.snatscope.v1.ServiceState();
                if (d.node != null) {
                    if (typeof d.node !== "string" || d.node.length) {
                        m.node = $String(d.node);
                    }
                }
                if (d.service != null) {
                    if (!$util.isObject(d.service))
                        throw $TypeError(".snatscope.v1.ServiceState.service: object expected");
                    m.service = $root.snatscope.v1.ServicePortName.fromObject(d.service, q + 1);
                }
                if (d.protocol != null) {
                    if (typeof d.protocol !== "string" || d.protocol.length) {
                        m.protocol = $String(d.protocol);
                    }
                }
                if (d.nodePort != null) {
                    m.nodePort = d.nodePort >>> 0;
                }
                if (d.loadBalancerIPs) {
                    if (!$Array.isArray(d.loadBalancerIPs))
                        throw $TypeError(".snatscope.v1.ServiceState.loadBalancerIPs: array expected");
                    m.loadBalancerIPs = $Array(d.loadBalancerIPs.length);
                    for (var i = 0; i < d.loadBalancerIPs.length; ++i) {
                        m.loadBalancerIPs[i] = $String(d.loadBalancerIPs[i]);
                    }
                }
                if (d.externalIPs) {
                    if (!$Array.isArray(d.externalIPs))
                        throw $TypeError(".snatscope.v1.ServiceState.externalIPs: array expected");
                    m.externalIPs = $Array(d.externalIPs.length);
                    for (var i = 0; i < d.externalIPs.length; ++i) {
                        m.externalIPs[i] = $String(d.externalIPs[i]);
                    }
                }
                if (d.externalTrafficPolicy !== 0 && (typeof d.externalTrafficPolicy !== "string" || $root.snatscope.v1.TrafficPolicy[d.externalTrafficPolicy] !== 0)) {
                    switch (d.externalTrafficPolicy) {
                    case "Cluster":
                    case 0:
                        m.externalTrafficPolicy = 0;
                        break;
                    case "Local":
                    case 1:
                        m.externalTrafficPolicy = 1;
                        break;
                    default:
                        if (typeof d.externalTrafficPolicy === "number" && (d.externalTrafficPolicy | 0) === d.externalTrafficPolicy)
                            m.externalTrafficPolicy = d.externalTrafficPolicy;
                    }
                }
                if (d.healthCheckNodePort != null) {
                    m.healthCheckNodePort = d.healthCheckNodePort >>> 0;
                }
                if (d.endpoints) {
                    if (!$Array.isArray(d.endpoints))
                        throw $TypeError(".snatscope.v1.ServiceState.endpoints: array expected");
                    m.endpoints = $Array(d.endpoints.length);
                    for (var i = 0; i < d.endpoints.length; ++i) {
                        if (!$util.isObject(d.endpoints[i]))
                            throw $TypeError(".snatscope.v1.ServiceState.endpoints: object expected");
                        m.endpoints[i] = $root.snatscope.v1.ServiceEndpoint.fromObject(d.endpoints[i], q + 1);
                    }
                }
                if (d.localEndpoints != null) {
                    if ($Number(d.localEndpoints) !== 0) {
                        m.localEndpoints = d.localEndpoints >>> 0;
                    }
                }
                if (d.noLocalEndpointDrops != null) {
                    if (!$util.isObject(d.noLocalEndpointDrops))
                        throw $TypeError(".snatscope.v1.ServiceState.noLocalEndpointDrops: object expected");
                    m.noLocalEndpointDrops = $root.snatscope.v1.Counters.fromObject(d.noLocalEndpointDrops, q + 1);
                }
                if (d.clusterIPs) {
                    if (!$Array.isArray(d.clusterIPs))
                        throw $TypeError(".snatscope.v1.ServiceState.clusterIPs: array expected");
                    m.clusterIPs = $Array(d.clusterIPs.length);
                    for (var i = 0; i < d.clusterIPs.length; ++i) {
                        m.clusterIPs[i] = $String(d.clusterIPs[i]);
                    }
                }
                if (d.proxyMode !== 0 && (typeof d.proxyMode !== "string" || $root.snatscope.v1.ProxyMode[d.proxyMode] !== 0)) {
                    switch (d.proxyMode) {
                    case "iptables":
                    case 0:
                        m.proxyMode = 0;
                        break;
                    case "ipvs":
                    case 1:
                        m.proxyMode = 1;
                        break;
                    case "nftables":
                    case 2:
                        m.proxyMode = 2;
                        break;
                    default:
                        if (typeof d.proxyMode === "number" && (d.proxyMode | 0) === d.proxyMode)
                            m.proxyMode = d.proxyMode;
                    }
                }
                if (d.port != null) {
                    if ($Number(d.port) !== 0) {
                        m.port = d.port >>> 0;
                    }
                }
                if (d.forwardsWithoutLocalEndpoints != null) {
                    if (d.forwardsWithoutLocalEndpoints) {
                        m.forwardsWithoutLocalEndpoints = $Boolean(d.forwardsWithoutLocalEndpoints);
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from a ServiceState message. Also converts values to other types if specified.
             * @function toObject
             * @memberof snatscope.v1.ServiceState
             * @static
             * @param {snatscope.v1.ServiceState} m ServiceState
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            ServiceState.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.arrays || o.defaults) {
                    d.loadBalancerIPs = [];
                    d.externalIPs = [];
                    d.endpoints = [];
                    d.clusterIPs = [];
                }
                if (o.defaults) {
                    d.node = "";
                    d.service = null;
                    d.protocol = "";
                    d.externalTrafficPolicy = o.enums === $String ? "Cluster" : 0;
                    d.localEndpoints = 0;
                    d.noLocalEndpointDrops = null;
                    d.proxyMode = o.enums === $String ? "iptables" : 0;
                    d.port = 0;
                    d.forwardsWithoutLocalEndpoints = false;
                }
                if (m.node != null && $Object.hasOwnProperty.call(m, "node")) {
                    d.node = m.node;
                }
                if (m.service != null && $Object.hasOwnProperty.call(m, "service")) {
                    d.service = $root.snatscope.v1.ServicePortName.toObject(m.service, o, q + 1);
                }
                if (m.protocol != null && $Object.hasOwnProperty.call(m, "protocol")) {
                    d.protocol = m.protocol;
                }
                if (m.nodePort != null && $Object.hasOwnProperty.call(m, "nodePort")) {
                    d.nodePort = m.nodePort;
                }
                if (m.loadBalancerIPs && m.loadBalancerIPs.length) {
                    d.loadBalancerIPs = $Array(m.loadBalancerIPs.length);
                    for (var j = 0; j < m.loadBalancerIPs.length; ++j) {
                        d.loadBalancerIPs[j] = m.loadBalancerIPs[j];
                    }
                }
                if (m.externalIPs && m.externalIPs.length) {
                    d.externalIPs = $Array(m.externalIPs.length);
                    for (var j = 0; j < m.externalIPs.length; ++j) {
                        d.externalIPs[j] = m.externalIPs[j];
                    }
                }
                if (m.externalTrafficPolicy != null && $Object.hasOwnProperty.call(m, "externalTrafficPolicy")) {
                    d.externalTrafficPolicy = o.enums === $String ? $root.snatscope.v1.TrafficPolicy[m.externalTrafficPolicy] === $undefined ? m.externalTrafficPolicy : $root.snatscope.v1.TrafficPolicy[m.externalTrafficPolicy] : m.externalTrafficPolicy;
                }
                if (m.healthCheckNodePort != null && $Object.hasOwnProperty.call(m, "healthCheckNodePort")) {
                    d.healthCheckNodePort = m.healthCheckNodePort;
                }
                if (m.endpoints && m.endpoints.length) {
                    d.endpoints = $Array(m.endpoints.length);
                    for (var j = 0; j < m.endpoints.length; ++j) {
                        d.endpoints[j] = $root.snatscope.v1.ServiceEndpoint.toObject(m.endpoints[j], o, q + 1);
                    }
                }
                if (m.localEndpoints != null && $Object.hasOwnProperty.call(m, "localEndpoints")) {
                    d.localEndpoints = m.localEndpoints;
                }
                if (m.noLocalEndpointDrops != null && $Object.hasOwnProperty.call(m, "noLocalEndpointDrops")) {
                    d.noLocalEndpointDrops = $root.snatscope.v1.Counters.toObject(m.noLocalEndpointDrops, o, q + 1);
                }
                if (m.clusterIPs && m.clusterIPs.length) {
                    d.clusterIPs = $Array(m.clusterIPs.length);
                    for (var j = 0; j < m.clusterIPs.length; ++j) {
                        d.clusterIPs[j] = m.clusterIPs[j];
                    }
                }
                if (m.proxyMode != null && $Object.hasOwnProperty.call(m, "proxyMode")) {
                    d.proxyMode = o.enums === $String ? $root.snatscope.v1.ProxyMode[m.proxyMode] === $undefined ? m.proxyMode : $root.snatscope.v1.ProxyMode[m.proxyMode] : m.proxyMode;
                }
                if (m.port != null && $Object.hasOwnProperty.call(m, "port")) {
                    d.port = m.port;
                }
                if (m.forwardsWithoutLocalEndpoints != null && $Object.hasOwnProperty.call(m, "forwardsWithoutLocalEndpoints")) {
                    d.forwardsWithoutLocalEndpoints = m.forwardsWithoutLocalEndpoints;
                }
                return d;
            };

            /**
             * Converts this ServiceState to JSON.
             * @function toJSON
             * @memberof snatscope.v1.ServiceState
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            ServiceState.prototype.toJSON = function() {
                return ServiceState.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for ServiceState
             * @function getTypeUrl
             * @memberof snatscope.v1.ServiceState
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            ServiceState.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/snatscope.v1.ServiceState";
            };

            return ServiceState;
        })();

        v1.NodeReport = (function() {

            /**
             * Properties of a NodeReport.
             * @typedef {Object} snatscope.v1.NodeReport.$Properties
             * @property {string|null} [node] NodeReport node
             * @property {snatscope.v1.ProxyMode|null} [proxyMode] NodeReport proxyMode
             * @property {Array.<string>|null} [addresses] NodeReport addresses
             * @property {Array.<string>|null} [podCidrs] NodeReport podCidrs
             * @property {string|null} [masqueradeMark] NodeReport masqueradeMark
             * @property {Array.<snatscope.v1.ServiceState.$Properties>|null} [services] NodeReport services
             * @property {Array.<snatscope.v1.FlowRecord.$Properties>|null} [flows] NodeReport flows
             * @property {number|null} [observedAt] NodeReport observedAt
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a NodeReport.
             * @memberof snatscope.v1
             * @interface INodeReport
             * @augments snatscope.v1.NodeReport.$Properties
             * @deprecated Use snatscope.v1.NodeReport.$Properties instead.
             */

            /**
             * Shape of a NodeReport.
             * @typedef {snatscope.v1.NodeReport.$Properties} snatscope.v1.NodeReport.$Shape
             */

            /**
             * Constructs a new NodeReport.
             * @memberof snatscope.v1
             * @classdesc Represents a NodeReport.
             * @constructor
             * @param {snatscope.v1.NodeReport.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const NodeReport = function (p) {
                this.addresses = [];
                this.podCidrs = [];
                this.services = [];
                this.flows = [];
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * NodeReport node.
             * @member {string} node
             * @memberof snatscope.v1.NodeReport
             * @instance
             */
            NodeReport.prototype.node = "";

            /**
             * NodeReport proxyMode.
             * @member {snatscope.v1.ProxyMode} proxyMode
             * @memberof snatscope.v1.NodeReport
             * @instance
             */
            NodeReport.prototype.proxyMode = 0;

            /**
             * NodeReport addresses.
             * @member {Array.<string>} addresses
             * @memberof snatscope.v1.NodeReport
             * @instance
             */
            NodeReport.prototype.addresses = $util.emptyArray;

            /**
             * NodeReport podCidrs.
             * @member {Array.<string>} podCidrs
             * @memberof snatscope.v1.NodeReport
             * @instance
             */
            NodeReport.prototype.podCidrs = $util.emptyArray;

            /**
             * NodeReport masqueradeMark.
             * @member {string} masqueradeMark
             * @memberof snatscope.v1.NodeReport
             * @instance
             */
            NodeReport.prototype.masqueradeMark = "";

            /**
             * NodeReport services.
             * @member {Array.<snatscope.v1.ServiceState.$Properties>} services
             * @memberof snatscope.v1.NodeReport
             * @instance
             */
            NodeReport.prototype.services = $util.emptyArray;

            /**
             * NodeReport flows.
             * @member {Array.<snatscope.v1.FlowRecord.$Properties>} flows
             * @memberof snatscope.v1.NodeReport
             * @instance
             */
            NodeReport.prototype.flows = $util.emptyArray;

            /**
             * NodeReport observedAt.
             * @member {number} observedAt
             * @memberof snatscope.v1.NodeReport
             * @instance
             */
            NodeReport.prototype.observedAt = 0;

            /**
             * Creates a new NodeReport instance using the specified properties.
             * @function create
             * @memberof snatscope.v1.NodeReport
             * @static
             * @param {snatscope.v1.NodeReport.$Properties=} [properties] Properties to set
             * @returns {snatscope.v1.NodeReport} NodeReport instance
             * @type {{
             *   (properties: snatscope.v1.NodeReport.$Shape): snatscope.v1.NodeReport & snatscope.v1.NodeReport.$Shape;
             *   (properties?: snatscope.v1.NodeReport.$Properties): snatscope.v1.NodeReport;
             * }}
             */
            NodeReport.create = function(properties) {
                return new NodeReport(properties);
            };

            /**
             * Encodes the specified NodeReport message. Does not implicitly {@link snatscope.v1.NodeReport.verify|verify} messages.
             * @function encode
             * @memberof snatscope.v1.NodeReport
             * @static
             * @param {snatscope.v1.NodeReport.$Properties} m NodeReport message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            NodeReport.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.node != null && $Object.hasOwnProperty.call(m, "node") && m.node !== "")
                    w.uint32(/* id 1, wireType 2 =*/10).string(m.node);
                if (m.proxyMode != null && $Object.hasOwnProperty.call(m, "proxyMode") && m.proxyMode !== 0)
                    w.uint32(/* id 2, wireType 0 =*/16).int32(m.proxyMode);
                if (m.addresses != null && m.addresses.length) {
                    for (var i = 0; i < m.addresses.length; ++i)
                        w.uint32(/* id 3, wireType 2 =*/26).string(m.addresses[i]);
                }
                if (m.podCidrs != null && m.podCidrs.length) {
                    for (var i = 0; i < m.podCidrs.length; ++i)
                        w.uint32(/* id 4, wireType 2 =*/34).string(m.podCidrs[i]);
                }
                if (m.masqueradeMark != null && $Object.hasOwnProperty.call(m, "masqueradeMark") && m.masqueradeMark !== "")
                    w.uint32(/* id 5, wireType 2 =*/42).string(m.masqueradeMark);
                if (m.services != null && m.services.length) {
                    for (var i = 0; i < m.services.length; ++i)
                        $root.snatscope.v1.ServiceState.encode(m.services[i], w.uint32(/* id 6, wireType 2 =*/50).fork(), q + 1).ldelim();
                }
                if (m.flows != null && m.flows.length) {
                    for (var i = 0; i < m.flows.length; ++i)
                        $root.snatscope.v1.FlowRecord.encode(m.flows[i], w.uint32(/* id 7, wireType 2 =*/58).fork(), q + 1).ldelim();
                }
                if (m.observedAt != null && $Object.hasOwnProperty.call(m, "observedAt") && !$Object.is(m.observedAt, 0))
                    w.uint32(/* id 8, wireType 1 =*/65).double(m.observedAt);
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Encodes the specified NodeReport message, length delimited. Does not implicitly {@link snatscope.v1.NodeReport.verify|verify} messages.
             * @function encodeDelimited
             * @memberof snatscope.v1.NodeReport
             * @static
             * @param {snatscope.v1.NodeReport.$Properties} message NodeReport message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            NodeReport.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a NodeReport message from the specified reader or buffer.
             * @function decode
             * @memberof snatscope.v1.NodeReport
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {snatscope.v1.NodeReport & snatscope.v1.NodeReport.$Shape} NodeReport
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            NodeReport.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.snatscope.v1.NodeReport();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.node = v;
                            else
                                delete m.node;
                            continue;
                        }
                    case 2: {
                            if (u !== 0)
                                break;
                            if (v = r.int32())
                                m.proxyMode = v;
                            else
                                delete m.proxyMode;
                            continue;
                        }
                    case 3: {
                            if (u !== 2)
                                break;
                            if (!(m.addresses && m.addresses.length))
                                m.addresses = [];
                            m.addresses.push(r.stringVerify());
                            continue;
                        }
                    case 4: {
                            if (u !== 2)
                                break;
                            if (!(m.podCidrs && m.podCidrs.length))
                                m.podCidrs = [];
                            m.podCidrs.push(r.stringVerify());
                            continue;
                        }
                    case 5: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.masqueradeMark = v;
                            else
                                delete m.masqueradeMark;
                            continue;
                        }
                    case 6: {
                            if (u !== 2)
                                break;
                            if (!(m.services && m.services.length))
                                m.services = [];
                            m.services.push($root.snatscope.v1.ServiceState.decode(r, r.size(), $undefined, q + 1));
                            continue;
                        }
                    case 7: {
                            if (u !== 2)
                                break;
                            if (!(m.flows && m.flows.length))
                                m.flows = [];
                            m.flows.push($root.snatscope.v1.FlowRecord.decode(r, r.size(), $undefined, q + 1));
                            continue;
                        }
                    case 8: {
                            if (u !== 1)
                                break;
                            if (!$Object.is(v = r.double(), 0))
                                m.observedAt = v;
                            else
                                delete m.observedAt;
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Decodes a NodeReport message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof snatscope.v1.NodeReport
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {snatscope.v1.NodeReport & snatscope.v1.NodeReport.$Shape} NodeReport
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            NodeReport.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a NodeReport message.
             * @function verify
             * @memberof snatscope.v1.NodeReport
             * @static
             * @param {Object.<string,*>} m Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            NodeReport.verify = function (m, q) {
                if (typeof m !== "object" || m === null)
                    return "object expected";
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    return "max depth exceeded";
                if (m.node != null && $Object.hasOwnProperty.call(m, "node")) {
                    if (!$util.isString(m.node))
                        return "node: string expected";
                }
                if (m.proxyMode != null && $Object.hasOwnProperty.call(m, "proxyMode")) {
                    if (typeof m.proxyMode !== "number" || (m.proxyMode | 0) !== m.proxyMode)
                        return "proxyMode: enum value expected";
                }
                if (m.addresses != null && $Object.hasOwnProperty.call(m, "addresses")) {
                    if (!$Array.isArray(m.addresses))
                        return "addresses: array expected";
                    for (var i = 0; i < m.addresses.length; ++i) {
                        if (!$util.isString(m.addresses[i]))
                            return "addresses: string[] expected";
                    }
                }
                if (m.podCidrs != null && $Object.hasOwnProperty.call(m, "podCidrs")) {
                    if (!$Array.isArray(m.podCidrs))
                        return "podCidrs: array expected";
                    for (var i = 0; i < m.podCidrs.length; ++i) {
                        if (!$util.isString(m.podCidrs[i]))
                            return "podCidrs: string[] expected";
                    }
                }
                if (m.masqueradeMark != null && $Object.hasOwnProperty.call(m, "masqueradeMark")) {
                    if (!$util.isString(m.masqueradeMark))
                        return "masqueradeMark: string expected";
                }
                if (m.services != null && $Object.hasOwnProperty.call(m, "services")) {
                    if (!$Array.isArray(m.services))
                        return "services: array expected";
                    for (var i = 0; i < m.services.length; ++i) {
                        {
                            var e = $root.snatscope.v1.ServiceState.verify(m.services[i], q + 1);
                            if (e)
                                return "services." + e;
                        }
                    }
                }
                if (m.flows != null && $Object.hasOwnProperty.call(m, "flows")) {
                    if (!$Array.isArray(m.flows))
                        return "flows: array expected";
                    for (var i = 0; i < m.flows.length; ++i) {
                        {
                            var e = $root.snatscope.v1.FlowRecord.verify(m.flows[i], q + 1);
                            if (e)
                                return "flows." + e;
                        }
                    }
                }
                if (m.observedAt != null && $Object.hasOwnProperty.call(m, "observedAt")) {
                    if (typeof m.observedAt !== "number")
                        return "observedAt: number expected";
                }
                return null;
            };

            /**
             * Creates a NodeReport message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof snatscope.v1.NodeReport
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {snatscope.v1.NodeReport} NodeReport
             */
            NodeReport.fromObject = function (d, q) {
                if (d instanceof $root.snatscope.v1.NodeReport)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".snatscope.v1.NodeReport: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.snatscope.v1.NodeReport();
                if (d.node != null) {
                    if (typeof d.node !== "string" || d.node.length) {
                        m.node = $String(d.node);
                    }
                }
                if (d.proxyMode !== 0 && (typeof d.proxyMode !== "string" || $root.snatscope.v1.ProxyMode[d.proxyMode] !== 0)) {
                    switch (d.proxyMode) {
                    case "iptables":
                    case 0:
                        m.proxyMode = 0;
                        break;
                    case "ipvs":
                    case 1:
                        m.proxyMode = 1;
                        break;
                    case "nftables":
                    case 2:
                        m.proxyMode = 2;
                        break;
                    default:
                        if (typeof d.proxyMode === "number" && (d.proxyMode | 0) === d.proxyMode)
                            m.proxyMode = d.proxyMode;
                    }
                }
                if (d.addresses) {
                    if (!$Array.isArray(d.addresses))
                        throw $TypeError(".snatscope.v1.NodeReport.addresses: array expected");
                    m.addresses = $Array(d.addresses.length);
                    for (var i = 0; i < d.addresses.length; ++i) {
                        m.addresses[i] = $String(d.addresses[i]);
                    }
                }
                if (d.podCidrs) {
                    if (!$Array.isArray(d.podCidrs))
                        throw $TypeError(".snatscope.v1.NodeReport.podCidrs: array expected");
                    m.podCidrs = $Array(d.podCidrs.length);
                    for (var i = 0; i < d.podCidrs.length; ++i) {
                        m.podCidrs[i] = $String(d.podCidrs[i]);
                    }
                }
                if (d.masqueradeMark != null) {
                    if (typeof d.masqueradeMark !== "string" || d.masqueradeMark.length) {
                        m.masqueradeMark = $String(d.masqueradeMark);
                    }
                }
                if (d.services) {
                    if (!$Array.isArray(d.services))
                        throw $TypeError(".snatscope.v1.NodeReport.services: array expected");
                    m.services = $Array(d.services.length);
                    for (var i = 0; i < d.services.length; ++i) {
                        if (!$util.isObject(d.services[i]))
                            throw $TypeError(".snatscope.v1.NodeReport.services: object expected");
                        m.services[i] = $root.snatscope.v1.ServiceState.fromObject(d.services[i], q + 1);
                    }
                }
                if (d.flows) {
                    if (!$Array.isArray(d.flows))
                        throw $TypeError(".snatscope.v1.NodeReport.flows: array expected");
                    m.flows = $Array(d.flows.length);
                    for (var i = 0; i < d.flows.length; ++i) {
                        if (!$util.isObject(d.flows[i]))
                            throw $TypeError(".snatscope.v1.NodeReport.flows: object expected");
                        m.flows[i] = $root.snatscope.v1.FlowRecord.fromObject(d.flows[i], q + 1);
                    }
                }
                if (d.observedAt != null) {
                    if (!$Object.is($Number(d.observedAt), 0)) {
                        m.observedAt = $Number(d.observedAt);
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from a NodeReport message. Also converts values to other types if specified.
             * @function toObject
             * @memberof snatscope.v1.NodeReport
             * @static
             * @param {snatscope.v1.NodeReport} m NodeReport
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            NodeReport.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.arrays || o.defaults) {
                    d.addresses = [];
                    d.podCidrs = [];
                    d.services = [];
                    d.flows = [];
                }
                if (o.defaults) {
                    d.node = "";
                    d.proxyMode = o.enums === $String ? "iptables" : 0;
                    d.masqueradeMark = "";
                    d.observedAt = 0;
                }
                if (m.node != null && $Object.hasOwnProperty.call(m, "node")) {
                    d.node = m.node;
                }
                if (m.proxyMode != null && $Object.hasOwnProperty.call(m, "proxyMode")) {
                    d.proxyMode = o.enums === $String ? $root.snatscope.v1.ProxyMode[m.proxyMode] === $undefined ? m.proxyMode : $root.snatscope.v1.ProxyMode[m.proxyMode] : m.proxyMode;
                }
                if (m.addresses && m.addresses.length) {
                    d.addresses = $Array(m.addresses.length);
                    for (var j = 0; j < m.addresses.length; ++j) {
                        d.addresses[j] = m.addresses[j];
                    }
                }
                if (m.podCidrs && m.podCidrs.length) {
                    d.podCidrs = $Array(m.podCidrs.length);
                    for (var j = 0; j < m.podCidrs.length; ++j) {
                        d.podCidrs[j] = m.podCidrs[j];
                    }
                }
                if (m.masqueradeMark != null && $Object.hasOwnProperty.call(m, "masqueradeMark")) {
                    d.masqueradeMark = m.masqueradeMark;
                }
                if (m.services && m.services.length) {
                    d.services = $Array(m.services.length);
                    for (var j = 0; j < m.services.length; ++j) {
                        d.services[j] = $root.snatscope.v1.ServiceState.toObject(m.services[j], o, q + 1);
                    }
                }
                if (m.flows && m.flows.length) {
                    d.flows = $Array(m.flows.length);
                    for (var j = 0; j < m.flows.length; ++j) {
                        d.flows[j] = $root.snatscope.v1.FlowRecord.toObject(m.flows[j], o, q + 1);
                    }
                }
                if (m.observedAt != null && $Object.hasOwnProperty.call(m, "observedAt")) {
                    d.observedAt = o.json && !$isFinite(m.observedAt) ? $String(m.observedAt) : m.observedAt;
                }
                return d;
            };

            /**
             * Converts this NodeReport to JSON.
             * @function toJSON
             * @memberof snatscope.v1.NodeReport
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            NodeReport.prototype.toJSON = function() {
                return NodeReport.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for NodeReport
             * @function getTypeUrl
             * @memberof snatscope.v1.NodeReport
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            NodeReport.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/snatscope.v1.NodeReport";
            };

            return NodeReport;
        })();

        v1.AgentHello = (function() {

            /**
             * Properties of an AgentHello.
             * @typedef {Object} snatscope.v1.AgentHello.$Properties
             * @property {string|null} [node] AgentHello node
             * @property {string|null} [agentVersion] AgentHello agentVersion
             * @property {snatscope.v1.ProxyMode|null} [proxyMode] AgentHello proxyMode
             * @property {string|null} [bootId] AgentHello bootId
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of an AgentHello.
             * @memberof snatscope.v1
             * @interface IAgentHello
             * @augments snatscope.v1.AgentHello.$Properties
             * @deprecated Use snatscope.v1.AgentHello.$Properties instead.
             */

            /**
             * Shape of an AgentHello.
             * @typedef {snatscope.v1.AgentHello.$Properties} snatscope.v1.AgentHello.$Shape
             */

            /**
             * Constructs a new AgentHello.
             * @memberof snatscope.v1
             * @classdesc Represents an AgentHello.
             * @constructor
             * @param {snatscope.v1.AgentHello.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const AgentHello = function (p) {
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * AgentHello node.
             * @member {string} node
             * @memberof snatscope.v1.AgentHello
             * @instance
             */
            AgentHello.prototype.node = "";

            /**
             * AgentHello agentVersion.
             * @member {string} agentVersion
             * @memberof snatscope.v1.AgentHello
             * @instance
             */
            AgentHello.prototype.agentVersion = "";

            /**
             * AgentHello proxyMode.
             * @member {snatscope.v1.ProxyMode} proxyMode
             * @memberof snatscope.v1.AgentHello
             * @instance
             */
            AgentHello.prototype.proxyMode = 0;

            /**
             * AgentHello bootId.
             * @member {string} bootId
             * @memberof snatscope.v1.AgentHello
             * @instance
             */
            AgentHello.prototype.bootId = "";

            /**
             * Creates a new AgentHello instance using the specified properties.
             * @function create
             * @memberof snatscope.v1.AgentHello
             * @static
             * @param {snatscope.v1.AgentHello.$Properties=} [properties] Properties to set
             * @returns {snatscope.v1.AgentHello} AgentHello instance
             * @type {{
             *   (properties: snatscope.v1.AgentHello.$Shape): snatscope.v1.AgentHello & snatscope.v1.AgentHello.$Shape;
             *   (properties?: snatscope.v1.AgentHello.$Properties): snatscope.v1.AgentHello;
             * }}
             */
            AgentHello.create = function(properties) {
                return new AgentHello(properties);
            };

            /**
             * Encodes the specified AgentHello message. Does not implicitly {@link snatscope.v1.AgentHello.verify|verify} messages.
             * @function encode
             * @memberof snatscope.v1.AgentHello
             * @static
             * @param {snatscope.v1.AgentHello.$Properties} m AgentHello message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            AgentHello.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.node != null && $Object.hasOwnProperty.call(m, "node") && m.node !== "")
                    w.uint32(/* id 1, wireType 2 =*/10).string(m.node);
                if (m.agentVersion != null && $Object.hasOwnProperty.call(m, "agentVersion") && m.agentVersion !== "")
                    w.uint32(/* id 2, wireType 2 =*/18).string(m.agentVersion);
                if (m.proxyMode != null && $Object.hasOwnProperty.call(m, "proxyMode") && m.proxyMode !== 0)
                    w.uint32(/* id 3, wireType 0 =*/24).int32(m.proxyMode);
                if (m.bootId != null && $Object.hasOwnProperty.call(m, "bootId") && m.bootId !== "")
                    w.uint32(/* id 4, wireType 2 =*/34).string(m.bootId);
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Encodes the specified AgentHello message, length delimited. Does not implicitly {@link snatscope.v1.AgentHello.verify|verify} messages.
             * @function encodeDelimited
             * @memberof snatscope.v1.AgentHello
             * @static
             * @param {snatscope.v1.AgentHello.$Properties} message AgentHello message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            AgentHello.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes an AgentHello message from the specified reader or buffer.
             * @function decode
             * @memberof snatscope.v1.AgentHello
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {snatscope.v1.AgentHello & snatscope.v1.AgentHello.$Shape} AgentHello
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            AgentHello.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.snatscope.v1.AgentHello();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.node = v;
                            else
                                delete m.node;
                            continue;
                        }
                    case 2: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.agentVersion = v;
                            else
                                delete m.agentVersion;
                            continue;
                        }
                    case 3: {
                            if (u !== 0)
                                break;
                            if (v = r.int32())
                                m.proxyMode = v;
                            else
                                delete m.proxyMode;
                            continue;
                        }
                    case 4: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.bootId = v;
                            else
                                delete m.bootId;
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Decodes an AgentHello message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof snatscope.v1.AgentHello
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {snatscope.v1.AgentHello & snatscope.v1.AgentHello.$Shape} AgentHello
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            AgentHello.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies an AgentHello message.
             * @function verify
             * @memberof snatscope.v1.AgentHello
             * @static
             * @param {Object.<string,*>} m Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            AgentHello.verify = function (m, q) {
                if (typeof m !== "object" || m === null)
                    return "object expected";
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    return "max depth exceeded";
                if (m.node != null && $Object.hasOwnProperty.call(m, "node")) {
                    if (!$util.isString(m.node))
                        return "node: string expected";
                }
                if (m.agentVersion != null && $Object.hasOwnProperty.call(m, "agentVersion")) {
                    if (!$util.isString(m.agentVersion))
                        return "agentVersion: string expected";
                }
                if (m.proxyMode != null && $Object.hasOwnProperty.call(m, "proxyMode")) {
                    if (typeof m.proxyMode !== "number" || (m.proxyMode | 0) !== m.proxyMode)
                        return "proxyMode: enum value expected";
                }
                if (m.bootId != null && $Object.hasOwnProperty.call(m, "bootId")) {
                    if (!$util.isString(m.bootId))
                        return "bootId: string expected";
                }
                return null;
            };

            /**
             * Creates an AgentHello message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof snatscope.v1.AgentHello
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {snatscope.v1.AgentHello} AgentHello
             */
            AgentHello.fromObject = function (d, q) {
                if (d instanceof $root.snatscope.v1.AgentHello)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".snatscope.v1.AgentHello: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.snatscope.v1.AgentHello();
                if (d.node != null) {
                    if (typeof d.node !== "string" || d.node.length) {
                        m.node = $String(d.node);
                    }
                }
                if (d.agentVersion != null) {
                    if (typeof d.agentVersion !== "string" || d.agentVersion.length) {
                        m.agentVersion = $String(d.agentVersion);
                    }
                }
                if (d.proxyMode !== 0 && (typeof d.proxyMode !== "string" || $root.snatscope.v1.ProxyMode[d.proxyMode] !== 0)) {
                    switch (d.proxyMode) {
                    case "iptables":
                    case 0:
                        m.proxyMode = 0;
                        break;
                    case "ipvs":
                    case 1:
                        m.proxyMode = 1;
                        break;
                    case "nftables":
                    case 2:
                        m.proxyMode = 2;
                        break;
                    default:
                        if (typeof d.proxyMode === "number" && (d.proxyMode | 0) === d.proxyMode)
                            m.proxyMode = d.proxyMode;
                    }
                }
                if (d.bootId != null) {
                    if (typeof d.bootId !== "string" || d.bootId.length) {
                        m.bootId = $String(d.bootId);
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from an AgentHello message. Also converts values to other types if specified.
             * @function toObject
             * @memberof snatscope.v1.AgentHello
             * @static
             * @param {snatscope.v1.AgentHello} m AgentHello
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            AgentHello.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.defaults) {
                    d.node = "";
                    d.agentVersion = "";
                    d.proxyMode = o.enums === $String ? "iptables" : 0;
                    d.bootId = "";
                }
                if (m.node != null && $Object.hasOwnProperty.call(m, "node")) {
                    d.node = m.node;
                }
                if (m.agentVersion != null && $Object.hasOwnProperty.call(m, "agentVersion")) {
                    d.agentVersion = m.agentVersion;
                }
                if (m.proxyMode != null && $Object.hasOwnProperty.call(m, "proxyMode")) {
                    d.proxyMode = o.enums === $String ? $root.snatscope.v1.ProxyMode[m.proxyMode] === $undefined ? m.proxyMode : $root.snatscope.v1.ProxyMode[m.proxyMode] : m.proxyMode;
                }
                if (m.bootId != null && $Object.hasOwnProperty.call(m, "bootId")) {
                    d.bootId = m.bootId;
                }
                return d;
            };

            /**
             * Converts this AgentHello to JSON.
             * @function toJSON
             * @memberof snatscope.v1.AgentHello
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            AgentHello.prototype.toJSON = function() {
                return AgentHello.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for AgentHello
             * @function getTypeUrl
             * @memberof snatscope.v1.AgentHello
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            AgentHello.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/snatscope.v1.AgentHello";
            };

            return AgentHello;
        })();

        v1.RecordBatch = (function() {

            /**
             * Properties of a RecordBatch.
             * @typedef {Object} snatscope.v1.RecordBatch.$Properties
             * @property {number|null} [sequence] RecordBatch sequence
             * @property {Array.<snatscope.v1.FlowRecord.$Properties>|null} [records] RecordBatch records
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a RecordBatch.
             * @memberof snatscope.v1
             * @interface IRecordBatch
             * @augments snatscope.v1.RecordBatch.$Properties
             * @deprecated Use snatscope.v1.RecordBatch.$Properties instead.
             */

            /**
             * Shape of a RecordBatch.
             * @typedef {snatscope.v1.RecordBatch.$Properties} snatscope.v1.RecordBatch.$Shape
             */

            /**
             * Constructs a new RecordBatch.
             * @memberof snatscope.v1
             * @classdesc Represents a RecordBatch.
             * @constructor
             * @param {snatscope.v1.RecordBatch.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const RecordBatch = function (p) {
                this.records = [];
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * RecordBatch sequence.
             * @member {number} sequence
             * @memberof snatscope.v1.RecordBatch
             * @instance
             */
            RecordBatch.prototype.sequence = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * RecordBatch records.
             * @member {Array.<snatscope.v1.FlowRecord.$Properties>} records
             * @memberof snatscope.v1.RecordBatch
             * @instance
             */
            RecordBatch.prototype.records = $util.emptyArray;

            /**
             * Creates a new RecordBatch instance using the specified properties.
             * @function create
             * @memberof snatscope.v1.RecordBatch
             * @static
             * @param {snatscope.v1.RecordBatch.$Properties=} [properties] Properties to set
             * @returns {snatscope.v1.RecordBatch} RecordBatch instance
             * @type {{
             *   (properties: snatscope.v1.RecordBatch.$Shape): snatscope.v1.RecordBatch & snatscope.v1.RecordBatch.$Shape;
             *   (properties?: snatscope.v1.RecordBatch.$Properties): snatscope.v1.RecordBatch;
             * }}
             */
            RecordBatch.create = function(properties) {
                return new RecordBatch(properties);
            };

            /**
             * Encodes the specified RecordBatch message. Does not implicitly {@link snatscope.v1.RecordBatch.verify|verify} messages.
             * @function encode
             * @memberof snatscope.v1.RecordBatch
             * @static
             * @param {snatscope.v1.RecordBatch.$Properties} m RecordBatch message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            RecordBatch.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.sequence != null && $Object.hasOwnProperty.call(m, "sequence") && (typeof m.sequence === "object" ? m.sequence.low || m.sequence.high : m.sequence !== 0))
                    w.uint32(/* id 1, wireType 0 =*/8).uint64(m.sequence);
                if (m.records != null && m.records.length) {
                    for (var i = 0; i < m.records.length; ++i)
                        $root.snatscope.v1.FlowRecord.encode(m.records[i], w.uint32(/* id 2, wireType 2 =*/18).fork(), q + 1).ldelim();
                }
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Encodes the specified RecordBatch message, length delimited. Does not implicitly {@link snatscope.v1.RecordBatch.verify|verify} messages.
             * @function encodeDelimited
             * @memberof snatscope.v1.RecordBatch
             * @static
             * @param {snatscope.v1.RecordBatch.$Properties} message RecordBatch message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            RecordBatch.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a RecordBatch message from the specified reader or buffer.
             * @function decode
             * @memberof snatscope.v1.RecordBatch
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {snatscope.v1.RecordBatch & snatscope.v1.RecordBatch.$Shape} RecordBatch
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            RecordBatch.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.snatscope.v1.RecordBatch();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.sequence = v;
                            else
                                delete m.sequence;
                            continue;
                        }
                    case 2: {
                            if (u !== 2)
                                break;
                            if (!(m.records && m.records.length))
                                m.records = [];
                            m.records.push($root.snatscope.v1.FlowRecord.decode(r, r.size(), $undefined, q + 1));
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Decodes a RecordBatch message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof snatscope.v1.RecordBatch
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {snatscope.v1.RecordBatch & snatscope.v1.RecordBatch.$Shape} RecordBatch
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            RecordBatch.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a RecordBatch message.
             * @function verify
             * @memberof snatscope.v1.RecordBatch
             * @static
             * @param {Object.<string,*>} m Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            RecordBatch.verify = function (m, q) {
                if (typeof m !== "object" || m === null)
                    return "object expected";
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    return "max depth exceeded";
                if (m.sequence != null && $Object.hasOwnProperty.call(m, "sequence")) {
                    if (!$util.isInteger(m.sequence) && !(m.sequence && $util.isInteger(m.sequence.low) && $util.isInteger(m.sequence.high)))
                        return "sequence: integer|Long expected";
                }
                if (m.records != null && $Object.hasOwnProperty.call(m, "records")) {
                    if (!$Array.isArray(m.records))
                        return "records: array expected";
                    for (var i = 0; i < m.records.length; ++i) {
                        {
                            var e = $root.snatscope.v1.FlowRecord.verify(m.records[i], q + 1);
                            if (e)
                                return "records." + e;
                        }
                    }
                }
                return null;
            };

            /**
             * Creates a RecordBatch message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof snatscope.v1.RecordBatch
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {snatscope.v1.RecordBatch} RecordBatch
             */
            RecordBatch.fromObject = function (d, q) {
                if (d instanceof $root.snatscope.v1.RecordBatch)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".snatscope.v1.RecordBatch: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.snatscope.v1.RecordBatch();
                if (d.sequence != null) {
                    if (typeof d.sequence === "object" ? d.sequence.low || d.sequence.high : $Number(d.sequence) !== 0) {
                        if ($util.Long)
                            m.sequence = $util.Long.fromValue(d.sequence, true);
                        else if (typeof d.sequence === "string")
                            m.sequence = $parseInt(d.sequence, 10);
                        else if (typeof d.sequence === "number")
                            m.sequence = d.sequence;
                        else if (typeof d.sequence === "object")
                            m.sequence = new $util.LongBits(d.sequence.low >>> 0, d.sequence.high >>> 0).toNumber(true);
                    }
                }
                if (d.records) {
                    if (!$Array.isArray(d.records))
                        throw $TypeError(".snatscope.v1.RecordBatch.records: array expected");
                    m.records = $Array(d.records.length);
                    for (var i = 0; i < d.records.length; ++i) {
                        if (!$util.isObject(d.records[i]))
                            throw $TypeError(".snatscope.v1.RecordBatch.records: object expected");
                        m.records[i] = $root.snatscope.v1.FlowRecord.fromObject(d.records[i], q + 1);
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from a RecordBatch message. Also converts values to other types if specified.
             * @function toObject
             * @memberof snatscope.v1.RecordBatch
             * @static
             * @param {snatscope.v1.RecordBatch} m RecordBatch
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            RecordBatch.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.arrays || o.defaults) {
                    d.records = [];
                }
                if (o.defaults) {
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.sequence = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.sequence = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                }
                if (m.sequence != null && $Object.hasOwnProperty.call(m, "sequence")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.sequence = typeof m.sequence === "number" ? $BigInt(m.sequence) : $util.Long.fromBits(m.sequence.low >>> 0, m.sequence.high >>> 0, true).toBigInt();
                    else if (typeof m.sequence === "number")
                        d.sequence = o.longs === $String ? $String(m.sequence) : m.sequence;
                    else
                        d.sequence = o.longs === $String ? $util.Long.prototype.toString.call(m.sequence) : o.longs === $Number ? new $util.LongBits(m.sequence.low >>> 0, m.sequence.high >>> 0).toNumber(true) : m.sequence;
                }
                if (m.records && m.records.length) {
                    d.records = $Array(m.records.length);
                    for (var j = 0; j < m.records.length; ++j) {
                        d.records[j] = $root.snatscope.v1.FlowRecord.toObject(m.records[j], o, q + 1);
                    }
                }
                return d;
            };

            /**
             * Converts this RecordBatch to JSON.
             * @function toJSON
             * @memberof snatscope.v1.RecordBatch
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            RecordBatch.prototype.toJSON = function() {
                return RecordBatch.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for RecordBatch
             * @function getTypeUrl
             * @memberof snatscope.v1.RecordBatch
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            RecordBatch.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/snatscope.v1.RecordBatch";
            };

            return RecordBatch;
        })();

        v1.ServiceSnapshot = (function() {

            /**
             * Properties of a ServiceSnapshot.
             * @typedef {Object} snatscope.v1.ServiceSnapshot.$Properties
             * @property {number|null} [sequence] ServiceSnapshot sequence
             * @property {Array.<snatscope.v1.ServiceState.$Properties>|null} [services] ServiceSnapshot services
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a ServiceSnapshot.
             * @memberof snatscope.v1
             * @interface IServiceSnapshot
             * @augments snatscope.v1.ServiceSnapshot.$Properties
             * @deprecated Use snatscope.v1.ServiceSnapshot.$Properties instead.
             */

            /**
             * Shape of a ServiceSnapshot.
             * @typedef {snatscope.v1.ServiceSnapshot.$Properties} snatscope.v1.ServiceSnapshot.$Shape
             */

            /**
             * Constructs a new ServiceSnapshot.
             * @memberof snatscope.v1
             * @classdesc Represents a ServiceSnapshot.
             * @constructor
             * @param {snatscope.v1.ServiceSnapshot.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const ServiceSnapshot = function (p) {
                this.services = [];
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * ServiceSnapshot sequence.
             * @member {number} sequence
             * @memberof snatscope.v1.ServiceSnapshot
             * @instance
             */
            ServiceSnapshot.prototype.sequence = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * ServiceSnapshot services.
             * @member {Array.<snatscope.v1.ServiceState.$Properties>} services
             * @memberof snatscope.v1.ServiceSnapshot
             * @instance
             */
            ServiceSnapshot.prototype.services = $util.emptyArray;

            /**
             * Creates a new ServiceSnapshot instance using the specified properties.
             * @function create
             * @memberof snatscope.v1.ServiceSnapshot
             * @static
             * @param {snatscope.v1.ServiceSnapshot.$Properties=} [properties] Properties to set
             * @returns {snatscope.v1.ServiceSnapshot} ServiceSnapshot instance
             * @type {{
             *   (properties: snatscope.v1.ServiceSnapshot.$Shape): snatscope.v1.ServiceSnapshot & snatscope.v1.ServiceSnapshot.$Shape;
             *   (properties?: snatscope.v1.ServiceSnapshot.$Properties): snatscope.v1.ServiceSnapshot;
             * }}
             */
            ServiceSnapshot.create = function(properties) {
                return new ServiceSnapshot(properties);
            };

            /**
             * Encodes the specified ServiceSnapshot message. Does not implicitly {@link snatscope.v1.ServiceSnapshot.verify|verify} messages.
             * @function encode
             * @memberof snatscope.v1.ServiceSnapshot
             * @static
             * @param {snatscope.v1.ServiceSnapshot.$Properties} m ServiceSnapshot message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ServiceSnapshot.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.sequence != null && $Object.hasOwnProperty.call(m, "sequence") && (typeof m.sequence === "object" ? m.sequence.low || m.sequence.high : m.sequence !== 0))
                    w.uint32(/* id 1, wireType 0 =*/8).uint64(m.sequence);
                if (m.services != null && m.services.length) {
                    for (var i = 0; i < m.services.length; ++i)
                        $root.snatscope.v1.ServiceState.encode(m.services[i], w.uint32(/* id 2, wireType 2 =*/18).fork(), q + 1).ldelim();
                }
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Encodes the specified ServiceSnapshot message, length delimited. Does not implicitly {@link snatscope.v1.ServiceSnapshot.verify|verify} messages.
             * @function encodeDelimited
             * @memberof snatscope.v1.ServiceSnapshot
             * @static
             * @param {snatscope.v1.ServiceSnapshot.$Properties} message ServiceSnapshot message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ServiceSnapshot.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a ServiceSnapshot message from the specified reader or buffer.
             * @function decode
             * @memberof snatscope.v1.ServiceSnapshot
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {snatscope.v1.ServiceSnapshot & snatscope.v1.ServiceSnapshot.$Shape} ServiceSnapshot
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ServiceSnapshot.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.snatscope.v1.ServiceSnapshot();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.sequence = v;
                            else
                                delete m.sequence;
                            continue;
                        }
                    case 2: {
                            if (u !== 2)
                                break;
                            if (!(m.services && m.services.length))
                                m.services = [];
                            m.services.push($root.snatscope.v1.ServiceState.decode(r, r.size(), $undefined, q + 1));
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Decodes a ServiceSnapshot message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof snatscope.v1.ServiceSnapshot
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {snatscope.v1.ServiceSnapshot & snatscope.v1.ServiceSnapshot.$Shape} ServiceSnapshot
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ServiceSnapshot.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a ServiceSnapshot message.
             * @function verify
             * @memberof snatscope.v1.ServiceSnapshot
             * @static
             * @param {Object.<string,*>} m Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            ServiceSnapshot.verify = function (m, q) {
                if (typeof m !== "object" || m === null)
                    return "object expected";
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    return "max depth exceeded";
                if (m.sequence != null && $Object.hasOwnProperty.call(m, "sequence")) {
                    if (!$util.isInteger(m.sequence) && !(m.sequence && $util.isInteger(m.sequence.low) && $util.isInteger(m.sequence.high)))
                        return "sequence: integer|Long expected";
                }
                if (m.services != null && $Object.hasOwnProperty.call(m, "services")) {
                    if (!$Array.isArray(m.services))
                        return "services: array expected";
                    for (var i = 0; i < m.services.length; ++i) {
                        {
                            var e = $root.snatscope.v1.ServiceState.verify(m.services[i], q + 1);
                            if (e)
                                return "services." + e;
                        }
                    }
                }
                return null;
            };

            /**
             * Creates a ServiceSnapshot message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof snatscope.v1.ServiceSnapshot
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {snatscope.v1.ServiceSnapshot} ServiceSnapshot
             */
            ServiceSnapshot.fromObject = function (d, q) {
                if (d instanceof $root.snatscope.v1.ServiceSnapshot)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".snatscope.v1.ServiceSnapshot: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.snatscope.v1.ServiceSnapshot();
                if (d.sequence != null) {
                    if (typeof d.sequence === "object" ? d.sequence.low || d.sequence.high : $Number(d.sequence) !== 0) {
                        if ($util.Long)
                            m.sequence = $util.Long.fromValue(d.sequence, true);
                        else if (typeof d.sequence === "string")
                            m.sequence = $parseInt(d.sequence, 10);
                        else if (typeof d.sequence === "number")
                            m.sequence = d.sequence;
                        else if (typeof d.sequence === "object")
                            m.sequence = new $util.LongBits(d.sequence.low >>> 0, d.sequence.high >>> 0).toNumber(true);
                    }
                }
                if (d.services) {
                    if (!$Array.isArray(d.services))
                        throw $TypeError(".snatscope.v1.ServiceSnapshot.services: array expected");
                    m.services = $Array(d.services.length);
                    for (var i = 0; i < d.services.length; ++i) {
                        if (!$util.isObject(d.services[i]))
                            throw $TypeError(".snatscope.v1.ServiceSnapshot.services: object expected");
                        m.services[i] = $root.snatscope.v1.ServiceState.fromObject(d.services[i], q + 1);
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from a ServiceSnapshot message. Also converts values to other types if specified.
             * @function toObject
             * @memberof snatscope.v1.ServiceSnapshot
             * @static
             * @param {snatscope.v1.ServiceSnapshot} m ServiceSnapshot
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            ServiceSnapshot.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.arrays || o.defaults) {
                    d.services = [];
                }
                if (o.defaults) {
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.sequence = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.sequence = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                }
                if (m.sequence != null && $Object.hasOwnProperty.call(m, "sequence")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.sequence = typeof m.sequence === "number" ? $BigInt(m.sequence) : $util.Long.fromBits(m.sequence.low >>> 0, m.sequence.high >>> 0, true).toBigInt();
                    else if (typeof m.sequence === "number")
                        d.sequence = o.longs === $String ? $String(m.sequence) : m.sequence;
                    else
                        d.sequence = o.longs === $String ? $util.Long.prototype.toString.call(m.sequence) : o.longs === $Number ? new $util.LongBits(m.sequence.low >>> 0, m.sequence.high >>> 0).toNumber(true) : m.sequence;
                }
                if (m.services && m.services.length) {
                    d.services = $Array(m.services.length);
                    for (var j = 0; j < m.services.length; ++j) {
                        d.services[j] = $root.snatscope.v1.ServiceState.toObject(m.services[j], o, q + 1);
                    }
                }
                return d;
            };

            /**
             * Converts this ServiceSnapshot to JSON.
             * @function toJSON
             * @memberof snatscope.v1.ServiceSnapshot
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            ServiceSnapshot.prototype.toJSON = function() {
                return ServiceSnapshot.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for ServiceSnapshot
             * @function getTypeUrl
             * @memberof snatscope.v1.ServiceSnapshot
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            ServiceSnapshot.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/snatscope.v1.ServiceSnapshot";
            };

            return ServiceSnapshot;
        })();

        v1.AgentMessage = (function() {

            /**
             * Properties of an AgentMessage.
             * @typedef {Object} snatscope.v1.AgentMessage.$Properties
             * @property {snatscope.v1.AgentHello.$Properties|null} [hello] AgentMessage hello
             * @property {snatscope.v1.RecordBatch.$Properties|null} [batch] AgentMessage batch
             * @property {snatscope.v1.ServiceSnapshot.$Properties|null} [services] AgentMessage services
             * @property {"hello"|"batch"|"services"} [message] AgentMessage message
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of an AgentMessage.
             * @memberof snatscope.v1
             * @interface IAgentMessage
             * @augments snatscope.v1.AgentMessage.$Properties
             * @deprecated Use snatscope.v1.AgentMessage.$Properties instead.
             */

            /**
             * Narrowed shape of an AgentMessage.
             * @typedef {{
             *   hello?: snatscope.v1.AgentHello.$Shape|null;
             *   batch?: snatscope.v1.RecordBatch.$Shape|null;
             *   services?: snatscope.v1.ServiceSnapshot.$Shape|null;
             *   $unknowns?: Array.<Uint8Array>;
             * } & (
             *   ({ message?: undefined; hello?: null; batch?: null; services?: null }|{ message?: "hello"; hello: snatscope.v1.AgentHello.$Shape; batch?: null; services?: null }|{ message?: "batch"; hello?: null; batch: snatscope.v1.RecordBatch.$Shape; services?: null }|{ message?: "services"; hello?: null; batch?: null; services: snatscope.v1.ServiceSnapshot.$Shape })
             * )} snatscope.v1.AgentMessage.$Shape
             */

            /**
             * Constructs a new AgentMessage.
             * @memberof snatscope.v1
             * @classdesc Represents an AgentMessage.
             * @constructor
             * @param {snatscope.v1.AgentMessage.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const AgentMessage = function (p) {
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * AgentMessage hello.
             * @member {snatscope.v1.AgentHello.$Properties|null|undefined} hello
             * @memberof snatscope.v1.AgentMessage
             * @instance
             */
            AgentMessage.prototype.hello = null;

            /**
             * AgentMessage batch.
             * @member {snatscope.v1.RecordBatch.$Properties|null|undefined} batch
             * @memberof snatscope.v1.AgentMessage
             * @instance
             */
            AgentMessage.prototype.batch = null;

            /**
             * AgentMessage services.
             * @member {snatscope.v1.ServiceSnapshot.$Properties|null|undefined} services
             * @memberof snatscope.v1.AgentMessage
             * @instance
             */
            AgentMessage.prototype.services = null;

            // OneOf field names bound to virtual getters and setters
            let $oneOfFields;

            /**
             * AgentMessage message.
             * @member {"hello"|"batch"|"services"|undefined} message
             * @memberof snatscope.v1.AgentMessage
             * @instance
             */
            $Object.defineProperty(AgentMessage.prototype, "message", {
                get: $util.oneOfGetter($oneOfFields = ["hello", "batch", "services"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            /**
             * Creates a new AgentMessage instance using the specified properties.
             * @function create
             * @memberof snatscope.v1.AgentMessage
             * @static
             * @param {snatscope.v1.AgentMessage.$Properties=} [properties] Properties to set
             * @returns {snatscope.v1.AgentMessage} AgentMessage instance
             * @type {{
             *   (properties: snatscope.v1.AgentMessage.$Shape): snatscope.v1.AgentMessage & snatscope.v1.AgentMessage.$Shape;
             *   (properties?: snatscope.v1.AgentMessage.$Properties): snatscope.v1.AgentMessage;
             * }}
             */
            AgentMessage.create = function(properties) {
                return new AgentMessage(properties);
            };

            /**
             * Encodes the specified AgentMessage message. Does not implicitly {@link snatscope.v1.AgentMessage.verify|verify} messages.
             * @function encode
             * @memberof snatscope.v1.AgentMessage
             * @static
             * @param {snatscope.v1.AgentMessage.$Properties} m AgentMessage message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            AgentMessage.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.hello != null && $Object.hasOwnProperty.call(m, "hello"))
                    $root.snatscope.v1.AgentHello.encode(m.hello, w.uint32(/* id 1, wireType 2 =*/10).fork(), q + 1).ldelim();
                if (m.batch != null && $Object.hasOwnProperty.call(m, "batch"))
                    $root.snatscope.v1.RecordBatch.encode(m.batch, w.uint32(/* id 2, wireType 2 =*/18).fork(), q + 1).ldelim();
                if (m.services != null && $Object.hasOwnProperty.call(m, "services"))
                    $root.snatscope.v1.ServiceSnapshot.encode(m.services, w.uint32(/* id 3, wireType 2 =*/26).fork(), q + 1).ldelim();
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Encodes the specified AgentMessage message, length delimited. Does not implicitly {@link snatscope.v1.AgentMessage.verify|verify} messages.
             * @function encodeDelimited
             * @memberof snatscope.v1.AgentMessage
             * @static
             * @param {snatscope.v1.AgentMessage.$Properties} message AgentMessage message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            AgentMessage.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes an AgentMessage message from the specified reader or buffer.
             * @function decode
             * @memberof snatscope.v1.AgentMessage
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {snatscope.v1.AgentMessage & snatscope.v1.AgentMessage.$Shape} AgentMessage
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            AgentMessage.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.snatscope.v1.AgentMessage();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            m.hello = $root.snatscope.v1.AgentHello.decode(r, r.size(), $undefined, q + 1, m.hello);
                            m.message = "hello";
                            continue;
                        }
                    case 2: {
                            if (u !== 2)
                                break;
                            m.batch = $root.snatscope.v1.RecordBatch.decode(r, r.size(), $undefined, q + 1, m.batch);
                            m.message = "batch";
                            continue;
                        }
                    case 3: {
                            if (u !== 2)
                                break;
                            m.services = $root.snatscope.v1.ServiceSnapshot.decode(r, r.size(), $undefined, q + 1, m.services);
                            m.message = "services";
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Decodes an AgentMessage message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof snatscope.v1.AgentMessage
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {snatscope.v1.AgentMessage & snatscope.v1.AgentMessage.$Shape} AgentMessage
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            AgentMessage.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies an AgentMessage message.
             * @function verify
             * @memberof snatscope.v1.AgentMessage
             * @static
             * @param {Object.<string,*>} m Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            AgentMessage.verify = function (m, q) {
                if (typeof m !== "object" || m === null)
                    return "object expected";
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    return "max depth exceeded";
                var p = {};
                if (m.hello != null && $Object.hasOwnProperty.call(m, "hello")) {
                    p.message = 1;
                    {
                        var e = $root.snatscope.v1.AgentHello.verify(m.hello, q + 1);
                        if (e)
                            return "hello." + e;
                    }
                }
                if (m.batch != null && $Object.hasOwnProperty.call(m, "batch")) {
                    if (p.message === 1)
                        return "message: multiple values";
                    p.message = 1;
                    {
                        var e = $root.snatscope.v1.RecordBatch.verify(m.batch, q + 1);
                        if (e)
                            return "batch." + e;
                    }
                }
                if (m.services != null && $Object.hasOwnProperty.call(m, "services")) {
                    if (p.message === 1)
                        return "message: multiple values";
                    p.message = 1;
                    {
                        var e = $root.snatscope.v1.ServiceSnapshot.verify(m.services, q + 1);
                        if (e)
                            return "services." + e;
                    }
                }
                return null;
            };

            /**
             * Creates an AgentMessage message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof snatscope.v1.AgentMessage
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {snatscope.v1.AgentMessage} AgentMessage
             */
            AgentMessage.fromObject = function (d, q) {
                if (d instanceof $root.snatscope.v1.AgentMessage)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".snatscope.v1.AgentMessage: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.snatscope.v1.AgentMessage();
                if (d.hello != null) {
                    if (!$util.isObject(d.hello))
                        throw $TypeError(".snatscope.v1.AgentMessage.hello: object expected");
                    m.hello = $root.snatscope.v1.AgentHello.fromObject(d.hello, q + 1);
                }
                if (d.batch != null) {
                    if (!$util.isObject(d.batch))
                        throw $TypeError(".snatscope.v1.AgentMessage.batch: object expected");
                    m.batch = $root.snatscope.v1.RecordBatch.fromObject(d.batch, q + 1);
                }
                if (d.services != null) {
                    if (!$util.isObject(d.services))
                        throw $TypeError(".snatscope.v1.AgentMessage.services: object expected");
                    m.services = $root.snatscope.v1.ServiceSnapshot.fromObject(d.services, q + 1);
                }
                return m;
            };

            /**
             * Creates a plain object from an AgentMessage message. Also converts values to other types if specified.
             * @function toObject
             * @memberof snatscope.v1.AgentMessage
             * @static
             * @param {snatscope.v1.AgentMessage} m AgentMessage
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            AgentMessage.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (m.hello != null && $Object.hasOwnProperty.call(m, "hello")) {
                    d.hello = $root.snatscope.v1.AgentHello.toObject(m.hello, o, q + 1);
                    if (o.oneofs)
                        d.message = "hello";
                }
                if (m.batch != null && $Object.hasOwnProperty.call(m, "batch")) {
                    d.batch = $root.snatscope.v1.RecordBatch.toObject(m.batch, o, q + 1);
                    if (o.oneofs)
                        d.message = "batch";
                }
                if (m.services != null && $Object.hasOwnProperty.call(m, "services")) {
                    d.services = $root.snatscope.v1.ServiceSnapshot.toObject(m.services, o, q + 1);
                    if (o.oneofs)
                        d.message = "services";
                }
                return d;
            };

            /**
             * Converts this AgentMessage to JSON.
             * @function toJSON
             * @memberof snatscope.v1.AgentMessage
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            AgentMessage.prototype.toJSON = function() {
                return AgentMessage.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for AgentMessage
             * @function getTypeUrl
             * @memberof snatscope.v1.AgentMessage
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            AgentMessage.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/snatscope.v1.AgentMessage";
            };

            return AgentMessage;
        })();

        v1.Ack = (function() {

            /**
             * Properties of an Ack.
             * @typedef {Object} snatscope.v1.Ack.$Properties
             * @property {number|null} [sequence] Ack sequence
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of an Ack.
             * @memberof snatscope.v1
             * @interface IAck
             * @augments snatscope.v1.Ack.$Properties
             * @deprecated Use snatscope.v1.Ack.$Properties instead.
             */

            /**
             * Shape of an Ack.
             * @typedef {snatscope.v1.Ack.$Properties} snatscope.v1.Ack.$Shape
             */

            /**
             * Constructs a new Ack.
             * @memberof snatscope.v1
             * @classdesc Represents an Ack.
             * @constructor
             * @param {snatscope.v1.Ack.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Ack = function (p) {
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * Ack sequence.
             * @member {number} sequence
             * @memberof snatscope.v1.Ack
             * @instance
             */
            Ack.prototype.sequence = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Creates a new Ack instance using the specified properties.
             * @function create
             * @memberof snatscope.v1.Ack
             * @static
             * @param {snatscope.v1.Ack.$Properties=} [properties] Properties to set
             * @returns {snatscope.v1.Ack} Ack instance
             * @type {{
             *   (properties: snatscope.v1.Ack.$Shape): snatscope.v1.Ack & snatscope.v1.Ack.$Shape;
             *   (properties?: snatscope.v1.Ack.$Properties): snatscope.v1.Ack;
             * }}
             */
            Ack.create = function(properties) {
                return new Ack(properties);
            };

            /**
             * Encodes the specified Ack message. Does not implicitly {@link snatscope.v1.Ack.verify|verify} messages.
             * @function encode
             * @memberof snatscope.v1.Ack
             * @static
             * @param {snatscope.v1.Ack.$Properties} m Ack message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Ack.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.sequence != null && $Object.hasOwnProperty.call(m, "sequence") && (typeof m.sequence === "object" ? m.sequence.low || m.sequence.high : m.sequence !== 0))
                    w.uint32(/* id 1, wireType 0 =*/8).uint64(m.sequence);
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Encodes the specified Ack message, length delimited. Does not implicitly {@link snatscope.v1.Ack.verify|verify} messages.
             * @function encodeDelimited
             * @memberof snatscope.v1.Ack
             * @static
             * @param {snatscope.v1.Ack.$Properties} message Ack message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Ack.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes an Ack message from the specified reader or buffer.
             * @function decode
             * @memberof snatscope.v1.Ack
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {snatscope.v1.Ack & snatscope.v1.Ack.$Shape} Ack
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Ack.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.snatscope.v1.Ack();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.sequence = v;
                            else
                                delete m.sequence;
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Decodes an Ack message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof snatscope.v1.Ack
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {snatscope.v1.Ack & snatscope.v1.Ack.$Shape} Ack
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Ack.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies an Ack message.
             * @function verify
             * @memberof snatscope.v1.Ack
             * @static
             * @param {Object.<string,*>} m Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            Ack.verify = function (m, q) {
                if (typeof m !== "object" || m === null)
                    return "object expected";
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    return "max depth exceeded";
                if (m.sequence != null && $Object.hasOwnProperty.call(m, "sequence")) {
                    if (!$util.isInteger(m.sequence) && !(m.sequence && $util.isInteger(m.sequence.low) && $util.isInteger(m.sequence.high)))
                        return "sequence: integer|Long expected";
                }
                return null;
            };

            /**
             * Creates an Ack message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof snatscope.v1.Ack
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {snatscope.v1.Ack} Ack
             */
            Ack.fromObject = function (d, q) {
                if (d instanceof $root.snatscope.v1.Ack)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".snatscope.v1.Ack: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.snatscope.v1.Ack();
                if (d.sequence != null) {
                    if (typeof d.sequence === "object" ? d.sequence.low || d.sequence.high : $Number(d.sequence) !== 0) {
                        if ($util.Long)
                            m.sequence = $util.Long.fromValue(d.sequence, true);
                        else if (typeof d.sequence === "string")
                            m.sequence = $parseInt(d.sequence, 10);
                        else if (typeof d.sequence === "number")
                            m.sequence = d.sequence;
                        else if (typeof d.sequence === "object")
                            m.sequence = new $util.LongBits(d.sequence.low >>> 0, d.sequence.high >>> 0).toNumber(true);
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from an Ack message. Also converts values to other types if specified.
             * @function toObject
             * @memberof snatscope.v1.Ack
             * @static
             * @param {snatscope.v1.Ack} m Ack
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Ack.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.defaults) {
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.sequence = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.sequence = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                }
                if (m.sequence != null && $Object.hasOwnProperty.call(m, "sequence")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.sequence = typeof m.sequence === "number" ? $BigInt(m.sequence) : $util.Long.fromBits(m.sequence.low >>> 0, m.sequence.high >>> 0, true).toBigInt();
                    else if (typeof m.sequence === "number")
                        d.sequence = o.longs === $String ? $String(m.sequence) : m.sequence;
                    else
                        d.sequence = o.longs === $String ? $util.Long.prototype.toString.call(m.sequence) : o.longs === $Number ? new $util.LongBits(m.sequence.low >>> 0, m.sequence.high >>> 0).toNumber(true) : m.sequence;
                }
                return d;
            };

            /**
             * Converts this Ack to JSON.
             * @function toJSON
             * @memberof snatscope.v1.Ack
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Ack.prototype.toJSON = function() {
                return Ack.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for Ack
             * @function getTypeUrl
             * @memberof snatscope.v1.Ack
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Ack.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/snatscope.v1.Ack";
            };

            return Ack;
        })();

        v1.Rejection = (function() {

            /**
             * Properties of a Rejection.
             * @typedef {Object} snatscope.v1.Rejection.$Properties
             * @property {number|null} [sequence] Rejection sequence
             * @property {string|null} [reason] Rejection reason
             * @property {number|null} [code] Rejection code
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Rejection.
             * @memberof snatscope.v1
             * @interface IRejection
             * @augments snatscope.v1.Rejection.$Properties
             * @deprecated Use snatscope.v1.Rejection.$Properties instead.
             */

            /**
             * Shape of a Rejection.
             * @typedef {snatscope.v1.Rejection.$Properties} snatscope.v1.Rejection.$Shape
             */

            /**
             * Constructs a new Rejection.
             * @memberof snatscope.v1
             * @classdesc Represents a Rejection.
             * @constructor
             * @param {snatscope.v1.Rejection.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Rejection = function (p) {
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * Rejection sequence.
             * @member {number} sequence
             * @memberof snatscope.v1.Rejection
             * @instance
             */
            Rejection.prototype.sequence = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Rejection reason.
             * @member {string} reason
             * @memberof snatscope.v1.Rejection
             * @instance
             */
            Rejection.prototype.reason = "";

            /**
             * Rejection code.
             * @member {number} code
             * @memberof snatscope.v1.Rejection
             * @instance
             */
            Rejection.prototype.code = 0;

            /**
             * Creates a new Rejection instance using the specified properties.
             * @function create
             * @memberof snatscope.v1.Rejection
             * @static
             * @param {snatscope.v1.Rejection.$Properties=} [properties] Properties to set
             * @returns {snatscope.v1.Rejection} Rejection instance
             * @type {{
             *   (properties: snatscope.v1.Rejection.$Shape): snatscope.v1.Rejection & snatscope.v1.Rejection.$Shape;
             *   (properties?: snatscope.v1.Rejection.$Properties): snatscope.v1.Rejection;
             * }}
             */
            Rejection.create = function(properties) {
                return new Rejection(properties);
            };

            /**
             * Encodes the specified Rejection message. Does not implicitly {@link snatscope.v1.Rejection.verify|verify} messages.
             * @function encode
             * @memberof snatscope.v1.Rejection
             * @static
             * @param {snatscope.v1.Rejection.$Properties} m Rejection message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Rejection.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.sequence != null && $Object.hasOwnProperty.call(m, "sequence") && (typeof m.sequence === "object" ? m.sequence.low || m.sequence.high : m.sequence !== 0))
                    w.uint32(/* id 1, wireType 0 =*/8).uint64(m.sequence);
                if (m.reason != null && $Object.hasOwnProperty.call(m, "reason") && m.reason !== "")
                    w.uint32(/* id 2, wireType 2 =*/18).string(m.reason);
                if (m.code != null && $Object.hasOwnProperty.call(m, "code") && m.code !== 0)
                    w.uint32(/* id 3, wireType 0 =*/24).uint32(m.code);
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Encodes the specified Rejection message, length delimited. Does not implicitly {@link snatscope.v1.Rejection.verify|verify} messages.
             * @function encodeDelimited
             * @memberof snatscope.v1.Rejection
             * @static
             * @param {snatscope.v1.Rejection.$Properties} message Rejection message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Rejection.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a Rejection message from the specified reader or buffer.
             * @function decode
             * @memberof snatscope.v1.Rejection
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {snatscope.v1.Rejection & snatscope.v1.Rejection.$Shape} Rejection
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Rejection.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.snatscope.v1.Rejection();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.sequence = v;
                            else
                                delete m.sequence;
                            continue;
                        }
                    case 2: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.reason = v;
                            else
                                delete m.reason;
                            continue;
                        }
                    case 3: {
                            if (u !== 0)
                                break;
                            if (v = r.uint32())
                                m.code = v;
                            else
                                delete m.code;
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Decodes a Rejection message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof snatscope.v1.Rejection
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {snatscope.v1.Rejection & snatscope.v1.Rejection.$Shape} Rejection
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Rejection.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a Rejection message.
             * @function verify
             * @memberof snatscope.v1.Rejection
             * @static
             * @param {Object.<string,*>} m Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            Rejection.verify = function (m, q) {
                if (typeof m !== "object" || m === null)
                    return "object expected";
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    return "max depth exceeded";
                if (m.sequence != null && $Object.hasOwnProperty.call(m, "sequence")) {
                    if (!$util.isInteger(m.sequence) && !(m.sequence && $util.isInteger(m.sequence.low) && $util.isInteger(m.sequence.high)))
                        return "sequence: integer|Long expected";
                }
                if (m.reason != null && $Object.hasOwnProperty.call(m, "reason")) {
                    if (!$util.isString(m.reason))
                        return "reason: string expected";
                }
                if (m.code != null && $Object.hasOwnProperty.call(m, "code")) {
                    if (!$util.isInteger(m.code))
                        return "code: integer expected";
                }
                return null;
            };

            /**
             * Creates a Rejection message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof snatscope.v1.Rejection
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {snatscope.v1.Rejection} Rejection
             */
            Rejection.fromObject = function (d, q) {
                if (d instanceof $root.snatscope.v1.Rejection)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".snatscope.v1.Rejection: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.snatscope.v1.Rejection();
                if (d.sequence != null) {
                    if (typeof d.sequence === "object" ? d.sequence.low || d.sequence.high : $Number(d.sequence) !== 0) {
                        if ($util.Long)
                            m.sequence = $util.Long.fromValue(d.sequence, true);
                        else if (typeof d.sequence === "string")
                            m.sequence = $parseInt(d.sequence, 10);
                        else if (typeof d.sequence === "number")
                            m.sequence = d.sequence;
                        else if (typeof d.sequence === "object")
                            m.sequence = new $util.LongBits(d.sequence.low >>> 0, d.sequence.high >>> 0).toNumber(true);
                    }
                }
                if (d.reason != null) {
                    if (typeof d.reason !== "string" || d.reason.length) {
                        m.reason = $String(d.reason);
                    }
                }
                if (d.code != null) {
                    if ($Number(d.code) !== 0) {
                        m.code = d.code >>> 0;
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from a Rejection message. Also converts values to other types if specified.
             * @function toObject
             * @memberof snatscope.v1.Rejection
             * @static
             * @param {snatscope.v1.Rejection} m Rejection
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Rejection.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.defaults) {
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.sequence = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.sequence = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    d.reason = "";
                    d.code = 0;
                }
                if (m.sequence != null && $Object.hasOwnProperty.call(m, "sequence")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.sequence = typeof m.sequence === "number" ? $BigInt(m.sequence) : $util.Long.fromBits(m.sequence.low >>> 0, m.sequence.high >>> 0, true).toBigInt();
                    else if (typeof m.sequence === "number")
                        d.sequence = o.longs === $String ? $String(m.sequence) : m.sequence;
                    else
                        d.sequence = o.longs === $String ? $util.Long.prototype.toString.call(m.sequence) : o.longs === $Number ? new $util.LongBits(m.sequence.low >>> 0, m.sequence.high >>> 0).toNumber(true) : m.sequence;
                }
                if (m.reason != null && $Object.hasOwnProperty.call(m, "reason")) {
                    d.reason = m.reason;
                }
                if (m.code != null && $Object.hasOwnProperty.call(m, "code")) {
                    d.code = m.code;
                }
                return d;
            };

            /**
             * Converts this Rejection to JSON.
             * @function toJSON
             * @memberof snatscope.v1.Rejection
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Rejection.prototype.toJSON = function() {
                return Rejection.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for Rejection
             * @function getTypeUrl
             * @memberof snatscope.v1.Rejection
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Rejection.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/snatscope.v1.Rejection";
            };

            return Rejection;
        })();

        v1.CollectorMessage = (function() {

            /**
             * Properties of a CollectorMessage.
             * @typedef {Object} snatscope.v1.CollectorMessage.$Properties
             * @property {snatscope.v1.Ack.$Properties|null} [ack] CollectorMessage ack
             * @property {snatscope.v1.Rejection.$Properties|null} [rejection] CollectorMessage rejection
             * @property {"ack"|"rejection"} [message] CollectorMessage message
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a CollectorMessage.
             * @memberof snatscope.v1
             * @interface ICollectorMessage
             * @augments snatscope.v1.CollectorMessage.$Properties
             * @deprecated Use snatscope.v1.CollectorMessage.$Properties instead.
             */

            /**
             * Narrowed shape of a CollectorMessage.
             * @typedef {{
             *   ack?: snatscope.v1.Ack.$Shape|null;
             *   rejection?: snatscope.v1.Rejection.$Shape|null;
             *   $unknowns?: Array.<Uint8Array>;
             * } & (
             *   ({ message?: undefined; ack?: null; rejection?: null }|{ message?: "ack"; ack: snatscope.v1.Ack.$Shape; rejection?: null }|{ message?: "rejection"; ack?: null; rejection: snatscope.v1.Rejection.$Shape })
             * )} snatscope.v1.CollectorMessage.$Shape
             */

            /**
             * Constructs a new CollectorMessage.
             * @memberof snatscope.v1
             * @classdesc Represents a CollectorMessage.
             * @constructor
             * @param {snatscope.v1.CollectorMessage.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const CollectorMessage = function (p) {
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * CollectorMessage ack.
             * @member {snatscope.v1.Ack.$Properties|null|undefined} ack
             * @memberof snatscope.v1.CollectorMessage
             * @instance
             */
            CollectorMessage.prototype.ack = null;

            /**
             * CollectorMessage rejection.
             * @member {snatscope.v1.Rejection.$Properties|null|undefined} rejection
             * @memberof snatscope.v1.CollectorMessage
             * @instance
             */
            CollectorMessage.prototype.rejection = null;

            // OneOf field names bound to virtual getters and setters
            let $oneOfFields;

            /**
             * CollectorMessage message.
             * @member {"ack"|"rejection"|undefined} message
             * @memberof snatscope.v1.CollectorMessage
             * @instance
             */
            $Object.defineProperty(CollectorMessage.prototype, "message", {
                get: $util.oneOfGetter($oneOfFields = ["ack", "rejection"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            /**
             * Creates a new CollectorMessage instance using the specified properties.
             * @function create
             * @memberof snatscope.v1.CollectorMessage
             * @static
             * @param {snatscope.v1.CollectorMessage.$Properties=} [properties] Properties to set
             * @returns {snatscope.v1.CollectorMessage} CollectorMessage instance
             * @type {{
             *   (properties: snatscope.v1.CollectorMessage.$Shape): snatscope.v1.CollectorMessage & snatscope.v1.CollectorMessage.$Shape;
             *   (properties?: snatscope.v1.CollectorMessage.$Properties): snatscope.v1.CollectorMessage;
             * }}
             */
            CollectorMessage.create = function(properties) {
                return new CollectorMessage(properties);
            };

            /**
             * Encodes the specified CollectorMessage message. Does not implicitly {@link snatscope.v1.CollectorMessage.verify|verify} messages.
             * @function encode
             * @memberof snatscope.v1.CollectorMessage
             * @static
             * @param {snatscope.v1.CollectorMessage.$Properties} m CollectorMessage message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            CollectorMessage.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.ack != null && $Object.hasOwnProperty.call(m, "ack"))
                    $root.snatscope.v1.Ack.encode(m.ack, w.uint32(/* id 1, wireType 2 =*/10).fork(), q + 1).ldelim();
                if (m.rejection != null && $Object.hasOwnProperty.call(m, "rejection"))
                    $root.snatscope.v1.Rejection.encode(m.rejection, w.uint32(/* id 2, wireType 2 =*/18).fork(), q + 1).ldelim();
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Encodes the specified CollectorMessage message, length delimited. Does not implicitly {@link snatscope.v1.CollectorMessage.verify|verify} messages.
             * @function encodeDelimited
             * @memberof snatscope.v1.CollectorMessage
             * @static
             * @param {snatscope.v1.CollectorMessage.$Properties} message CollectorMessage message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            CollectorMessage.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a CollectorMessage message from the specified reader or buffer.
             * @function decode
             * @memberof snatscope.v1.CollectorMessage
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {snatscope.v1.CollectorMessage & snatscope.v1.CollectorMessage.$Shape} CollectorMessage
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            CollectorMessage.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.snatscope.v1.CollectorMessage();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            m.ack = $root.snatscope.v1.Ack.decode(r, r.size(), $undefined, q + 1, m.ack);
                            m.message = "ack";
                            continue;
                        }
                    case 2: {
                            if (u !== 2)
                                break;
                            m.rejection = $root.snatscope.v1.Rejection.decode(r, r.size(), $undefined, q + 1, m.rejection);
                            m.message = "rejection";
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Decodes a CollectorMessage message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof snatscope.v1.CollectorMessage
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {snatscope.v1.CollectorMessage & snatscope.v1.CollectorMessage.$Shape} CollectorMessage
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            CollectorMessage.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a CollectorMessage message.
             * @function verify
             * @memberof snatscope.v1.CollectorMessage
             * @static
             * @param {Object.<string,*>} m Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            CollectorMessage.verify = function (m, q) {
                if (typeof m !== "object" || m === null)
                    return "object expected";
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    return "max depth exceeded";
                var p = {};
                if (m.ack != null && $Object.hasOwnProperty.call(m, "ack")) {
                    p.message = 1;
                    {
                        var e = $root.snatscope.v1.Ack.verify(m.ack, q + 1);
                        if (e)
                            return "ack." + e;
                    }
                }
                if (m.rejection != null && $Object.hasOwnProperty.call(m, "rejection")) {
                    if (p.message === 1)
                        return "message: multiple values";
                    p.message = 1;
                    {
                        var e = $root.snatscope.v1.Rejection.verify(m.rejection, q + 1);
                        if (e)
                            return "rejection." + e;
                    }
                }
                return null;
            };

            /**
             * Creates a CollectorMessage message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof snatscope.v1.CollectorMessage
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {snatscope.v1.CollectorMessage} CollectorMessage
             */
            CollectorMessage.fromObject = function (d, q) {
                if (d instanceof $root.snatscope.v1.CollectorMessage)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".snatscope.v1.CollectorMessage: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.snatscope.v1.CollectorMessage();
                if (d.ack != null) {
                    if (!$util.isObject(d.ack))
                        throw $TypeError(".snatscope.v1.CollectorMessage.ack: object expected");
                    m.ack = $root.snatscope.v1.Ack.fromObject(d.ack, q + 1);
                }
                if (d.rejection != null) {
                    if (!$util.isObject(d.rejection))
                        throw $TypeError(".snatscope.v1.CollectorMessage.rejection: object expected");
                    m.rejection = $root.snatscope.v1.Rejection.fromObject(d.rejection, q + 1);
                }
                return m;
            };

            /**
             * Creates a plain object from a CollectorMessage message. Also converts values to other types if specified.
             * @function toObject
             * @memberof snatscope.v1.CollectorMessage
             * @static
             * @param {snatscope.v1.CollectorMessage} m CollectorMessage
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            CollectorMessage.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (m.ack != null && $Object.hasOwnProperty.call(m, "ack")) {
                    d.ack = $root.snatscope.v1.Ack.toObject(m.ack, o, q + 1);
                    if (o.oneofs)
                        d.message = "ack";
                }
                if (m.rejection != null && $Object.hasOwnProperty.call(m, "rejection")) {
                    d.rejection = $root.snatscope.v1.Rejection.toObject(m.rejection, o, q + 1);
                    if (o.oneofs)
                        d.message = "rejection";
                }
                return d;
            };

            /**
             * Converts this CollectorMessage to JSON.
             * @function toJSON
             * @memberof snatscope.v1.CollectorMessage
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            CollectorMessage.prototype.toJSON = function() {
                return CollectorMessage.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for CollectorMessage
             * @function getTypeUrl
             * @memberof snatscope.v1.CollectorMessage
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            CollectorMessage.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/snatscope.v1.CollectorMessage";
            };

            return CollectorMessage;
        })();

        v1.Ingest = (function() {

            /**
             * Constructs a new Ingest service.
             * @memberof snatscope.v1
             * @classdesc Represents an Ingest
             * @extends $protobuf.rpc.Service
             * @constructor
             * @param {$protobuf.RPCImpl} rpcImpl RPC implementation
             * @param {boolean} [requestDelimited=false] Whether requests are length-delimited
             * @param {boolean} [responseDelimited=false] Whether responses are length-delimited
             */
            const Ingest = function(rpcImpl, requestDelimited, responseDelimited) {
                $protobuf.rpc.Service.call(this, rpcImpl, requestDelimited, responseDelimited);
            };

            $Object.defineProperty(Ingest.prototype = $Object.create($protobuf.rpc.Service.prototype), "constructor", { value: Ingest, writable: true, enumerable: false, configurable: true });

            /**
             * Creates new Ingest service using the specified rpc implementation.
             * @function create
             * @memberof snatscope.v1.Ingest
             * @static
             * @param {$protobuf.RPCImpl} rpcImpl RPC implementation
             * @param {boolean} [requestDelimited=false] Whether requests are length-delimited
             * @param {boolean} [responseDelimited=false] Whether responses are length-delimited
             * @returns {Ingest} RPC service. Useful where requests and/or responses are streamed.
             */
            Ingest.create = function(rpcImpl, requestDelimited, responseDelimited) {
                return new this(rpcImpl, requestDelimited, responseDelimited);
            };

            /**
             * Callback as used by {@link snatscope.v1.Ingest#stream}.
             * @memberof snatscope.v1.Ingest
             * @typedef StreamCallback
             * @type {function}
             * @param {Error|null} error Error, if any
             * @param {snatscope.v1.CollectorMessage} [response] CollectorMessage
             */

            /**
             * Calls Stream.
             * @memberof snatscope.v1.Ingest
             * @typedef Stream
             * @type {{
             *   (request: snatscope.v1.IAgentMessage, callback: snatscope.v1.Ingest.StreamCallback): void;
             *   (request: snatscope.v1.IAgentMessage): Promise<snatscope.v1.CollectorMessage>;
             *   readonly name: "Stream";
             *   readonly path: "/snatscope.v1.Ingest/Stream";
             *   readonly requestType: "AgentMessage";
             *   readonly responseType: "CollectorMessage";
             *   readonly requestStream: true;
             *   readonly responseStream: true;
             * }}
             */

            /**
             * Calls Stream.
             * @name snatscope.v1.Ingest#stream
             * @type {snatscope.v1.Ingest.Stream}
             */
            $Object.defineProperties(Ingest.prototype.stream = function(request, callback) {
                return $protobuf.rpc.Service.prototype.rpcCall.call(this, Ingest.prototype.stream, $root.snatscope.v1.AgentMessage, $root.snatscope.v1.CollectorMessage, request, callback);
            }, {
                name: { value: "Stream" },
                path: { value: "/snatscope.v1.Ingest/Stream" },
                requestType: { value: "AgentMessage" },
                responseType: { value: "CollectorMessage" },
                requestStream: { value: true },
                responseStream: { value: true }
            });

            return Ingest;
        })();

        v1.Finding = (function() {

            /**
             * Properties of a Finding.
             * @typedef {Object} snatscope.v1.Finding.$Properties
             * @property {string|null} [severity] Finding severity
             * @property {snatscope.v1.ServicePortName.$Properties|null} [service] Finding service
             * @property {string|null} [code] Finding code
             * @property {string|null} [explanation] Finding explanation
             * @property {string|null} [fix] Finding fix
             * @property {Array.<string>|null} [nodes] Finding nodes
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Finding.
             * @memberof snatscope.v1
             * @interface IFinding
             * @augments snatscope.v1.Finding.$Properties
             * @deprecated Use snatscope.v1.Finding.$Properties instead.
             */

            /**
             * Shape of a Finding.
             * @typedef {snatscope.v1.Finding.$Properties} snatscope.v1.Finding.$Shape
             */

            /**
             * Constructs a new Finding.
             * @memberof snatscope.v1
             * @classdesc Represents a Finding.
             * @constructor
             * @param {snatscope.v1.Finding.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Finding = function (p) {
                this.nodes = [];
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * Finding severity.
             * @member {string} severity
             * @memberof snatscope.v1.Finding
             * @instance
             */
            Finding.prototype.severity = "";

            /**
             * Finding service.
             * @member {snatscope.v1.ServicePortName.$Properties|null|undefined} service
             * @memberof snatscope.v1.Finding
             * @instance
             */
            Finding.prototype.service = null;

            /**
             * Finding code.
             * @member {string} code
             * @memberof snatscope.v1.Finding
             * @instance
             */
            Finding.prototype.code = "";

            /**
             * Finding explanation.
             * @member {string} explanation
             * @memberof snatscope.v1.Finding
             * @instance
             */
            Finding.prototype.explanation = "";

            /**
             * Finding fix.
             * @member {string} fix
             * @memberof snatscope.v1.Finding
             * @instance
             */
            Finding.prototype.fix = "";

            /**
             * Finding nodes.
             * @member {Array.<string>} nodes
             * @memberof snatscope.v1.Finding
             * @instance
             */
            Finding.prototype.nodes = $util.emptyArray;

            /**
             * Creates a new Finding instance using the specified properties.
             * @function create
             * @memberof snatscope.v1.Finding
             * @static
             * @param {snatscope.v1.Finding.$Properties=} [properties] Properties to set
             * @returns {snatscope.v1.Finding} Finding instance
             * @type {{
             *   (properties: snatscope.v1.Finding.$Shape): snatscope.v1.Finding & snatscope.v1.Finding.$Shape;
             *   (properties?: snatscope.v1.Finding.$Properties): snatscope.v1.Finding;
             * }}
             */
            Finding.create = function(properties) {
                return new Finding(properties);
            };

            /**
             * Encodes the specified Finding message. Does not implicitly {@link snatscope.v1.Finding.verify|verify} messages.
             * @function encode
             * @memberof snatscope.v1.Finding
             * @static
             * @param {snatscope.v1.Finding.$Properties} m Finding message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Finding.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.severity != null && $Object.hasOwnProperty.call(m, "severity") && m.severity !== "")
                    w.uint32(/* id 1, wireType 2 =*/10).string(m.severity);
                if (m.service != null && $Object.hasOwnProperty.call(m, "service"))
                    $root.snatscope.v1.ServicePortName.encode(m.service, w.uint32(/* id 2, wireType 2 =*/18).fork(), q + 1).ldelim();
                if (m.code != null && $Object.hasOwnProperty.call(m, "code") && m.code !== "")
                    w.uint32(/* id 3, wireType 2 =*/26).string(m.code);
                if (m.explanation != null && $Object.hasOwnProperty.call(m, "explanation") && m.explanation !== "")
                    w.uint32(/* id 4, wireType 2 =*/34).string(m.explanation);
                if (m.fix != null && $Object.hasOwnProperty.call(m, "fix") && m.fix !== "")
                    w.uint32(/* id 5, wireType 2 =*/42).string(m.fix);
                if (m.nodes != null && m.nodes.length) {
                    for (var i = 0; i < m.nodes.length; ++i)
                        w.uint32(/* id 6, wireType 2 =*/50).string(m.nodes[i]);
                }
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Encodes the specified Finding message, length delimited. Does not implicitly {@link snatscope.v1.Finding.verify|verify} messages.
             * @function encodeDelimited
             * @memberof snatscope.v1.Finding
             * @static
             * @param {snatscope.v1.Finding.$Properties} message Finding message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Finding.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a Finding message from the specified reader or buffer.
             * @function decode
             * @memberof snatscope.v1.Finding
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {snatscope.v1.Finding & snatscope.v1.Finding.$Shape} Finding
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Finding.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.snatscope.v1.Finding();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.severity = v;
                            else
                                delete m.severity;
                            continue;
                        }
                    case 2: {
                            if (u !== 2)
                                break;
                            m.service = $root.snatscope.v1.ServicePortName.decode(r, r.size(), $undefined, q + 1, m.service);
                            continue;
                        }
                    case 3: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.code = v;
                            else
                                delete m.code;
                            continue;
                        }
                    case 4: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.explanation = v;
                            else
                                delete m.explanation;
                            continue;
                        }
                    case 5: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.fix = v;
                            else
                                delete m.fix;
                            continue;
                        }
                    case 6: {
                            if (u !== 2)
                                break;
                            if (!(m.nodes && m.nodes.length))
                                m.nodes = [];
                            m.nodes.push(r.stringVerify());
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Decodes a Finding message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof snatscope.v1.Finding
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {snatscope.v1.Finding & snatscope.v1.Finding.$Shape} Finding
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Finding.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a Finding message.
             * @function verify
             * @memberof snatscope.v1.Finding
             * @static
             * @param {Object.<string,*>} m Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            Finding.verify = function (m, q) {
                if (typeof m !== "object" || m === null)
                    return "object expected";
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    return "max depth exceeded";
                if (m.severity != null && $Object.hasOwnProperty.call(m, "severity")) {
                    if (!$util.isString(m.severity))
                        return "severity: string expected";
                }
                if (m.service != null && $Object.hasOwnProperty.call(m, "service")) {
                    {
                        var e = $root.snatscope.v1.ServicePortName.verify(m.service, q + 1);
                        if (e)
                            return "service." + e;
                    }
                }
                if (m.code != null && $Object.hasOwnProperty.call(m, "code")) {
                    if (!$util.isString(m.code))
                        return "code: string expected";
                }
                if (m.explanation != null && $Object.hasOwnProperty.call(m, "explanation")) {
                    if (!$util.isString(m.explanation))
                        return "explanation: string expected";
                }
                if (m.fix != null && $Object.hasOwnProperty.call(m, "fix")) {
                    if (!$util.isString(m.fix))
                        return "fix: string expected";
                }
                if (m.nodes != null && $Object.hasOwnProperty.call(m, "nodes")) {
                    if (!$Array.isArray(m.nodes))
                        return "nodes: array expected";
                    for (var i = 0; i < m.nodes.length; ++i) {
                        if (!$util.isString(m.nodes[i]))
                            return "nodes: string[] expected";
                    }
                }
                return null;
            };

            /**
             * Creates a Finding message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof snatscope.v1.Finding
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {snatscope.v1.Finding} Finding
             */
            Finding.fromObject = function (d, q) {
                if (d instanceof $root.snatscope.v1.Finding)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".snatscope.v1.Finding: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.snatscope.v1.Finding();
                if (d.severity != null) {
                    if (typeof d.severity !== "string" || d.severity.length) {
                        m.severity = $String(d.severity);
                    }
                }
                if (d.service != null) {
                    if (!$util.isObject(d.service))
                        throw $TypeError(".snatscope.v1.Finding.service: object expected");
                    m.service = $root.snatscope.v1.ServicePortName.fromObject(d.service, q + 1);
                }
                if (d.code != null) {
                    if (typeof d.code !== "string" || d.code.length) {
                        m.code = $String(d.code);
                    }
                }
                if (d.explanation != null) {
                    if (typeof d.explanation !== "string" || d.explanation.length) {
                        m.explanation = $String(d.explanation);
                    }
                }
                if (d.fix != null) {
                    if (typeof d.fix !== "string" || d.fix.length) {
                        m.fix = $String(d.fix);
                    }
                }
                if (d.nodes) {
                    if (!$Array.isArray(d.nodes))
                        throw $TypeError(".snatscope.v1.Finding.nodes: array expected");
                    m.nodes = $Array(d.nodes.length);
                    for (var i = 0; i < d.nodes.length; ++i) {
                        m.nodes[i] = $String(d.nodes[i]);
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from a Finding message. Also converts values to other types if specified.
             * @function toObject
             * @memberof snatscope.v1.Finding
             * @static
             * @param {snatscope.v1.Finding} m Finding
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Finding.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.arrays || o.defaults) {
                    d.nodes = [];
                }
                if (o.defaults) {
                    d.severity = "";
                    d.service = null;
                    d.code = "";
                    d.explanation = "";
                    d.fix = "";
                }
                if (m.severity != null && $Object.hasOwnProperty.call(m, "severity")) {
                    d.severity = m.severity;
                }
                if (m.service != null && $Object.hasOwnProperty.call(m, "service")) {
                    d.service = $root.snatscope.v1.ServicePortName.toObject(m.service, o, q + 1);
                }
                if (m.code != null && $Object.hasOwnProperty.call(m, "code")) {
                    d.code = m.code;
                }
                if (m.explanation != null && $Object.hasOwnProperty.call(m, "explanation")) {
                    d.explanation = m.explanation;
                }
                if (m.fix != null && $Object.hasOwnProperty.call(m, "fix")) {
                    d.fix = m.fix;
                }
                if (m.nodes && m.nodes.length) {
                    d.nodes = $Array(m.nodes.length);
                    for (var j = 0; j < m.nodes.length; ++j) {
                        d.nodes[j] = m.nodes[j];
                    }
                }
                return d;
            };

            /**
             * Converts this Finding to JSON.
             * @function toJSON
             * @memberof snatscope.v1.Finding
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Finding.prototype.toJSON = function() {
                return Finding.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for Finding
             * @function getTypeUrl
             * @memberof snatscope.v1.Finding
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Finding.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/snatscope.v1.Finding";
            };

            return Finding;
        })();

        v1.ServiceSummary = (function() {

            /**
             * Properties of a ServiceSummary.
             * @typedef {Object} snatscope.v1.ServiceSummary.$Properties
             * @property {snatscope.v1.ServicePortName.$Properties|null} [service] ServiceSummary service
             * @property {string|null} [protocol] ServiceSummary protocol
             * @property {snatscope.v1.TrafficPolicy|null} [externalTrafficPolicy] ServiceSummary externalTrafficPolicy
             * @property {number|null} [flows] ServiceSummary flows
             * @property {number|null} [snatFlows] ServiceSummary snatFlows
             * @property {number|null} [preservedRatio] ServiceSummary preservedRatio
             * @property {Array.<string>|null} [entryNodes] ServiceSummary entryNodes
             * @property {Array.<string>|null} [backendNodes] ServiceSummary backendNodes
             * @property {Array.<string>|null} [nodesDroppingWithoutLocalEndpoints] ServiceSummary nodesDroppingWithoutLocalEndpoints
             * @property {Array.<snatscope.v1.Finding.$Properties>|null} [findings] ServiceSummary findings
             * @property {string|null} [verdict] ServiceSummary verdict
             * @property {number|null} [nodePort] ServiceSummary nodePort
             * @property {Array.<string>|null} [loadBalancerIPs] ServiceSummary loadBalancerIPs
             * @property {Array.<string>|null} [externalIPs] ServiceSummary externalIPs
             * @property {number|null} [healthCheckNodePort] ServiceSummary healthCheckNodePort
             * @property {Array.<string>|null} [nodes] ServiceSummary nodes
             * @property {Array.<string>|null} [nodesWithLocalEndpoints] ServiceSummary nodesWithLocalEndpoints
             * @property {snatscope.v1.Counters.$Properties|null} [noLocalEndpointDrops] ServiceSummary noLocalEndpointDrops
             * @property {Object.<string,number>|null} [causes] ServiceSummary causes
             * @property {number|null} [lastSeen] ServiceSummary lastSeen
             * @property {number|null} [upstreamFlows] ServiceSummary upstreamFlows
             * @property {number|null} [keptFlows] ServiceSummary keptFlows
             * @property {number|null} [nodePreservedRatio] ServiceSummary nodePreservedRatio
             * @property {Array.<string>|null} [nodesForwardingWithoutLocalEndpoints] ServiceSummary nodesForwardingWithoutLocalEndpoints
             * @property {number|null} [sampledFlows] ServiceSummary sampledFlows
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a ServiceSummary.
             * @memberof snatscope.v1
             * @interface IServiceSummary
             * @augments snatscope.v1.ServiceSummary.$Properties
             * @deprecated Use snatscope.v1.ServiceSummary.$Properties instead.
             */

            /**
             * Shape of a ServiceSummary.
             * @typedef {snatscope.v1.ServiceSummary.$Properties} snatscope.v1.ServiceSummary.$Shape
             */

            /**
             * Constructs a new ServiceSummary.
             * @memberof snatscope.v1
             * @classdesc Represents a ServiceSummary.
             * @constructor
             * @param {snatscope.v1.ServiceSummary.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const ServiceSummary = function (p) {
                this.entryNodes = [];
                this.backendNodes = [];
                this.nodesDroppingWithoutLocalEndpoints = [];
                this.findings = [];
                this.loadBalancerIPs = [];
                this.externalIPs = [];
                this.nodes = [];
                this.nodesWithLocalEndpoints = [];
                this.causes = {};
                this.nodesForwardingWithoutLocalEndpoints = [];
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * ServiceSummary service.
             * @member {snatscope.v1.ServicePortName.$Properties|null|undefined} service
             * @memberof snatscope.v1.ServiceSummary
             * @instance
             */
            ServiceSummary.prototype.service = null;

            /**
             * ServiceSummary protocol.
             * @member {string} protocol
             * @memberof snatscope.v1.ServiceSummary
             * @instance
             */
            ServiceSummary.prototype.protocol = "";

            /**
             * ServiceSummary externalTrafficPolicy.
             * @member {snatscope.v1.TrafficPolicy} externalTrafficPolicy
             * @memberof snatscope.v1.ServiceSummary
             * @instance
             */
            ServiceSummary.prototype.externalTrafficPolicy = 0;

            /**
             * ServiceSummary flows.
             * @member {number} flows
             * @memberof snatscope.v1.ServiceSummary
             * @instance
             */
            ServiceSummary.prototype.flows = 0;

            /**
             * ServiceSummary snatFlows.
             * @member {number} snatFlows
             * @memberof snatscope.v1.ServiceSummary
             * @instance
             */
            ServiceSummary.prototype.snatFlows = 0;

            /**
             * ServiceSummary preservedRatio.
             * @member {number|null|undefined} preservedRatio
             * @memberof snatscope.v1.ServiceSummary
             * @instance
             */
            ServiceSummary.prototype.preservedRatio = null;

            /**
             * ServiceSummary entryNodes.
             * @member {Array.<string>} entryNodes
             * @memberof snatscope.v1.ServiceSummary
             * @instance
             */
            ServiceSummary.prototype.entryNodes = $util.emptyArray;

            /**
             * ServiceSummary backendNodes.
             * @member {Array.<string>} backendNodes
             * @memberof snatscope.v1.ServiceSummary
             * @instance
             */
            ServiceSummary.prototype.backendNodes = $util.emptyArray;

            /**
             * ServiceSummary nodesDroppingWithoutLocalEndpoints.
             * @member {Array.<string>} nodesDroppingWithoutLocalEndpoints
             * @memberof snatscope.v1.ServiceSummary
             * @instance
             */
            ServiceSummary.prototype.nodesDroppingWithoutLocalEndpoints = $util.emptyArray;

            /**
             * ServiceSummary findings.
             * @member {Array.<snatscope.v1.Finding.$Properties>} findings
             * @memberof snatscope.v1.ServiceSummary
             * @instance
             */
            ServiceSummary.prototype.findings = $util.emptyArray;

            /**
             * ServiceSummary verdict.
             * @member {string} verdict
             * @memberof snatscope.v1.ServiceSummary
             * @instance
             */
            ServiceSummary.prototype.verdict = "";

            /**
             * ServiceSummary nodePort.
             * @member {number|null|undefined} nodePort
             * @memberof snatscope.v1.ServiceSummary
             * @instance
             */
            ServiceSummary.prototype.nodePort = null;

            /**
             * ServiceSummary loadBalancerIPs.
             * @member {Array.<string>} loadBalancerIPs
             * @memberof snatscope.v1.ServiceSummary
             * @instance
             */
            ServiceSummary.prototype.loadBalancerIPs = $util.emptyArray;

            /**
             * ServiceSummary externalIPs.
             * @member {Array.<string>} externalIPs
             * @memberof snatscope.v1.ServiceSummary
             * @instance
             */
            ServiceSummary.prototype.externalIPs = $util.emptyArray;

            /**
             * ServiceSummary healthCheckNodePort.
             * @member {number|null|undefined} healthCheckNodePort
             * @memberof snatscope.v1.ServiceSummary
             * @instance
             */
            ServiceSummary.prototype.healthCheckNodePort = null;

            /**
             * ServiceSummary nodes.
             * @member {Array.<string>} nodes
             * @memberof snatscope.v1.ServiceSummary
             * @instance
             */
            ServiceSummary.prototype.nodes = $util.emptyArray;

            /**
             * ServiceSummary nodesWithLocalEndpoints.
             * @member {Array.<string>} nodesWithLocalEndpoints
             * @memberof snatscope.v1.ServiceSummary
             * @instance
             */
            ServiceSummary.prototype.nodesWithLocalEndpoints = $util.emptyArray;

            /**
             * ServiceSummary noLocalEndpointDrops.
             * @member {snatscope.v1.Counters.$Properties|null|undefined} noLocalEndpointDrops
             * @memberof snatscope.v1.ServiceSummary
             * @instance
             */
            ServiceSummary.prototype.noLocalEndpointDrops = null;

            /**
             * ServiceSummary causes.
             * @member {Object.<string,number>} causes
             * @memberof snatscope.v1.ServiceSummary
             * @instance
             */
            ServiceSummary.prototype.causes = $util.emptyObject;

            /**
             * ServiceSummary lastSeen.
             * @member {number} lastSeen
             * @memberof snatscope.v1.ServiceSummary
             * @instance
             */
            ServiceSummary.prototype.lastSeen = 0;

            /**
             * ServiceSummary upstreamFlows.
             * @member {number} upstreamFlows
             * @memberof snatscope.v1.ServiceSummary
             * @instance
             */
            ServiceSummary.prototype.upstreamFlows = 0;

            /**
             * ServiceSummary keptFlows.
             * @member {number} keptFlows
             * @memberof snatscope.v1.ServiceSummary
             * @instance
             */
            ServiceSummary.prototype.keptFlows = 0;

            /**
             * ServiceSummary nodePreservedRatio.
             * @member {number|null|undefined} nodePreservedRatio
             * @memberof snatscope.v1.ServiceSummary
             * @instance
             */
            ServiceSummary.prototype.nodePreservedRatio = null;

            /**
             * ServiceSummary nodesForwardingWithoutLocalEndpoints.
             * @member {Array.<string>} nodesForwardingWithoutLocalEndpoints
             * @memberof snatscope.v1.ServiceSummary
             * @instance
             */
            ServiceSummary.prototype.nodesForwardingWithoutLocalEndpoints = $util.emptyArray;

            /**
             * ServiceSummary sampledFlows.
             * @member {number} sampledFlows
             * @memberof snatscope.v1.ServiceSummary
             * @instance
             */
            ServiceSummary.prototype.sampledFlows = 0;

            // OneOf field names bound to virtual getters and setters
            let $oneOfFields;

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(ServiceSummary.prototype, "_preservedRatio", {
                get: $util.oneOfGetter($oneOfFields = ["preservedRatio"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(ServiceSummary.prototype, "_nodePort", {
                get: $util.oneOfGetter($oneOfFields = ["nodePort"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(ServiceSummary.prototype, "_healthCheckNodePort", {
                get: $util.oneOfGetter($oneOfFields = ["healthCheckNodePort"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(ServiceSummary.prototype, "_nodePreservedRatio", {
                get: $util.oneOfGetter($oneOfFields = ["nodePreservedRatio"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            /**
             * Creates a new ServiceSummary instance using the specified properties.
             * @function create
             * @memberof snatscope.v1.ServiceSummary
             * @static
             * @param {snatscope.v1.ServiceSummary.$Properties=} [properties] Properties to set
             * @returns {snatscope.v1.ServiceSummary} ServiceSummary instance
             * @type {{
             *   (properties: snatscope.v1.ServiceSummary.$Shape): snatscope.v1.ServiceSummary & snatscope.v1.ServiceSummary.$Shape;
             *   (properties?: snatscope.v1.ServiceSummary.$Properties): snatscope.v1.ServiceSummary;
             * }}
             */
            ServiceSummary.create = function(properties) {
                return new ServiceSummary(properties);
            };

            /**
             * Encodes the specified ServiceSummary message. Does not implicitly {@link snatscope.v1.ServiceSummary.verify|verify} messages.
             * @function encode
             * @memberof snatscope.v1.ServiceSummary
             * @static
             * @param {snatscope.v1.ServiceSummary.$Properties} m ServiceSummary message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ServiceSummary.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.service != null && $Object.hasOwnProperty.call(m, "service"))
                    $root.snatscope.v1.ServicePortName.encode(m.service, w.uint32(/* id 1, wireType 2 =*/10).fork(), q + 1).ldelim();
                if (m.protocol != null && $Object.hasOwnProperty.call(m, "protocol") && m.protocol !== "")
                    w.uint32(/* id 2, wireType 2 =*/18).string(m.protocol);
                if (m.externalTrafficPolicy != null && $Object.hasOwnProperty.call(m, "externalTrafficPolicy") && m.externalTrafficPolicy !== 0)
                    w.uint32(/* id 3, wireType 0 =*/24).int32(m.externalTrafficPolicy);
                if (m.flows != null && $Object.hasOwnProperty.call(m, "flows") && !$Object.is(m.flows, 0))
                    w.uint32(/* id 4, wireType 1 =*/33).double(m.flows);
                if (m.snatFlows != null && $Object.hasOwnProperty.call(m, "snatFlows") && !$Object.is(m.snatFlows, 0))
                    w.uint32(/* id 5, wireType 1 =*/41).double(m.snatFlows);
                if (m.preservedRatio != null && $Object.hasOwnProperty.call(m, "preservedRatio"))
                    w.uint32(/* id 6, wireType 1 =*/49).double(m.preservedRatio);
                if (m.entryNodes != null && m.entryNodes.length) {
                    for (var i = 0; i < m.entryNodes.length; ++i)
                        w.uint32(/* id 7, wireType 2 =*/58).string(m.entryNodes[i]);
                }
                if (m.backendNodes != null && m.backendNodes.length) {
                    for (var i = 0; i < m.backendNodes.length; ++i)
                        w.uint32(/* id 8, wireType 2 =*/66).string(m.backendNodes[i]);
                }
                if (m.nodesDroppingWithoutLocalEndpoints != null && m.nodesDroppingWithoutLocalEndpoints.length) {
                    for (var i = 0; i < m.nodesDroppingWithoutLocalEndpoints.length; ++i)
                        w.uint32(/* id 9, wireType 2 =*/74).string(m.nodesDroppingWithoutLocalEndpoints[i]);
                }
                if (m.findings != null && m.findings.length) {
                    for (var i = 0; i < m.findings.length; ++i)
                        $root.snatscope.v1.Finding.encode(m.findings[i], w.uint32(/* id 10, wireType 2 =*/82).fork(), q + 1).ldelim();
                }
                if (m.verdict != null && $Object.hasOwnProperty.call(m, "verdict") && m.verdict !== "")
                    w.uint32(/* id 11, wireType 2 =*/90).string(m.verdict);
                if (m.nodePort != null && $Object.hasOwnProperty.call(m, "nodePort"))
                    w.uint32(/* id 12, wireType 0 =*/96).uint32(m.nodePort);
                if (m.loadBalancerIPs != null && m.loadBalancerIPs.length) {
                    for (var i = 0; i < m.loadBalancerIPs.length; ++i)
                        w.uint32(/* id 13, wireType 2 =*/106).string(m.loadBalancerIPs[i]);
                }
                if (m.externalIPs != null && m.externalIPs.length) {
                    for (var i = 0; i < m.externalIPs.length; ++i)
                        w.uint32(/* id 14, wireType 2 =*/114).string(m.externalIPs[i]);
                }
                if (m.healthCheckNodePort != null && $Object.hasOwnProperty.call(m, "healthCheckNodePort"))
                    w.uint32(/* id 15, wireType 0 =*/120).uint32(m.healthCheckNodePort);
                if (m.nodes != null && m.nodes.length) {
                    for (var i = 0; i < m.nodes.length; ++i)
                        w.uint32(/* id 16, wireType 2 =*/130).string(m.nodes[i]);
                }
                if (m.nodesWithLocalEndpoints != null && m.nodesWithLocalEndpoints.length) {
                    for (var i = 0; i < m.nodesWithLocalEndpoints.length; ++i)
                        w.uint32(/* id 17, wireType 2 =*/138).string(m.nodesWithLocalEndpoints[i]);
                }
                if (m.noLocalEndpointDrops != null && $Object.hasOwnProperty.call(m, "noLocalEndpointDrops"))
                    $root.snatscope.v1.Counters.encode(m.noLocalEndpointDrops, w.uint32(/* id 18, wireType 2 =*/146).fork(), q + 1).ldelim();
                if (m.causes != null && $Object.hasOwnProperty.call(m, "causes")) {
                    for (var ks = $Object.keys(m.causes), i = 0; i < ks.length; ++i) {
                        w.uint32(/* id 19, wireType 2 =*/154).fork().uint32(/* id 1, wireType 2 =*/10).string(ks[i]).uint32(/* id 2, wireType 1 =*/17).double(m.causes[ks[i]]).ldelim();
                    }
                }
                if (m.lastSeen != null && $Object.hasOwnProperty.call(m, "lastSeen") && !$Object.is(m.lastSeen, 0))
                    w.uint32(/* id 20, wireType 1 =*/161).double(m.lastSeen);
                if (m.upstreamFlows != null && $Object.hasOwnProperty.call(m, "upstreamFlows") && !$Object.is(m.upstreamFlows, 0))
                    w.uint32(/* id 21, wireType 1 =*/169).double(m.upstreamFlows);
                if (m.keptFlows != null && $Object.hasOwnProperty.call(m, "keptFlows") && !$Object.is(m.keptFlows, 0))
                    w.uint32(/* id 22, wireType 1 =*/177).double(m.keptFlows);
                if (m.nodePreservedRatio != null && $Object.hasOwnProperty.call(m, "nodePreservedRatio"))
                    w.uint32(/* id 23, wireType 1 =*/185).double(m.nodePreservedRatio);
                if (m.nodesForwardingWithoutLocalEndpoints != null && m.nodesForwardingWithoutLocalEndpoints.length) {
                    for (var i = 0; i < m.nodesForwardingWithoutLocalEndpoints.length; ++i)
                        w.uint32(/* id 24, wireType 2 =*/194).string(m.nodesForwardingWithoutLocalEndpoints[i]);
                }
                if (m.sampledFlows != null && $Object.hasOwnProperty.call(m, "sampledFlows") && !$Object.is(m.sampledFlows, 0))
                    w.uint32(/* id 25, wireType 1 =*/201).double(m.sampledFlows);
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Encodes the specified ServiceSummary message, length delimited. Does not implicitly {@link snatscope.v1.ServiceSummary.verify|verify} messages.
             * @function encodeDelimited
             * @memberof snatscope.v1.ServiceSummary
             * @static
             * @param {snatscope.v1.ServiceSummary.$Properties} message ServiceSummary message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ServiceSummary.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a ServiceSummary message from the specified reader or buffer.
             * @function decode
             * @memberof snatscope.v1.ServiceSummary
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {snatscope.v1.ServiceSummary & snatscope.v1.ServiceSummary.$Shape} ServiceSummary
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ServiceSummary.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, k, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.snatscope.v1.ServiceSummary();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            m.service = $root.snatscope.v1.ServicePortName.decode(r, r.size(), $undefined, q + 1, m.service);
                            continue;
                        }
                    case 2: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.protocol = v;
                            else
                                delete m.protocol;
                            continue;
                        }
                    case 3: {
                            if (u !== 0)
                                break;
                            if (v = r.int32())
                                m.externalTrafficPolicy = v;
                            else
                                delete m.externalTrafficPolicy;
                            continue;
                        }
                    case 4: {
                            if (u !== 1)
                                break;
                            if (!$Object.is(v = r.double(), 0))
                                m.flows = v;
                            else
                                delete m.flows;
                            continue;
                        }
                    case 5: {
                            if (u !== 1)
                                break;
                            if (!$Object.is(v = r.double(), 0))
                                m.snatFlows = v;
                            else
                                delete m.snatFlows;
                            continue;
                        }
                    case 6: {
                            if (u !== 1)
                                break;
                            m.preservedRatio = r.double();
                            m._preservedRatio = "preservedRatio";
                            continue;
                        }
                    case 7: {
                            if (u !== 2)
                                break;
                            if (!(m.entryNodes && m.entryNodes.length))
                                m.entryNodes = [];
                            m.entryNodes.push(r.stringVerify());
                            continue;
                        }
                    case 8: {
                            if (u !== 2)
                                break;
                            if (!(m.backendNodes && m.backendNodes.length))
                                m.backendNodes = [];
                            m.backendNodes.push(r.stringVerify());
                            continue;
                        }
                    case 9: {
                            if (u !== 2)
                                break;
                            if (!(m.nodesDroppingWithoutLocalEndpoints && m.nodesDroppingWithoutLocalEndpoints.length))
                                m.nodesDroppingWithoutLocalEndpoints = [];
                            m.nodesDroppingWithoutLocalEndpoints.push(r.stringVerify());
                            continue;
                        }
                    case 10: {
                            if (u !== 2)
                                break;
                            if (!(m.findings && m.findings.length))
                                m.findings = [];
                            m.findings.push($root.snatscope.v1.Finding.decode(r, r.size(), $undefined, q + 1));
                            continue;
                        }
                    case 11: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.verdict = v;
                            else
                                delete m.verdict;
                            continue;
                        }
                    case 12: {
                            if (u !== 0)
                                break;
                            m.nodePort = r.uint32();
                            m._nodePort = "nodePort";
                            continue;
                        }
                    case 13: {
                            if (u !== 2)
                                break;
                            if (!(m.loadBalancerIPs && m.loadBalancerIPs.length))
                                m.loadBalancerIPs = [];
                            m.loadBalancerIPs.push(r.stringVerify());
                            continue;
                        }
                    case 14: {
                            if (u !== 2)
                                break;
                            if (!(m.externalIPs && m.externalIPs.length))
                                m.externalIPs = [];
                            m.externalIPs.push(r.stringVerify());
                            continue;
                        }
                    case 15: {
                            if (u !== 0)
                                break;
                            m.healthCheckNodePort = r.uint32();
                            m._healthCheckNodePort = "healthCheckNodePort";
                            continue;
                        }
                    case 16: {
                            if (u !== 2)
                                break;
                            if (!(m.nodes && m.nodes.length))
                                m.nodes = [];
                            m.nodes.push(r.stringVerify());
                            continue;
                        }
                    case 17: {
                            if (u !== 2)
                                break;
                            if (!(m.nodesWithLocalEndpoints && m.nodesWithLocalEndpoints.length))
                                m.nodesWithLocalEndpoints = [];
                            m.nodesWithLocalEndpoints.push(r.stringVerify());
                            continue;
                        }
                    case 18: {
                            if (u !== 2)
                                break;
                            m.noLocalEndpointDrops = $root.snatscope.v1.Counters.decode(r, r.size(), $undefined, q + 1, m.noLocalEndpointDrops);
                            continue;
                        }
                    case 19: {
                            if (u !== 2)
                                break;
                            if (m.causes === $util.emptyObject)
                                m.causes = {};
                            var c2 = r.size() + r.pos;
                            if (c2 > r.len)
                                throw $RangeError("index out of range");
                            r.len = c2;
                            k = "";
                            v = 0;
                            while (r.pos < c2) {
                                var t2 = r.tag();
                                u = t2 & 7;
                                switch (t2 >>>= 3) {
                                case 1:
                                    if (u !== 2)
                                        break;
                                    k = r.stringVerify();
                                    continue;
                                case 2:
                                    if (u !== 1)
                                        break;
                                    v = r.double();
                                    continue;
                                }
                                r.skipType(u, q, t2);
                            }
                            if (r.pos !== c2)
                                throw $RangeError("index out of range");
                            r.len = c;
                            if (k === "__proto__")
                                $util.makeProp(m.causes, k);
                            m.causes[k] = v;
                            continue;
                        }
                    case 20: {
                            if (u !== 1)
                                break;
                            if (!$Object.is(v = r.double(), 0))
                                m.lastSeen = v;
                            else
                                delete m.lastSeen;
                            continue;
                        }
                    case 21: {
                            if (u !== 1)
                                break;
                            if (!$Object.is(v = r.double(), 0))
                                m.upstreamFlows = v;
                            else
                                delete m.upstreamFlows;
                            continue;
                        }
                    case 22: {
                            if (u !== 1)
                                break;
                            if (!$Object.is(v = r.double(), 0))
                                m.keptFlows = v;
                            else
                                delete m.keptFlows;
                            continue;
                        }
                    case 23: {
                            if (u !== 1)
                                break;
                            m.nodePreservedRatio = r.double();
                            m._nodePreservedRatio = "nodePreservedRatio";
                            continue;
                        }
                    case 24: {
                            if (u !== 2)
                                break;
                            if (!(m.nodesForwardingWithoutLocalEndpoints && m.nodesForwardingWithoutLocalEndpoints.length))
                                m.nodesForwardingWithoutLocalEndpoints = [];
                            m.nodesForwardingWithoutLocalEndpoints.push(r.stringVerify());
                            continue;
                        }
                    case 25: {
                            if (u !== 1)
                                break;
                            if (!$Object.is(v = r.double(), 0))
                                m.sampledFlows = v;
                            else
                                delete m.sampledFlows;
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Decodes a ServiceSummary message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof snatscope.v1.ServiceSummary
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {snatscope.v1.ServiceSummary & snatscope.v1.ServiceSummary.$Shape} ServiceSummary
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ServiceSummary.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a ServiceSummary message.
             * @function verify
             * @memberof snatscope.v1.ServiceSummary
             * @static
             * @param {Object.<string,*>} m Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            ServiceSummary.verify = function (m, q) {
                if (typeof m !== "object" || m === null)
                    return "object expected";
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    return "max depth exceeded";
                var p = {};
                if (m.service != null && $Object.hasOwnProperty.call(m, "service")) {
                    {
                        var e = $root.snatscope.v1.ServicePortName.verify(m.service, q + 1);
                        if (e)
                            return "service." + e;
                    }
                }
                if (m.protocol != null && $Object.hasOwnProperty.call(m, "protocol")) {
                    if (!$util.isString(m.protocol))
                        return "protocol: string expected";
                }
                if (m.externalTrafficPolicy != null && $Object.hasOwnProperty.call(m, "externalTrafficPolicy")) {
                    if (typeof m.externalTrafficPolicy !== "number" || (m.externalTrafficPolicy | 0) !== m.externalTrafficPolicy)
                        return "externalTrafficPolicy: enum value expected";
                }
                if (m.flows != null && $Object.hasOwnProperty.call(m, "flows")) {
                    if (typeof m.flows !== "number")
                        return "flows: number expected";
                }
                if (m.snatFlows != null && $Object.hasOwnProperty.call(m, "snatFlows")) {
                    if (typeof m.snatFlows !== "number")
                        return "snatFlows: number expected";
                }
                if (m.preservedRatio != null && $Object.hasOwnProperty.call(m, "preservedRatio")) {
                    p._preservedRatio = 1;
                    if (typeof m.preservedRatio !== "number")
                        return "preservedRatio: number expected";
                }
                if (m.entryNodes != null && $Object.hasOwnProperty.call(m, "entryNodes")) {
                    if (!$Array.isArray(m.entryNodes))
                        return "entryNodes: array expected";
                    for (var i = 0; i < m.entryNodes.length; ++i) {
                        if (!$util.isString(m.entryNodes[i]))
                            return "entryNodes: string[] expected";
                    }
                }
                if (m.backendNodes != null && $Object.hasOwnProperty.call(m, "backendNodes")) {
                    if (!$Array.isArray(m.backendNodes))
                        return "backendNodes: array expected";
                    for (var i = 0; i < m.backendNodes.length; ++i) {
                        if (!$util.isString(m.backendNodes[i]))
                            return "backendNodes: string[] expected";
                    }
                }
                if (m.nodesDroppingWithoutLocalEndpoints != null && $Object.hasOwnProperty.call(m, "nodesDroppingWithoutLocalEndpoints")) {
                    if (!$Array.isArray(m.nodesDroppingWithoutLocalEndpoints))
                        return "nodesDroppingWithoutLocalEndpoints: array expected";
                    for (var i = 0; i < m.nodesDroppingWithoutLocalEndpoints.length; ++i) {
                        if (!$util.isString(m.nodesDroppingWithoutLocalEndpoints[i]))
                            return "nodesDroppingWithoutLocalEndpoints: string[] expected";
                    }
                }
                if (m.findings != null && $Object.hasOwnProperty.call(m, "findings")) {
                    if (!$Array.isArray(m.findings))
                        return "findings: array expected";
                    for (var i = 0; i < m.findings.length; ++i) {
                        {
                            var e = $root.snatscope.v1.Finding.verify(m.findings[i], q + 1);
                            if (e)
                                return "findings." + e;
                        }
                    }
                }
                if (m.verdict != null && $Object.hasOwnProperty.call(m, "verdict")) {
                    if (!$util.isString(m.verdict))
                        return "verdict: string expected";
                }
                if (m.nodePort != null && $Object.hasOwnProperty.call(m, "nodePort")) {
                    p._nodePort = 1;
                    if (!$util.isInteger(m.nodePort))
                        return "nodePort: integer expected";
                }
                if (m.loadBalancerIPs != null && $Object.hasOwnProperty.call(m, "loadBalancerIPs")) {
                    if (!$Array.isArray(m.loadBalancerIPs))
                        return "loadBalancerIPs: array expected";
                    for (var i = 0; i < m.loadBalancerIPs.length; ++i) {
                        if (!$util.isString(m.loadBalancerIPs[i]))
                            return "loadBalancerIPs: string[] expected";
                    }
                }
                if (m.externalIPs != null && $Object.hasOwnProperty.call(m, "externalIPs")) {
                    if (!$Array.isArray(m.externalIPs))
                        return "externalIPs: array expected";
                    for (var i = 0; i < m.externalIPs.length; ++i) {
                        if (!$util.isString(m.externalIPs[i]))
                            return "externalIPs: string[] expected";
                    }
                }
                if (m.healthCheckNodePort != null && $Object.hasOwnProperty.call(m, "healthCheckNodePort")) {
                    p._healthCheckNodePort = 1;
                    if (!$util.isInteger(m.healthCheckNodePort))
                        return "healthCheckNodePort: integer expected";
                }
                if (m.nodes != null && $Object.hasOwnProperty.call(m, "nodes")) {
                    if (!$Array.isArray(m.nodes))
                        return "nodes: array expected";
                    for (var i = 0; i < m.nodes.length; ++i) {
                        if (!$util.isString(m.nodes[i]))
                            return "nodes: string[] expected";
                    }
                }
                if (m.nodesWithLocalEndpoints != null && $Object.hasOwnProperty.call(m, "nodesWithLocalEndpoints")) {
                    if (!$Array.isArray(m.nodesWithLocalEndpoints))
                        return "nodesWithLocalEndpoints: array expected";
                    for (var i = 0; i < m.nodesWithLocalEndpoints.length; ++i) {
                        if (!$util.isString(m.nodesWithLocalEndpoints[i]))
                            return "nodesWithLocalEndpoints: string[] expected";
                    }
                }
                if (m.noLocalEndpointDrops != null && $Object.hasOwnProperty.call(m, "noLocalEndpointDrops")) {
                    {
                        var e = $root.snatscope.v1.Counters.verify(m.noLocalEndpointDrops, q + 1);
                        if (e)
                            return "noLocalEndpointDrops." + e;
                    }
                }
                if (m.causes != null && $Object.hasOwnProperty.call(m, "causes")) {
                    if (!$util.isObject(m.causes))
                        return "causes: object expected";
                    var k = $Object.keys(m.causes);
                    for (var i = 0; i < k.length; ++i) {
                        if (typeof m.causes[k[i]] !== "number")
                            return "causes: number{k:string} expected";
                    }
                }
                if (m.lastSeen != null && $Object.hasOwnProperty.call(m, "lastSeen")) {
                    if (typeof m.lastSeen !== "number")
                        return "lastSeen: number expected";
                }
                if (m.upstreamFlows != null && $Object.hasOwnProperty.call(m, "upstreamFlows")) {
                    if (typeof m.upstreamFlows !== "number")
                        return "upstreamFlows: number expected";
                }
                if (m.keptFlows != null && $Object.hasOwnProperty.call(m, "keptFlows")) {
                    if (typeof m.keptFlows !== "number")
                        return "keptFlows: number expected";
                }
                if (m.nodePreservedRatio != null && $Object.hasOwnProperty.call(m, "nodePreservedRatio")) {
                    p._nodePreservedRatio = 1;
                    if (typeof m.nodePreservedRatio !== "number")
                        return "nodePreservedRatio: number expected";
                }
                if (m.nodesForwardingWithoutLocalEndpoints != null && $Object.hasOwnProperty.call(m, "nodesForwardingWithoutLocalEndpoints")) {
                    if (!$Array.isArray(m.nodesForwardingWithoutLocalEndpoints))
                        return "nodesForwardingWithoutLocalEndpoints: array expected";
                    for (var i = 0; i < m.nodesForwardingWithoutLocalEndpoints.length; ++i) {
                        if (!$util.isString(m.nodesForwardingWithoutLocalEndpoints[i]))
                            return "nodesForwardingWithoutLocalEndpoints: string[] expected";
                    }
                }
                if (m.sampledFlows != null && $Object.hasOwnProperty.call(m, "sampledFlows")) {
                    if (typeof m.sampledFlows !== "number")
                        return "sampledFlows: number expected";
                }
                return null;
            };

            /**
             * Creates a ServiceSummary message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof snatscope.v1.ServiceSummary
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {snatscope.v1.ServiceSummary} ServiceSummary
             */
            ServiceSummary.fromObject = function (d, q) {
                if (d instanceof $root.snatscope.v1.ServiceSummary)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".snatscope.v1.ServiceSummary: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.snatscope.v1.ServiceSummary();
                if (d.service != null) {
                    if (!$util.isObject(d.service))
                        throw $TypeError(".snatscope.v1.ServiceSummary.service: object expected");
                    m.service = $root.snatscope.v1.ServicePortName.fromObject(d.service, q + 1);
                }
                if (d.protocol != null) {
                    if (typeof d.protocol !== "string" || d.protocol.length) {
                        m.protocol = $String(d.protocol);
                    }
                }
                if (d.externalTrafficPolicy !== 0 && (typeof d.externalTrafficPolicy !== "string" || $root.snatscope.v1.TrafficPolicy[d.externalTrafficPolicy] !== 0)) {
                    switch (d.externalTrafficPolicy) {
                    case "Cluster":
                    case 0:
                        m.externalTrafficPolicy = 0;
                        break;
                    case "Local":
                    case 1:
                        m.externalTrafficPolicy = 1;
                        break;
                    default:
                        if (typeof d.externalTrafficPolicy === "number" && (d.externalTrafficPolicy | 0) === d.externalTrafficPolicy)
                            m.externalTrafficPolicy = d.externalTrafficPolicy;
                    }
                }
                if (d.flows != null) {
                    if (!$Object.is($Number(d.flows), 0)) {
                        m.flows = $Number(d.flows);
                    }
                }
                if (d.snatFlows != null) {
                    if (!$Object.is($Number(d.snatFlows), 0)) {
                        m.snatFlows = $Number(d.snatFlows);
                    }
                }
                if (d.preservedRatio != null) {
                    m.preservedRatio = $Number(d.preservedRatio);
                }
                if (d.entryNodes) {
                    if (!$Array.isArray(d.entryNodes))
                        throw $TypeError(".snatscope.v1.ServiceSummary.entryNodes: array expected");
                    m.entryNodes = $Array(d.entryNodes.length);
                    for (var i = 0; i < d.entryNodes.length; ++i) {
                        m.entryNodes[i] = $String(d.entryNodes[i]);
                    }
                }
                if (d.backendNodes) {
                    if (!$Array.isArray(d.backendNodes))
                        throw $TypeError(".snatscope.v1.ServiceSummary.backendNodes: array expected");
                    m.backendNodes = $Array(d.backendNodes.length);
                    for (var i = 0; i < d.backendNodes.length; ++i) {
                        m.backendNodes[i] = $String(d.backendNodes[i]);
                    }
                }
                if (d.nodesDroppingWithoutLocalEndpoints) {
                    if (!$Array.isArray(d.nodesDroppingWithoutLocalEndpoints))
                        throw $TypeError(".snatscope.v1.ServiceSummary.nodesDroppingWithoutLocalEndpoints: array expected");
                    m.nodesDroppingWithoutLocalEndpoints = $Array(d.nodesDroppingWithoutLocalEndpoints.length);
                    for (var i = 0; i < d.nodesDroppingWithoutLocalEndpoints.length; ++i) {
                        m.nodesDroppingWithoutLocalEndpoints[i] = $String(d.nodesDroppingWithoutLocalEndpoints[i]);
                    }
                }
                if (d.findings) {
                    if (!$Array.isArray(d.findings))
                        throw $TypeError(".snatscope.v1.ServiceSummary.findings: array expected");
                    m.findings = $Array(d.findings.length);
                    for (var i = 0; i < d.findings.length; ++i) {
                        if (!$util.isObject(d.findings[i]))
                            throw $TypeError(".snatscope.v1.ServiceSummary.findings: object expected");
                        m.findings[i] = $root.snatscope.v1.Finding.fromObject(d.findings[i], q + 1);
                    }
                }
                if (d.verdict != null) {
                    if (typeof d.verdict !== "string" || d.verdict.length) {
                        m.verdict = $String(d.verdict);
                    }
                }
                if (d.nodePort != null) {
                    m.nodePort = d.nodePort >>> 0;
                }
                if (d.loadBalancerIPs) {
                    if (!$Array.isArray(d.loadBalancerIPs))
                        throw $TypeError(".snatscope.v1.ServiceSummary.loadBalancerIPs: array expected");
                    m.loadBalancerIPs = $Array(d.loadBalancerIPs.length);
                    for (var i = 0; i < d.loadBalancerIPs.length; ++i) {
                        m.loadBalancerIPs[i] = $String(d.loadBalancerIPs[i]);
                    }
                }
                if (d.externalIPs) {
                    if (!$Array.isArray(d.externalIPs))
                        throw $TypeError(".snatscope.v1.ServiceSummary.externalIPs: array expected");
                    m.externalIPs = $Array(d.externalIPs.length);
                    for (var i = 0; i < d.externalIPs.length; ++i) {
                        m.externalIPs[i] = $String(d.externalIPs[i]);
                    }
                }
                if (d.healthCheckNodePort != null) {
                    m.healthCheckNodePort = d.healthCheckNodePort >>> 0;
                }
                if (d.nodes) {
                    if (!$Array.isArray(d.nodes))
                        throw $TypeError(".snatscope.v1.ServiceSummary.nodes: array expected");
                    m.nodes = $Array(d.nodes.length);
                    for (var i = 0; i < d.nodes.length; ++i) {
                        m.nodes[i] = $String(d.nodes[i]);
                    }
                }
                if (d.nodesWithLocalEndpoints) {
                    if (!$Array.isArray(d.nodesWithLocalEndpoints))
                        throw $TypeError(".snatscope.v1.ServiceSummary.nodesWithLocalEndpoints: array expected");
                    m.nodesWithLocalEndpoints = $Array(d.nodesWithLocalEndpoints.length);
                    for (var i = 0; i < d.nodesWithLocalEndpoints.length; ++i) {
                        m.nodesWithLocalEndpoints[i] = $String(d.nodesWithLocalEndpoints[i]);
                    }
                }
                if (d.noLocalEndpointDrops != null) {
                    if (!$util.isObject(d.noLocalEndpointDrops))
                        throw $TypeError(".snatscope.v1.ServiceSummary.noLocalEndpointDrops: object expected");
                    m.noLocalEndpointDrops = $root.snatscope.v1.Counters.fromObject(d.noLocalEndpointDrops, q + 1);
                }
                if (d.causes) {
                    if (!$util.isObject(d.causes))
                        throw $TypeError(".snatscope.v1.ServiceSummary.causes: object expected");
                    m.causes = {};
                    for (var ks = $Object.keys(d.causes), i = 0; i < ks.length; ++i) {
                        if (ks[i] === "__proto__")
                            $util.makeProp(m.causes, ks[i]);
                        m.causes[ks[i]] = $Number(d.causes[ks[i]]);
                    }
                }
                if (d.lastSeen != null) {
                    if (!$Object.is($Number(d.lastSeen), 0)) {
                        m.lastSeen = $Number(d.lastSeen);
                    }
                }
                if (d.upstreamFlows != null) {
                    if (!$Object.is($Number(d.upstreamFlows), 0)) {
                        m.upstreamFlows = $Number(d.upstreamFlows);
                    }
                }
                if (d.keptFlows != null) {
                    if (!$Object.is($Number(d.keptFlows), 0)) {
                        m.keptFlows = $Number(d.keptFlows);
                    }
                }
                if (d.nodePreservedRatio != null) {
                    m.nodePreservedRatio = $Number(d.nodePreservedRatio);
                }
                if (d.nodesForwardingWithoutLocalEndpoints) {
                    if (!$Array.isArray(d.nodesForwardingWithoutLocalEndpoints))
                        throw $TypeError(".snatscope.v1.ServiceSummary.nodesForwardingWithoutLocalEndpoints: array expected");
                    m.nodesForwardingWithoutLocalEndpoints = $Array(d.nodesForwardingWithoutLocalEndpoints.length);
                    for (var i = 0; i < d.nodesForwardingWithoutLocalEndpoints.length; ++i) {
                        m.nodesForwardingWithoutLocalEndpoints[i] = $String(d.nodesForwardingWithoutLocalEndpoints[i]);
                    }
                }
                if (d.sampledFlows != null) {
                    if (!$Object.is($Number(d.sampledFlows), 0)) {
                        m.sampledFlows = $Number(d.sampledFlows);
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from a ServiceSummary message. Also converts values to other types if specified.
             * @function toObject
             * @memberof snatscope.v1.ServiceSummary
             * @static
             * @param {snatscope.v1.ServiceSummary} m ServiceSummary
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            ServiceSummary.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.arrays || o.defaults) {
                    d.entryNodes = [];
                    d.backendNodes = [];
                    d.nodesDroppingWithoutLocalEndpoints = [];
                    d.findings = [];
                    d.loadBalancerIPs = [];
                    d.externalIPs = [];
                    d.nodes = [];
                    d.nodesWithLocalEndpoints = [];
                    d.nodesForwardingWithoutLocalEndpoints = [];
                }
                if (o.objects || o.defaults) {
                    d.causes = {};
                }
                if (o.defaults) {
                    d.service = null;
                    d.protocol = "";
                    d.externalTrafficPolicy = o.enums === $String ? "Cluster" : 0;
                    d.flows = 0;
                    d.snatFlows = 0;
                    d.verdict = "";
                    d.noLocalEndpointDrops = null;
                    d.lastSeen = 0;
                    d.upstreamFlows = 0;
                    d.keptFlows = 0;
                    d.sampledFlows = 0;
                }
                if (m.service != null && $Object.hasOwnProperty.call(m, "service")) {
                    d.service = $root.snatscope.v1.ServicePortName.toObject(m.service, o, q + 1);
                }
                if (m.protocol != null && $Object.hasOwnProperty.call(m, "protocol")) {
                    d.protocol = m.protocol;
                }
                if (m.externalTrafficPolicy != null && $Object.hasOwnProperty.call(m, "externalTrafficPolicy")) {
                    d.externalTrafficPolicy = o.enums === $String ? $root.snatscope.v1.TrafficPolicy[m.externalTrafficPolicy] === $undefined ? m.externalTrafficPolicy : $root.snatscope.v1.TrafficPolicy[m.externalTrafficPolicy] : m.externalTrafficPolicy;
                }
                if (m.flows != null && $Object.hasOwnProperty.call(m, "flows")) {
                    d.flows = o.json && !$isFinite(m.flows) ? $String(m.flows) : m.flows;
                }
                if (m.snatFlows != null && $Object.hasOwnProperty.call(m, "snatFlows")) {
                    d.snatFlows = o.json && !$isFinite(m.snatFlows) ? $String(m.snatFlows) : m.snatFlows;
                }
                if (m.preservedRatio != null && $Object.hasOwnProperty.call(m, "preservedRatio")) {
                    d.preservedRatio = o.json && !$isFinite(m.preservedRatio) ? $String(m.preservedRatio) : m.preservedRatio;
                }
                if (m.entryNodes && m.entryNodes.length) {
                    d.entryNodes = $Array(m.entryNodes.length);
                    for (var j = 0; j < m.entryNodes.length; ++j) {
                        d.entryNodes[j] = m.entryNodes[j];
                    }
                }
                if (m.backendNodes && m.backendNodes.length) {
                    d.backendNodes = $Array(m.backendNodes.length);
                    for (var j = 0; j < m.backendNodes.length; ++j) {
                        d.backendNodes[j] = m.backendNodes[j];
                    }
                }
                if (m.nodesDroppingWithoutLocalEndpoints && m.nodesDroppingWithoutLocalEndpoints.length) {
                    d.nodesDroppingWithoutLocalEndpoints = $Array(m.nodesDroppingWithoutLocalEndpoints.length);
                    for (var j = 0; j < m.nodesDroppingWithoutLocalEndpoints.length; ++j) {
                        d.nodesDroppingWithoutLocalEndpoints[j] = m.nodesDroppingWithoutLocalEndpoints[j];
                    }
                }
                if (m.findings && m.findings.length) {
                    d.findings = $Array(m.findings.length);
                    for (var j = 0; j < m.findings.length; ++j) {
                        d.findings[j] = $root.snatscope.v1.Finding.toObject(m.findings[j], o, q + 1);
                    }
                }
                if (m.verdict != null && $Object.hasOwnProperty.call(m, "verdict")) {
                    d.verdict = m.verdict;
                }
                if (m.nodePort != null && $Object.hasOwnProperty.call(m, "nodePort")) {
                    d.nodePort = m.nodePort;
                }
                if (m.loadBalancerIPs && m.loadBalancerIPs.length) {
                    d.loadBalancerIPs = $Array(m.loadBalancerIPs.length);
                    for (var j = 0; j < m.loadBalancerIPs.length; ++j) {
                        d.loadBalancerIPs[j] = m.loadBalancerIPs[j];
                    }
                }
                if (m.externalIPs && m.externalIPs.length) {
                    d.externalIPs = $Array(m.externalIPs.length);
                    for (var j = 0; j < m.externalIPs.length; ++j) {
                        d.externalIPs[j] = m.externalIPs[j];
                    }
                }
                if (m.healthCheckNodePort != null && $Object.hasOwnProperty.call(m, "healthCheckNodePort")) {
                    d.healthCheckNodePort = m.healthCheckNodePort;
                }
                if (m.nodes && m.nodes.length) {
                    d.nodes = $Array(m.nodes.length);
                    for (var j = 0; j < m.nodes.length; ++j) {
                        d.nodes[j] = m.nodes[j];
                    }
                }
                if (m.nodesWithLocalEndpoints && m.nodesWithLocalEndpoints.length) {
                    d.nodesWithLocalEndpoints = $Array(m.nodesWithLocalEndpoints.length);
                    for (var j = 0; j < m.nodesWithLocalEndpoints.length; ++j) {
                        d.nodesWithLocalEndpoints[j] = m.nodesWithLocalEndpoints[j];
                    }
                }
                if (m.noLocalEndpointDrops != null && $Object.hasOwnProperty.call(m, "noLocalEndpointDrops")) {
                    d.noLocalEndpointDrops = $root.snatscope.v1.Counters.toObject(m.noLocalEndpointDrops, o, q + 1);
                }
                var ks2;
                if (m.causes && (ks2 = $Object.keys(m.causes)).length) {
                    d.causes = {};
                    for (var j = 0; j < ks2.length; ++j) {
                        if (ks2[j] === "__proto__")
                            $util.makeProp(d.causes, ks2[j]);
                        d.causes[ks2[j]] = o.json && !$isFinite(m.causes[ks2[j]]) ? $String(m.causes[ks2[j]]) : m.causes[ks2[j]];
                    }
                }
                if (m.lastSeen != null && $Object.hasOwnProperty.call(m, "lastSeen")) {
                    d.lastSeen = o.json && !$isFinite(m.lastSeen) ? $String(m.lastSeen) : m.lastSeen;
                }
                if (m.upstreamFlows != null && $Object.hasOwnProperty.call(m, "upstreamFlows")) {
                    d.upstreamFlows = o.json && !$isFinite(m.upstreamFlows) ? $String(m.upstreamFlows) : m.upstreamFlows;
                }
                if (m.keptFlows != null && $Object.hasOwnProperty.call(m, "keptFlows")) {
                    d.keptFlows = o.json && !$isFinite(m.keptFlows) ? $String(m.keptFlows) : m.keptFlows;
                }
                if (m.nodePreservedRatio != null && $Object.hasOwnProperty.call(m, "nodePreservedRatio")) {
                    d.nodePreservedRatio = o.json && !$isFinite(m.nodePreservedRatio) ? $String(m.nodePreservedRatio) : m.nodePreservedRatio;
                }
                if (m.nodesForwardingWithoutLocalEndpoints && m.nodesForwardingWithoutLocalEndpoints.length) {
                    d.nodesForwardingWithoutLocalEndpoints = $Array(m.nodesForwardingWithoutLocalEndpoints.length);
                    for (var j = 0; j < m.nodesForwardingWithoutLocalEndpoints.length; ++j) {
                        d.nodesForwardingWithoutLocalEndpoints[j] = m.nodesForwardingWithoutLocalEndpoints[j];
                    }
                }
                if (m.sampledFlows != null && $Object.hasOwnProperty.call(m, "sampledFlows")) {
                    d.sampledFlows = o.json && !$isFinite(m.sampledFlows) ? $String(m.sampledFlows) : m.sampledFlows;
                }
                return d;
            };

            /**
             * Converts this ServiceSummary to JSON.
             * @function toJSON
             * @memberof snatscope.v1.ServiceSummary
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            ServiceSummary.prototype.toJSON = function() {
                return ServiceSummary.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for ServiceSummary
             * @function getTypeUrl
             * @memberof snatscope.v1.ServiceSummary
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            ServiceSummary.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/snatscope.v1.ServiceSummary";
            };

            return ServiceSummary;
        })();

        return v1;
    })();

    return snatscope;
})();

export {
  $root as default
};
