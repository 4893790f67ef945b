// See cspawn.h for what this does and why. After each fork only async-signal-safe calls are made
// (_Fork, not fork: no atfork handlers run in the children).
#define _GNU_SOURCE
#include "cspawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

// The guard's descriptors: 0 /dev/null, 1 and 2 the output pipe (the program inherits them), then:
enum { REPORT_FD = 3, LIFELINE_FD = 4 };

// What the guard and the program tell the engine, one record per write (atomic: < PIPE_BUF).
// stage CSPAWN_OK: `value` is the program's pid; any other stage: `value` is errno.
typedef struct {
    int32_t stage;
    int32_t value;
} report_record;

static void report(int fd, cspawn_stage stage, int value) {
    report_record record = {(int32_t)stage, (int32_t)value};
    // Nothing to do if it fails: the engine then sees the pipe close without a report and the
    // guard's exit status, and says so.
    ssize_t written;
    do { written = write(fd, &record, sizeof record); } while (written < 0 && errno == EINTR);
}

static _Noreturn void fail(int report_fd, cspawn_stage stage) {
    report(report_fd, stage, errno);
    _exit(127);
}

// Closes every descriptor from `lowest` up.
static void close_from(int lowest) {
    if (close_range((unsigned)lowest, ~0U, 0) == 0) return;
    // Kernels before 5.9 have no close_range: close them one by one, up to the limit.
    struct rlimit limit;
    long highest = 65536;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) highest = (long)limit.rlim_cur;
    for (long fd = lowest; fd < highest; fd++) (void)close((int)fd);  // EBADF for the unopened ones
}

static void wake(int signal) { (void)signal; }

// Marks this thread's TLS block (and, next to it, the thread control block libc reads).
static __thread char tls_marker __attribute__((tls_model("initial-exec")));

static uintptr_t parse_hex(const char **text) {
    uintptr_t value = 0;
    for (;; (*text)++) {
        char c = **text;
        if (c >= '0' && c <= '9') value = value * 16 + (uintptr_t)(c - '0');
        else if (c >= 'a' && c <= 'f') value = value * 16 + (uintptr_t)(c - 'a' + 10);
        else return value;
    }
}

// One line of /proc/self/maps: "start-end perms offset dev inode [path]". Drops the pages of a
// private anonymous writable mapping unless it holds one of the `keep` addresses, is named (the
// main thread's [stack]) or continues a file's mapping (a library's .bss: the C library's and the
// dynamic linker's own state).
static void release_mapping(const char *line, uintptr_t keep_stack, uintptr_t keep_tls,
                            uintptr_t *previous_end, int *previous_was_file) {
    const char *cursor = line;
    uintptr_t start = parse_hex(&cursor);
    if (*cursor++ != '-') return;
    uintptr_t end = parse_hex(&cursor);
    if (*cursor++ != ' ') return;
    int continues_file = *previous_was_file && *previous_end == start;
    *previous_end = end;
    int private_writable = cursor[0] == 'r' && cursor[1] == 'w' && cursor[3] == 'p';
    // Skip perms, offset and device to the inode (0 for anonymous memory), then to the name.
    for (int field = 0; field < 3; field++) {
        while (*cursor && *cursor != ' ') cursor++;
        while (*cursor == ' ') cursor++;
    }
    int anonymous = cursor[0] == '0' && (cursor[1] == ' ' || cursor[1] == '\0');
    *previous_was_file = !anonymous;
    if (!private_writable || !anonymous || continues_file) return;
    while (*cursor && *cursor != ' ') cursor++;
    while (*cursor == ' ') cursor++;
    int heap = cursor[0] == '[' && cursor[1] == 'h' && cursor[2] == 'e' && cursor[3] == 'a' && cursor[4] == 'p' &&
               cursor[5] == ']' && cursor[6] == '\0';
    if (*cursor != '\0' && !heap) return;  // named ([stack], [anon:...]): kept
    if ((keep_stack >= start && keep_stack < end) || (keep_tls >= start && keep_tls < end)) return;
    // EINVAL for locked or huge-page mappings: they stay, which costs memory but nothing else.
    (void)madvise((void *)start, end - start, MADV_DONTNEED);
}

