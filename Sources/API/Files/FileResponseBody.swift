import Foundation
import Hummingbird

/// A file streamed as a response body in 64 KiB pieces, its length known up front: an artifact or a
/// whole step log never sits in memory at once. The handle is closed when the body is done.
enum FileResponseBody {
    static func make(_ handle: FileHandle) -> ResponseBody {
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: 0)
        return ResponseBody(contentLength: Int(size)) { writer in
            defer { try? handle.close() }
            while true {
                let data = handle.readData(ofLength: 64 * 1024)
                if data.isEmpty { break }
                try await writer.write(ByteBuffer(bytes: data))
            }
            try await writer.finish(nil)
        }
    }
}
