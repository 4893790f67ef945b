#ifndef CSPAWN_H
#define CSPAWN_H

// Starts a program so that it never outlives the process that started it (the engine).
//
// The engine forks a small guard process; the guard makes a new process group (its pid is the
// group id), forks the program into it and waits. The guard watches a "lifeline" pipe whose only
// write end the engine holds: when the engine dies (kill -9 included), the kernel closes that end,
// the guard reads end-of-file and kills the whole group with SIGKILL, itself with it. A pipe is
// used rather than prctl(PR_SET_PDEATHSIG) because the kernel sends the parent-death signal when
// the *thread* that forked exits, and the threads of Swift's and Dispatch's pools come and go; the
// pipe is tied to the engine process, whatever thread forked.
//
// The guard blocks every signal, so the group's SIGTERM (a timeout or a cancel) reaches the program
// and the guard reports how the program ended; only SIGKILL ends the guard itself. Its exit status
// is the program's: the program's exit code, or 128 + the signal that killed it. The guard is
// named `step-guard` (so `pkill flowrun` spares it to do its job), and the program gets
// PR_SET_PDEATHSIG(SIGKILL) from the guard (single-threaded, so the thread caveat does not apply):
// if the guard alone is killed, the program dies with it. What the program itself started would
// then live on in the group; the engine that takes the step back on this machine kills that group.
//
// Between fork and exec only async-signal-safe calls are made: no allocation, no locks. Everything
// the children need (argument and environment arrays, the resolved path) is built before the fork.

#include <sys/types.h>

/// Where starting a program failed (`cspawn_child.stage`).
typedef enum {
    CSPAWN_OK = 0,
    /// Creating the pipes (in the engine).
    CSPAWN_PIPE = 1,
    /// Forking the guard (in the engine).
    CSPAWN_FORK_GUARD = 2,
    /// Making the new process group (in the guard).
    CSPAWN_NEW_GROUP = 3,
    /// Arranging standard input, output and the guard's pipes (in the guard).
    CSPAWN_DESCRIPTORS = 4,
    /// Setting up signals: the guard's mask, SIGCHLD handler and name; the program's mask and
    /// parent-death signal.
    CSPAWN_SIGNALS = 5,
    /// Forking the program (in the guard).
    CSPAWN_FORK_PROGRAM = 6,
    /// Changing to the working directory (in the program, before exec).
    CSPAWN_CHDIR = 7,
    /// execve (in the program).
    CSPAWN_EXEC = 8,
    /// Reading the guard's report (in the engine): the report was cut short.
    CSPAWN_REPORT = 9,
} cspawn_stage;

/// A started program.
typedef struct {
    /// The guard: the process group's leader and id. Wait for it: its exit status is the program's.
    pid_t guard;
    /// The program itself (in the guard's group).
    pid_t program;
    /// Read end of a pipe carrying the program's standard output and standard error.
    int output;
    /// Write end of the lifeline: closing it (or the engine's death) kills the whole group.
    int lifeline;
    /// `CSPAWN_OK`, or where it failed.
    cspawn_stage stage;
    /// errno at that stage.
    int error_number;
} cspawn_child;

/// Starts `path` (an absolute or relative path: no PATH search) with `argv` and `envp` (both
/// NULL-terminated) in `directory` (NULL: the engine's), standard input /dev/null, standard output and
/// error into `child->output`. Returns 0 when the program runs; else -1 with `child->stage` and
/// `child->error_number` saying why, nothing left open and no process left behind.
int cspawn_start(const char *path, char *const argv[], char *const envp[], const char *directory,
                 cspawn_child *child);

#endif