// The dynamic linker binds a library function on its first call, reading its own tables, which
// release_engine_memory may drop. So every function the guard calls after the release is called
// once before it: here, harmlessly, or in the first round of the wait (waitpid, ppoll). The guard
// ends with syscall(SYS_exit_group) rather than _exit for the same reason (_exit runs only once).
static void resolve_functions_used_after_release(void) {
    volatile int sink = errno;  // __errno_location
    (void)sink;
    (void)kill(0, 0);
    (void)read(-1, NULL, 0);
    (void)madvise(NULL, 0, MADV_DONTNEED);
    (void)syscall(SYS_getpid);
}

static _Noreturn void guard_exit(int status) {
    for (;;) (void)syscall(SYS_exit_group, status);
}

// The guard is a copy of the engine. As long as it holds that copy, every page the engine writes
// is copied first (copy-on-write): an engine training a model in-process beside a long command
// would pay for its memory twice. So the guard drops every private anonymous mapping (heap, other
// threads' stacks, allocations) but its own stack and TLS; what it runs from then on (a few system
// calls) needs nothing else. Best effort: what cannot be read or dropped stays.
static void release_engine_memory(void) {
    char here;
    uintptr_t stack = (uintptr_t)&here;
    uintptr_t tls = (uintptr_t)&tls_marker;
    int maps = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (maps < 0) return;
    char buffer[4096];
    size_t length = 0;
    uintptr_t previous_end = 0;
    int previous_was_file = 0;
    int skipping = 0;  // inside a line longer than the buffer (a very long path): not ours to drop
    for (;;) {
        ssize_t got = read(maps, buffer + length, sizeof buffer - 1 - length);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        length += (size_t)got;
        buffer[length] = '\0';
        // Plain loops, no memchr or memmove: see resolve_functions_used_after_release.
        size_t line = 0;
        for (size_t i = 0; i < length; i++) {
            if (buffer[i] != '\n') continue;
            buffer[i] = '\0';
            if (!skipping) release_mapping(buffer + line, stack, tls, &previous_end, &previous_was_file);
            skipping = 0;
            line = i + 1;
        }
        size_t rest = length - line;
        if (rest == sizeof buffer - 1) {
            skipping = 1;
            rest = 0;
        }
        for (size_t i = 0; i < rest; i++) buffer[i] = buffer[line + i];
        length = rest;
    }
    (void)close(maps);
}

// The program: dies with the guard, default signal handling, the working directory, exec.
static _Noreturn void run_program(const char *path, char *const argv[], char *const envp[], const char *directory,
                                  pid_t guard) {
    // Should the guard itself be killed (kill -9 of its pid, `pkill -f` of the engine's command
    // line that it shares), the program goes too. The guard has one thread, so the parent-death
    // signal cannot fire early; and if the guard died before prctl, getppid() tells.
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) fail(REPORT_FD, CSPAWN_SIGNALS);
    if (getppid() != guard) {
        (void)kill(0, SIGKILL);
        _exit(137);  // not reached
    }
    // The guard blocks everything and handles SIGCHLD; a program starts with nothing blocked and
    // every signal at its default (the engine ignores SIGPIPE, for one, and SIG_IGN survives exec).
    struct sigaction default_action = {0};
    default_action.sa_handler = SIG_DFL;
    for (int signal = 1; signal < NSIG; signal++) {
        (void)sigaction(signal, &default_action, NULL);  // EINVAL for SIGKILL, SIGSTOP and libc's own: expected
    }
    sigset_t none;
    sigemptyset(&none);
    if (sigprocmask(SIG_SETMASK, &none, NULL) != 0) fail(REPORT_FD, CSPAWN_SIGNALS);
    if (directory != NULL && chdir(directory) != 0) fail(REPORT_FD, CSPAWN_CHDIR);
    execve(path, argv, envp);
    fail(REPORT_FD, CSPAWN_EXEC);
}

