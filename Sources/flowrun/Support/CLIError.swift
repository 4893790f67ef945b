import ArgumentParser
import Engine

/// A failure reported as one line on stderr with a documented exit code:
/// 1 — the run failed or validation found errors; 2 — the request was refused (bad input,
/// not found, conflict); 3 — the store is unavailable.
struct CLIError: Error, CustomStringConvertible {
    let message: String
    let code: Int32

    var description: String { message }

    static func refused(_ message: String) -> CLIError { CLIError(message: message, code: 2) }
}

/// Runs `body`, turning any error into one stderr line and an exit code.
func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as ExitCode {
        throw error
    } catch let error as CLIError {
        printError(error.message)
        throw ExitCode(error.code)
    } catch {
        // A sentence of ours, never a Foundation error dump.
        printError(ErrorText.describe(error))
        throw ExitCode(2)
    }
}

/// One line on stderr, at most ``ErrorText/limit`` bytes of message: a five-megabyte line of a CSV
/// quoted in an error must not flood the terminal.
func printError(_ message: String) {
    var stderr = StandardError()
    print("flowrun: error: \(ErrorText.bounded(message))", to: &stderr)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandleWriter.write(string, fd: 2)
    }
}

enum FileHandleWriter {
    static func write(_ string: String, fd: Int32) {
        var bytes = Array(string.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { raw in
                unistd_write(fd, raw.baseAddress! + offset, raw.count - offset)
            }
            if n <= 0 { break }
            offset += n
        }
    }
}
