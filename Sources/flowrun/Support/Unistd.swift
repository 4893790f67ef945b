#if canImport(Glibc)
    // @preconcurrency: `stdout` is a C global, set once at start-up below.
    @preconcurrency import Glibc
#endif

func unistd_write(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}

/// True when standard output is a terminal (progress is redrawn in place only then).
func stdoutIsTerminal() -> Bool { isatty(1) == 1 }

/// Services (serve, worker, watch) log to stdout, usually a pipe to docker or journald: write each
/// line at once instead of in 4 KiB blocks, so logs show up when things happen.
func lineBufferedStandardOutput() {
    setvbuf(stdout, nil, _IOLBF, 0)
}