// The guard: a new group, the program in it, then wait for the program or the engine's death.
static _Noreturn void run_guard(const char *path, char *const argv[], char *const envp[], const char *directory,
                                int output_fd, int report_fd, int lifeline_fd) {
    // Only SIGKILL ends the guard: the group's SIGTERM is for the program, and the guard must live
    // to watch the lifeline as long as the program does.
    sigset_t all;
    sigfillset(&all);
    if (sigprocmask(SIG_SETMASK, &all, NULL) != 0) fail(report_fd, CSPAWN_SIGNALS);
    if (setpgid(0, 0) != 0) fail(report_fd, CSPAWN_NEW_GROUP);
    // `ps`, `top`, `pkill flowrun` and `killall flowrun` see this name, not the engine's: killing
    // the engine by name leaves the guard to kill the group.
    if (prctl(PR_SET_NAME, "step-guard") != 0) fail(report_fd, CSPAWN_SIGNALS);

    // Move what the guard keeps to fixed numbers. First above 10, so no dup2 below overwrites a
    // descriptor still to be moved (the engine's pipes may have any numbers, even 0-2).
    int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd < 0) fail(report_fd, CSPAWN_DESCRIPTORS);
    int high_null = fcntl(null_fd, F_DUPFD_CLOEXEC, 10);
    int high_output = fcntl(output_fd, F_DUPFD_CLOEXEC, 10);
    int high_report = fcntl(report_fd, F_DUPFD_CLOEXEC, 10);
    int high_lifeline = fcntl(lifeline_fd, F_DUPFD_CLOEXEC, 10);
    if (high_null < 0 || high_output < 0 || high_report < 0 || high_lifeline < 0) fail(report_fd, CSPAWN_DESCRIPTORS);
    if (dup2(high_report, REPORT_FD) < 0) fail(report_fd, CSPAWN_DESCRIPTORS);
    if (dup2(high_null, 0) < 0 || dup2(high_output, 1) < 0 || dup2(high_output, 2) < 0 ||
        dup2(high_lifeline, LIFELINE_FD) < 0) {
        fail(REPORT_FD, CSPAWN_DESCRIPTORS);
    }
    // The report pipe closes at the program's exec; the lifeline is the guard's alone.
    if (fcntl(REPORT_FD, F_SETFD, FD_CLOEXEC) != 0 || fcntl(LIFELINE_FD, F_SETFD, FD_CLOEXEC) != 0) {
        fail(REPORT_FD, CSPAWN_DESCRIPTORS);
    }
    // Everything else the engine had open (other steps' pipes, database sockets, the lifelines of
    // other steps: a guard holding another's lifeline would keep that one alive).
    close_from(LIFELINE_FD + 1);

    // SIGCHLD (blocked but for the wait below) interrupts the wait when the program ends.
    struct sigaction on_child = {0};
    on_child.sa_handler = wake;
    on_child.sa_flags = SA_NOCLDSTOP;
    sigemptyset(&on_child.sa_mask);
    if (sigaction(SIGCHLD, &on_child, NULL) != 0) fail(REPORT_FD, CSPAWN_SIGNALS);

    pid_t guard = getpid();
    pid_t program = _Fork();
    if (program < 0) fail(REPORT_FD, CSPAWN_FORK_PROGRAM);
    if (program == 0) run_program(path, argv, envp, directory, guard);
    report(REPORT_FD, CSPAWN_OK, program);
    // Only the program's processes keep the output open, and the report ends at its exec.
    (void)close(REPORT_FD);
    (void)close(0);
    (void)close(1);
    (void)close(2);

    sigset_t waiting;
    sigfillset(&waiting);
    sigdelset(&waiting, SIGCHLD);
    struct pollfd lifeline = {.fd = LIFELINE_FD, .events = POLLIN};
    struct timespec no_wait = {0, 0};
    resolve_functions_used_after_release();
    // The first round does not block (it binds waitpid and ppoll too); the engine's memory is
    // dropped after it and every later round sleeps until the program ends or the engine dies.
    for (int round = 0;; round++) {
        int status = 0;
        pid_t ended = waitpid(program, &status, WNOHANG);
        if (ended == program) {
            if (WIFEXITED(status)) guard_exit(WEXITSTATUS(status));
            if (WIFSIGNALED(status)) guard_exit(128 + WTERMSIG(status));
            continue;
        }
        if (ended < 0 && errno != EINTR) {
            // ECHILD cannot happen (the program is our child until we reap it): stop it all.
            (void)kill(0, SIGKILL);
            guard_exit(127);
        }
        // SIGCHLD is unblocked only inside ppoll, so one that arrived since waitpid is pending
        // and interrupts it at once: no lost wake-up.
        int ready = ppoll(&lifeline, 1, round == 0 ? &no_wait : NULL, &waiting);
        if (ready > 0) {
            char byte;
            ssize_t got = read(LIFELINE_FD, &byte, 1);
            if (got <= 0) {
                // End of file: the engine closed its end or died. The group goes, the guard with it.
                (void)kill(0, SIGKILL);
                guard_exit(137);  // not reached
            }
        } else if (ready < 0 && errno != EINTR) {
            // The lifeline cannot be watched any more: never leave the program unwatched.
            (void)kill(0, SIGKILL);
            guard_exit(137);
        }
        if (round == 0) release_engine_memory();
    }
}

