import Foundation

/// `GET /api/runs`'s body written directly: byte for byte what ``APIJSON/encoder()`` makes of a
/// ``RunPage`` (a test holds them equal), at a fraction of the cost — JSONEncoder's generic
/// machinery was most of the time of the busiest request a dashboard makes.
enum RunPageJSON {
    static func encode(_ page: RunPage) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256 * page.runs.count + 64)
        out.append(UInt8(ascii: "{"))
        if let next = page.nextBefore {
            out.append(contentsOf: #""next_before":"#.utf8)
            string(next, into: &out)
            out.append(UInt8(ascii: ","))
        }
        out.append(contentsOf: #""runs":["#.utf8)
        for (index, run) in page.runs.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            // Keys in sorted order; absent optionals are left out, as the encoder does.
            out.append(contentsOf: #"{"created_at":"#.utf8)
            date(run.createdAt, into: &out)
            if let value = run.datasetId { field("dataset_id", into: &out); string(value, into: &out) }
            if let value = run.durationSeconds { field("duration_seconds", into: &out); number(value, into: &out) }
            if let value = run.error { field("error", into: &out); string(value, into: &out) }
            if let value = run.finishedAt { field("finished_at", into: &out); date(value, into: &out) }
            field("id", into: &out); string(run.id, into: &out)
            if let value = run.startedAt { field("started_at", into: &out); date(value, into: &out) }
            field("state", into: &out); string(run.state, into: &out)
            field("trigger", into: &out); string(run.trigger, into: &out)
            field("workflow", into: &out); string(run.workflow, into: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }

    private static func field(_ name: StaticString, into out: inout [UInt8]) {
        out.append(contentsOf: #",""#.utf8)
        out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        out.append(contentsOf: #"":"#.utf8)
    }

    private static func date(_ value: Date, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        ISO8601Millis.append(value, to: &out)
        out.append(UInt8(ascii: "\""))
    }

    /// JSON string escaping as JSONEncoder does it with `.withoutEscapingSlashes`.
    private static func string(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            // Most texts need no escaping: copied whole.
            if !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                out.append(contentsOf: bytes)
                return
            }
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
                case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
                case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
                case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
                case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
                case 0x08: out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
                case 0x0C: out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
                case 0..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
                default: out.append(byte)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Numbers as JSONEncoder writes a Double (its shortest round-trip form; integral values
    /// without a fraction).
    private static func number(_ value: Double, into out: inout [UInt8]) {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
            out += Array(String(Int64(value)).utf8)
        } else {
            out += Array("\(value)".utf8)
        }
    }
}
