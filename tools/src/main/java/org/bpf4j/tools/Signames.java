package org.bpf4j.tools;

/**
 * Signal numbers as the tools print them: glibc's strsignal(3) text (exitsnoop) and the
 * {@code SIGxxx} names of libbpf-tools' sigsnoop table (Linux's x86 and arm numbering).
 */
final class Signames {
    private Signames() {}

    private static final String[] DESCRIPTIONS = {
            null, "Hangup", "Interrupt", "Quit", "Illegal instruction", "Trace/breakpoint trap", "Aborted", "Bus error",
            "Floating point exception", "Killed", "User defined signal 1", "Segmentation fault", "User defined signal 2",
            "Broken pipe", "Alarm clock", "Terminated", "Stack fault", "Child exited", "Continued", "Stopped (signal)",
            "Stopped", "Stopped (tty input)", "Stopped (tty output)", "Urgent I/O condition", "CPU time limit exceeded",
            "File size limit exceeded", "Virtual timer expired", "Profiling timer expired", "Window changed",
            "I/O possible", "Power failure", "Bad system call"};

    /** sigsnoop's names, index 0 being {@code N/A}. */
    static final String[] NAMES = {
            "N/A", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL",
            "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",
            "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF",
            "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"};

    /** glibc's SIGRTMIN and SIGRTMAX (32 and 33 are its threads' own). */
    private static final int RTMIN = 34, RTMAX = 64;

    /** strsignal(sig) of glibc. */
    static String describe(int sig) {
        if (sig > 0 && sig < DESCRIPTIONS.length) return DESCRIPTIONS[sig];
        if (sig >= RTMIN && sig <= RTMAX) return "Real-time signal " + (sig - RTMIN);
        return "Unknown signal " + sig;
    }

    /** sigsnoop -n's name, or null past its table (it prints the number then). */
    static String name(int sig) {
        return sig >= 0 && sig < NAMES.length ? NAMES[sig] : null;
    }
}
