import Engine
import Foundation
import Hummingbird
import ServiceLifecycle
import Store

/// Follows one run for SSE: polls the store's events after the last id sent and the running
/// steps' log files, and ends (with an `end` event) once the run has finished and all is sent.
///
/// Store events carry their id (`id:`), so a client reconnecting with `Last-Event-ID` misses
/// nothing; log lines are live only (`event: log`, no id): earlier lines come from `/logs`.
struct RunEventStream: Sendable {
    let services: APIServices
    let runID: String
    let after: Int64
    /// A comment line at least this often keeps proxies from closing an idle stream.
    var keepAlive: TimeInterval = 15

    private struct LogKey: Hashable {
        var step: String
        var attempt: Int
    }

    func write(to writer: inout any ResponseBodyWriter) async throws {
        let store = services.engine
        let layout = services.engine.layout
        let clock = services.engine.clock
        let encoder = APIJSON.encoder()
        var last = after
        var offsets: [LogKey: UInt64] = [:]
        var following: Set<LogKey> = []
        var first = true
        var lastWrite = clock.now()
        try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))

        // A server shutting down ends open streams; clients reconnect with Last-Event-ID.
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            var out = ""
            let events = try await store.events(runID: runID, after: last, limit: 500)
            for event in events {
                out += "id: \(event.id)\nevent: \(event.kind)\ndata: " + String(decoding: try encoder.encode(event), as: UTF8.self) + "\n\n"
                last = event.id
            }

            // Log lines of running steps, and a last read of those that just stopped running.
            let steps = try await store.steps(runID: runID)
            let running = Set(steps.filter { $0.state == .running && $0.attempt > 0 }.map { LogKey(step: $0.stepID, attempt: $0.attempt) })
            for key in running.union(following) {
                let url = layout.stepLog(run: runID, step: key.step, attempt: key.attempt)
                let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? UInt64) ?? nil
                guard let size else { continue }
                if offsets[key] == nil { offsets[key] = first ? size : 0 }
                let start = offsets[key] ?? 0
                guard size > start, let handle = try? FileHandle(forReadingFrom: url) else { continue }
                try? handle.seek(toOffset: start)
                let data = handle.readData(ofLength: Int(min(size - start, 1 << 20)))
                try? handle.close()
                // Only whole lines; the rest is read next time.
                guard let lastNewline = data.lastIndex(of: 0x0A) else { continue }
                let whole = data[data.startIndex...lastNewline]
                offsets[key] = start + UInt64(whole.count)
                for line in String(decoding: whole, as: UTF8.self).split(separator: "\n") {
                    let payload = LogLine(step: key.step, attempt: key.attempt, line: String(line))
                    out += "event: log\ndata: " + String(decoding: try encoder.encode(payload), as: UTF8.self) + "\n\n"
                }
            }
            following = running
            first = false

            let now = clock.now()
            if !out.isEmpty {
                try await writer.write(ByteBuffer(string: out))
                lastWrite = now
            } else if now.timeIntervalSince(lastWrite) >= keepAlive {
                try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                lastWrite = now
            }
            if events.count == 500 { continue }
            if events.isEmpty, running.isEmpty, let run = try await store.run(id: runID), run.state.isFinished {
                let end = RunEnd(runId: runID, state: run.state.rawValue)
                try await writer.write(
                    ByteBuffer(string: "event: end\ndata: " + String(decoding: try encoder.encode(end), as: UTF8.self) + "\n\n"))
                return
            }
            try await clock.sleep(for: services.eventPollInterval)
        }
    }

    /// `event: log` data.
    struct LogLine: Encodable {
        var step: String
        var attempt: Int
        var line: String
    }

    /// `event: end` data.
    struct RunEnd: Encodable {
        var runId: String
        var state: String
    }
}
