#if canImport(Glibc)
import Glibc
#endif

func unistd_write(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}

/// True when standard output is a terminal (progress is redrawn in place only then).
func stdoutIsTerminal() -> Bool { isatty(1) == 1 }
