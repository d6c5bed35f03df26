package org.bpf4j.bcc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Tracepoint records as C structs from their tracefs format (texts from a 6.18 kernel). */
class TracepointFormatTest {
    static final String OPENAT = """
            name: sys_enter_openat
            ID: 782
            format:
            \tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
            \tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;
            \tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;
            \tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;

            \tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;
            \tfield:int dfd;\toffset:16;\tsize:8;\tsigned:0;
            \tfield:const char * filename;\toffset:24;\tsize:8;\tsigned:0;
            \tfield:int flags;\toffset:32;\tsize:8;\tsigned:0;
            \tfield:umode_t mode;\toffset:40;\tsize:8;\tsigned:0;

            print fmt: "dfd: 0x%08lx, filename: 0x%08lx", ((unsigned long)(REC->dfd)), ((unsigned long)(REC->filename))
            """;

    static final String EXEC = """
            name: sched_process_exec
            ID: 370
            format:
            \tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
            \tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;
            \tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;
            \tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;

            \tfield:__data_loc char[] filename;\toffset:8;\tsize:4;\tsigned:0;
            \tfield:pid_t pid;\toffset:12;\tsize:4;\tsigned:1;
            \tfield:pid_t old_pid;\toffset:16;\tsize:4;\tsigned:1;
            \tfield:char comm[16];\toffset:20;\tsize:16;\tsigned:0;
            \tfield:unsigned long args[6];\toffset:40;\tsize:48;\tsigned:0;

            print fmt: "filename=%s pid=%d old_pid=%d", __get_str(filename), REC->pid, REC->old_pid
            """;

    @Test
    void fieldsAtTheirOffsetsTypedByTheirSizes() {
        assertEquals("""
                struct tracepoint__syscalls__sys_enter_openat {
                \tu16 common_type;
                \tu8 common_flags;
                \tu8 common_preempt_count;
                \ts32 common_pid;
                \ts32 __syscall_nr;
                \tchar __pad_12[4];
                \tu64 dfd;
                \tconst char * filename;
                \tu64 flags;
                \tu64 mode;
                };
                """, TracepointFormat.struct("tracepoint__syscalls__sys_enter_openat", OPENAT));
    }

    @Test
    void dataLocStringsCharArraysAndArrays() {
        assertEquals("""
                struct tp {
                \tu16 common_type;
                \tu8 common_flags;
                \tu8 common_preempt_count;
                \ts32 common_pid;
                \tu32 __data_loc_filename;
                \ts32 pid;
                \ts32 old_pid;
                \tchar comm[16];
                \tchar __pad_36[4];
                \tu64 args[6];
                };
                """, TracepointFormat.struct("tp", EXEC));
    }
}
