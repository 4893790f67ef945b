import Foundation
import Testing

@testable import Store

/// Reading `/proc/locks` for the holder of a SQLite file's WAL write lock (byte 120 of `-shm`).
struct SQLiteLockHolderTests {
    let shm = SQLiteLockHolder.FileID(device: 0xfe00, inode: 2_591_250)

    @Test func theDeviceIsNamedAsProcLocksNamesIt() {
        #expect(shm.procLocksName == "fe:00:2591250")
        // A device number above 255 (glibc's split encoding): major 259, minor 1 → "103:01".
        #expect(SQLiteLockHolder.FileID(device: 0x10301, inode: 7).procLocksName == "103:01:7")
    }

    @Test func onlyAHeldWriteLockOverByte120OfThatFileCounts() {
        let locks = """
            1: POSIX  ADVISORY  READ 7001 fe:00:2591250 124 124
            2: POSIX  ADVISORY  WRITE 7002 fe:00:2591251 120 120
            3: -> POSIX  ADVISORY  WRITE 7003 fe:00:2591250 120 120
            4: POSIX  ADVISORY  WRITE 7004 fe:00:2591250 121 128
            5: POSIX  ADVISORY  WRITE 7129 fe:00:2591250 120 120
            6: POSIX  ADVISORY  WRITE 7200 fe:00:2591250 0 EOF
            """
        // 7001 reads, 7002 another file, 7003 only waits, 7004 other bytes.
        #expect(SQLiteLockHolder.writers(of: shm, in: locks) == [7129, 7200])
    }

    @Test func noHolderOnThisMachineIsSaidSo() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lockholder-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("f.sqlite").path
        try Data().write(to: URL(fileURLWithPath: db + "-shm"))
        #expect(SQLiteLockHolder.describe(databasePath: db, locks: "").contains("not on this machine"))
        #expect(SQLiteLockHolder.describe(databasePath: db, locks: nil).contains("cannot be told"))
    }

    @Test func aStoppedProcessIsToldHowToResume() throws {
        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = ["600"]
        try sleeper.run()
        defer {
            kill(sleeper.processIdentifier, SIGKILL)
            sleeper.waitUntilExit()
        }
        let pid = sleeper.processIdentifier
        kill(pid, SIGSTOP)
        let deadline = Date().addingTimeInterval(60)
        while SQLiteLockHolder.state(pid) != "T", Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        let text = SQLiteLockHolder.describe(process: pid)
        #expect(
            text
                == "process \(pid) (sleep 600) holds its write lock and is stopped (SIGSTOP, a suspended terminal or a debugger): `kill -CONT \(pid)` lets it finish, `kill \(pid)` ends it"
        )
        kill(pid, SIGCONT)
        while SQLiteLockHolder.state(pid) == "T", Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        #expect(SQLiteLockHolder.describe(process: pid) == "process \(pid) (sleep 600) holds its write lock in a long transaction")
    }
}