static void close_all(int fds[], int count) {
    for (int i = 0; i < count; i++) {
        if (fds[i] >= 0) (void)close(fds[i]);  // a pipe end we own: close cannot fail usefully here
    }
}

int cspawn_start(const char *path, char *const argv[], char *const envp[], const char *directory,
                 cspawn_child *child) {
    child->guard = -1;
    child->program = 0;
    child->output = -1;
    child->lifeline = -1;
    child->stage = CSPAWN_OK;
    child->error_number = 0;

    // [0, 1] output, [2, 3] reports, [4, 5] lifeline; close-on-exec, so no program started
    // elsewhere in the engine (at the same moment, from another thread) inherits them.
    int fds[6] = {-1, -1, -1, -1, -1, -1};
    if (pipe2(&fds[0], O_CLOEXEC) != 0 || pipe2(&fds[2], O_CLOEXEC) != 0 || pipe2(&fds[4], O_CLOEXEC) != 0) {
        child->stage = CSPAWN_PIPE;
        child->error_number = errno;
        close_all(fds, 6);
        return -1;
    }

    pid_t guard = _Fork();
    if (guard < 0) {
        child->stage = CSPAWN_FORK_GUARD;
        child->error_number = errno;
        close_all(fds, 6);
        return -1;
    }
    if (guard == 0) run_guard(path, argv, envp, directory, fds[1], fds[3], fds[4]);

    // The engine keeps the output's read end and the lifeline's write end.
    (void)close(fds[1]);
    (void)close(fds[3]);
    (void)close(fds[4]);
    child->guard = guard;
    child->output = fds[0];
    child->lifeline = fds[5];

    // The reports end when the program has exec'd (or failed to) and the guard has closed its copy.
    for (;;) {
        report_record record;
        ssize_t got = read(fds[2], &record, sizeof record);
        if (got < 0 && errno == EINTR) continue;
        if (got == 0) break;
        if (got != (ssize_t)sizeof record) {
            if (child->stage == CSPAWN_OK) {
                child->stage = CSPAWN_REPORT;
                child->error_number = got < 0 ? errno : EIO;
            }
            break;
        }
        if (record.stage == CSPAWN_OK) {
            child->program = record.value;
        } else if (child->stage == CSPAWN_OK) {
            child->stage = (cspawn_stage)record.stage;
            child->error_number = record.value;
        }
    }
    (void)close(fds[2]);
    if (child->stage == CSPAWN_OK && child->program <= 0) {
        // The guard ended without a word (killed before it could fork the program).
        child->stage = CSPAWN_REPORT;
        child->error_number = ECHILD;
    }
    if (child->stage == CSPAWN_OK) return 0;

    // Failed: the guard exits (or, with the lifeline closed, kills what it started); reap it.
    (void)close(child->output);
    (void)close(child->lifeline);
    int status;
    while (waitpid(guard, &status, 0) < 0 && errno == EINTR) {}
    child->output = -1;
    child->lifeline = -1;
    child->guard = -1;
    child->program = 0;
    return -1;
}
