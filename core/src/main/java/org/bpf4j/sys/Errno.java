package org.bpf4j.sys;

/** Linux errno names and descriptions (generic numbering, as on x86_64 and arm64). */
public final class Errno {
    private Errno() {}

    /** {@code EPERM}: Operation not permitted. */
    public static final int EPERM = 1;
    /** {@code ENOENT}: No such file or directory. */
    public static final int ENOENT = 2;
    /** {@code ESRCH}: No such process. */
    public static final int ESRCH = 3;
    /** {@code EINTR}: Interrupted system call. */
    public static final int EINTR = 4;
    /** {@code EIO}: I/O error. */
    public static final int EIO = 5;
    /** {@code ENXIO}: No such device or address. */
    public static final int ENXIO = 6;
    /** {@code E2BIG}: Argument list too long. */
    public static final int E2BIG = 7;
    /** {@code ENOEXEC}: Exec format error. */
    public static final int ENOEXEC = 8;
    /** {@code EBADF}: Bad file number. */
    public static final int EBADF = 9;
    /** {@code ECHILD}: No child processes. */
    public static final int ECHILD = 10;
    /** {@code EAGAIN}: Try again. */
    public static final int EAGAIN = 11;
    /** {@code ENOMEM}: Out of memory. */
    public static final int ENOMEM = 12;
    /** {@code EACCES}: Permission denied. */
    public static final int EACCES = 13;
    /** {@code EFAULT}: Bad address. */
    public static final int EFAULT = 14;
    /** {@code ENOTBLK}: Block device required. */
    public static final int ENOTBLK = 15;
    /** {@code EBUSY}: Device or resource busy. */
    public static final int EBUSY = 16;
    /** {@code EEXIST}: File exists. */
    public static final int EEXIST = 17;
    /** {@code EXDEV}: Cross-device link. */
    public static final int EXDEV = 18;
    /** {@code ENODEV}: No such device. */
    public static final int ENODEV = 19;
    /** {@code ENOTDIR}: Not a directory. */
    public static final int ENOTDIR = 20;
    /** {@code EISDIR}: Is a directory. */
    public static final int EISDIR = 21;
    /** {@code EINVAL}: Invalid argument. */
    public static final int EINVAL = 22;
    /** {@code ENFILE}: File table overflow. */
    public static final int ENFILE = 23;
    /** {@code EMFILE}: Too many open files. */
    public static final int EMFILE = 24;
    /** {@code ENOTTY}: Not a typewriter. */
    public static final int ENOTTY = 25;
    /** {@code ETXTBSY}: Text file busy. */
    public static final int ETXTBSY = 26;
    /** {@code EFBIG}: File too large. */
    public static final int EFBIG = 27;
    /** {@code ENOSPC}: No space left on device. */
    public static final int ENOSPC = 28;
    /** {@code ESPIPE}: Illegal seek. */
    public static final int ESPIPE = 29;
    /** {@code EROFS}: Read-only file system. */
    public static final int EROFS = 30;
    /** {@code EMLINK}: Too many links. */
    public static final int EMLINK = 31;
    /** {@code EPIPE}: Broken pipe. */
    public static final int EPIPE = 32;
    /** {@code EDOM}: Math argument out of domain of func. */
    public static final int EDOM = 33;
    /** {@code ERANGE}: Math result not representable. */
    public static final int ERANGE = 34;
    /** {@code EDEADLK}: Resource deadlock would occur. */
    public static final int EDEADLK = 35;
    /** {@code ENAMETOOLONG}: File name too long. */
    public static final int ENAMETOOLONG = 36;
    /** {@code ENOLCK}: No record locks available. */
    public static final int ENOLCK = 37;
    /** {@code ENOSYS}: Invalid system call number. */
    public static final int ENOSYS = 38;
    /** {@code ENOTEMPTY}: Directory not empty. */
    public static final int ENOTEMPTY = 39;
    /** {@code ELOOP}: Too many symbolic links encountered. */
    public static final int ELOOP = 40;
    /** {@code ENOMSG}: No message of desired type. */
    public static final int ENOMSG = 42;
    /** {@code EIDRM}: Identifier removed. */
    public static final int EIDRM = 43;
    /** {@code ECHRNG}: Channel number out of range. */
    public static final int ECHRNG = 44;
    /** {@code EL2NSYNC}: Level 2 not synchronized. */
    public static final int EL2NSYNC = 45;
    /** {@code EL3HLT}: Level 3 halted. */
    public static final int EL3HLT = 46;
    /** {@code EL3RST}: Level 3 reset. */
    public static final int EL3RST = 47;
    /** {@code ELNRNG}: Link number out of range. */
    public static final int ELNRNG = 48;
    /** {@code EUNATCH}: Protocol driver not attached. */
    public static final int EUNATCH = 49;
    /** {@code ENOCSI}: No CSI structure available. */
    public static final int ENOCSI = 50;
    /** {@code EL2HLT}: Level 2 halted. */
    public static final int EL2HLT = 51;
    /** {@code EBADE}: Invalid exchange. */
    public static final int EBADE = 52;
    /** {@code EBADR}: Invalid request descriptor. */
    public static final int EBADR = 53;
    /** {@code EXFULL}: Exchange full. */
    public static final int EXFULL = 54;
    /** {@code ENOANO}: No anode. */
    public static final int ENOANO = 55;
    /** {@code EBADRQC}: Invalid request code. */
    public static final int EBADRQC = 56;
    /** {@code EBADSLT}: Invalid slot. */
    public static final int EBADSLT = 57;
    /** {@code EBFONT}: Bad font file format. */
    public static final int EBFONT = 59;
    /** {@code ENOSTR}: Device not a stream. */
    public static final int ENOSTR = 60;
    /** {@code ENODATA}: No data available. */
    public static final int ENODATA = 61;
    /** {@code ETIME}: Timer expired. */
    public static final int ETIME = 62;
    /** {@code ENOSR}: Out of streams resources. */
    public static final int ENOSR = 63;
    /** {@code ENONET}: Machine is not on the network. */
    public static final int ENONET = 64;
    /** {@code ENOPKG}: Package not installed. */
    public static final int ENOPKG = 65;
    /** {@code EREMOTE}: Object is remote. */
    public static final int EREMOTE = 66;
    /** {@code ENOLINK}: Link has been severed. */
    public static final int ENOLINK = 67;
    /** {@code EADV}: Advertise error. */
    public static final int EADV = 68;
    /** {@code ESRMNT}: Srmount error. */
    public static final int ESRMNT = 69;
    /** {@code ECOMM}: Communication error on send. */
    public static final int ECOMM = 70;
    /** {@code EPROTO}: Protocol error. */
    public static final int EPROTO = 71;
    /** {@code EMULTIHOP}: Multihop attempted. */
    public static final int EMULTIHOP = 72;
    /** {@code EDOTDOT}: RFS specific error. */
    public static final int EDOTDOT = 73;
    /** {@code EBADMSG}: Not a data message. */
    public static final int EBADMSG = 74;
    /** {@code EOVERFLOW}: Value too large for defined data type. */
    public static final int EOVERFLOW = 75;
    /** {@code ENOTUNIQ}: Name not unique on network. */
    public static final int ENOTUNIQ = 76;
    /** {@code EBADFD}: File descriptor in bad state. */
    public static final int EBADFD = 77;
    /** {@code EREMCHG}: Remote address changed. */
    public static final int EREMCHG = 78;
    /** {@code ELIBACC}: Can not access a needed shared library. */
    public static final int ELIBACC = 79;
    /** {@code ELIBBAD}: Accessing a corrupted shared library. */
    public static final int ELIBBAD = 80;
    /** {@code ELIBSCN}: .lib section in a.out corrupted. */
    public static final int ELIBSCN = 81;
    /** {@code ELIBMAX}: Attempting to link in too many shared libraries. */
    public static final int ELIBMAX = 82;
    /** {@code ELIBEXEC}: Cannot exec a shared library directly. */
    public static final int ELIBEXEC = 83;
    /** {@code EILSEQ}: Illegal byte sequence. */
    public static final int EILSEQ = 84;
    /** {@code ERESTART}: Interrupted system call should be restarted. */
    public static final int ERESTART = 85;
    /** {@code ESTRPIPE}: Streams pipe error. */
    public static final int ESTRPIPE = 86;
    /** {@code EUSERS}: Too many users. */
    public static final int EUSERS = 87;
    /** {@code ENOTSOCK}: Socket operation on non-socket. */
    public static final int ENOTSOCK = 88;
    /** {@code EDESTADDRREQ}: Destination address required. */
    public static final int EDESTADDRREQ = 89;
    /** {@code EMSGSIZE}: Message too long. */
    public static final int EMSGSIZE = 90;
    /** {@code EPROTOTYPE}: Protocol wrong type for socket. */
    public static final int EPROTOTYPE = 91;
    /** {@code ENOPROTOOPT}: Protocol not available. */
    public static final int ENOPROTOOPT = 92;
    /** {@code EPROTONOSUPPORT}: Protocol not supported. */
    public static final int EPROTONOSUPPORT = 93;
    /** {@code ESOCKTNOSUPPORT}: Socket type not supported. */
    public static final int ESOCKTNOSUPPORT = 94;
    /** {@code EOPNOTSUPP}: Operation not supported on transport endpoint. */
    public static final int EOPNOTSUPP = 95;
    /** {@code EPFNOSUPPORT}: Protocol family not supported. */
    public static final int EPFNOSUPPORT = 96;
    /** {@code EAFNOSUPPORT}: Address family not supported by protocol. */
    public static final int EAFNOSUPPORT = 97;
    /** {@code EADDRINUSE}: Address already in use. */
    public static final int EADDRINUSE = 98;
    /** {@code EADDRNOTAVAIL}: Cannot assign requested address. */
    public static final int EADDRNOTAVAIL = 99;
    /** {@code ENETDOWN}: Network is down. */
    public static final int ENETDOWN = 100;
    /** {@code ENETUNREACH}: Network is unreachable. */
    public static final int ENETUNREACH = 101;
    /** {@code ENETRESET}: Network dropped connection because of reset. */
    public static final int ENETRESET = 102;
    /** {@code ECONNABORTED}: Software caused connection abort. */
    public static final int ECONNABORTED = 103;
    /** {@code ECONNRESET}: Connection reset by peer. */
    public static final int ECONNRESET = 104;
    /** {@code ENOBUFS}: No buffer space available. */
    public static final int ENOBUFS = 105;
    /** {@code EISCONN}: Transport endpoint is already connected. */
    public static final int EISCONN = 106;
    /** {@code ENOTCONN}: Transport endpoint is not connected. */
    public static final int ENOTCONN = 107;
    /** {@code ESHUTDOWN}: Cannot send after transport endpoint shutdown. */
    public static final int ESHUTDOWN = 108;
    /** {@code ETOOMANYREFS}: Too many references: cannot splice. */
    public static final int ETOOMANYREFS = 109;
    /** {@code ETIMEDOUT}: Connection timed out. */
    public static final int ETIMEDOUT = 110;
    /** {@code ECONNREFUSED}: Connection refused. */
    public static final int ECONNREFUSED = 111;
    /** {@code EHOSTDOWN}: Host is down. */
    public static final int EHOSTDOWN = 112;
    /** {@code EHOSTUNREACH}: No route to host. */
    public static final int EHOSTUNREACH = 113;
    /** {@code EALREADY}: Operation already in progress. */
    public static final int EALREADY = 114;
    /** {@code EINPROGRESS}: Operation now in progress. */
    public static final int EINPROGRESS = 115;
    /** {@code ESTALE}: Stale file handle. */
    public static final int ESTALE = 116;
    /** {@code EUCLEAN}: Structure needs cleaning. */
    public static final int EUCLEAN = 117;
    /** {@code ENOTNAM}: Not a XENIX named type file. */
    public static final int ENOTNAM = 118;
    /** {@code ENAVAIL}: No XENIX semaphores available. */
    public static final int ENAVAIL = 119;
    /** {@code EISNAM}: Is a named type file. */
    public static final int EISNAM = 120;
    /** {@code EREMOTEIO}: Remote I/O error. */
    public static final int EREMOTEIO = 121;
    /** {@code EDQUOT}: Quota exceeded. */
    public static final int EDQUOT = 122;
    /** {@code ENOMEDIUM}: No medium found. */
    public static final int ENOMEDIUM = 123;
    /** {@code EMEDIUMTYPE}: Wrong medium type. */
    public static final int EMEDIUMTYPE = 124;
    /** {@code ECANCELED}: Operation Canceled. */
    public static final int ECANCELED = 125;
    /** {@code ENOKEY}: Required key not available. */
    public static final int ENOKEY = 126;
    /** {@code EKEYEXPIRED}: Key has expired. */
    public static final int EKEYEXPIRED = 127;
    /** {@code EKEYREVOKED}: Key has been revoked. */
    public static final int EKEYREVOKED = 128;
    /** {@code EKEYREJECTED}: Key was rejected by service. */
    public static final int EKEYREJECTED = 129;
    /** {@code EOWNERDEAD}: Owner died. */
    public static final int EOWNERDEAD = 130;
    /** {@code ENOTRECOVERABLE}: State not recoverable. */
    public static final int ENOTRECOVERABLE = 131;
    /** {@code ERFKILL}: Operation not possible due to RF-kill. */
    public static final int ERFKILL = 132;
    /** {@code EHWPOISON}: Memory page has hardware error. */
    public static final int EHWPOISON = 133;

    /** Kernel-internal "not supported", which BPF commands return to user space. */
    public static final int ENOTSUPP = 524;

    private static final String[] NAMES = new String[134];
    private static final String[] TEXT = new String[134];

    static {
        def(1, "EPERM", "Operation not permitted");
        def(2, "ENOENT", "No such file or directory");
        def(3, "ESRCH", "No such process");
        def(4, "EINTR", "Interrupted system call");
        def(5, "EIO", "I/O error");
        def(6, "ENXIO", "No such device or address");
        def(7, "E2BIG", "Argument list too long");
        def(8, "ENOEXEC", "Exec format error");
        def(9, "EBADF", "Bad file number");
        def(10, "ECHILD", "No child processes");
        def(11, "EAGAIN", "Try again");
        def(12, "ENOMEM", "Out of memory");
        def(13, "EACCES", "Permission denied");
        def(14, "EFAULT", "Bad address");
        def(15, "ENOTBLK", "Block device required");
        def(16, "EBUSY", "Device or resource busy");
        def(17, "EEXIST", "File exists");
        def(18, "EXDEV", "Cross-device link");
        def(19, "ENODEV", "No such device");
        def(20, "ENOTDIR", "Not a directory");
        def(21, "EISDIR", "Is a directory");
        def(22, "EINVAL", "Invalid argument");
        def(23, "ENFILE", "File table overflow");
        def(24, "EMFILE", "Too many open files");
        def(25, "ENOTTY", "Not a typewriter");
        def(26, "ETXTBSY", "Text file busy");
        def(27, "EFBIG", "File too large");
        def(28, "ENOSPC", "No space left on device");
        def(29, "ESPIPE", "Illegal seek");
        def(30, "EROFS", "Read-only file system");
        def(31, "EMLINK", "Too many links");
        def(32, "EPIPE", "Broken pipe");
        def(33, "EDOM", "Math argument out of domain of func");
        def(34, "ERANGE", "Math result not representable");
        def(35, "EDEADLK", "Resource deadlock would occur");
        def(36, "ENAMETOOLONG", "File name too long");
        def(37, "ENOLCK", "No record locks available");
        def(38, "ENOSYS", "Invalid system call number");
        def(39, "ENOTEMPTY", "Directory not empty");
        def(40, "ELOOP", "Too many symbolic links encountered");
        def(42, "ENOMSG", "No message of desired type");
        def(43, "EIDRM", "Identifier removed");
        def(44, "ECHRNG", "Channel number out of range");
        def(45, "EL2NSYNC", "Level 2 not synchronized");
        def(46, "EL3HLT", "Level 3 halted");
        def(47, "EL3RST", "Level 3 reset");
        def(48, "ELNRNG", "Link number out of range");
        def(49, "EUNATCH", "Protocol driver not attached");
        def(50, "ENOCSI", "No CSI structure available");
        def(51, "EL2HLT", "Level 2 halted");
        def(52, "EBADE", "Invalid exchange");
        def(53, "EBADR", "Invalid request descriptor");
        def(54, "EXFULL", "Exchange full");
        def(55, "ENOANO", "No anode");
        def(56, "EBADRQC", "Invalid request code");
        def(57, "EBADSLT", "Invalid slot");
        def(59, "EBFONT", "Bad font file format");
        def(60, "ENOSTR", "Device not a stream");
        def(61, "ENODATA", "No data available");
        def(62, "ETIME", "Timer expired");
        def(63, "ENOSR", "Out of streams resources");
        def(64, "ENONET", "Machine is not on the network");
        def(65, "ENOPKG", "Package not installed");
        def(66, "EREMOTE", "Object is remote");
        def(67, "ENOLINK", "Link has been severed");
        def(68, "EADV", "Advertise error");
        def(69, "ESRMNT", "Srmount error");
        def(70, "ECOMM", "Communication error on send");
        def(71, "EPROTO", "Protocol error");
        def(72, "EMULTIHOP", "Multihop attempted");
        def(73, "EDOTDOT", "RFS specific error");
        def(74, "EBADMSG", "Not a data message");
        def(75, "EOVERFLOW", "Value too large for defined data type");
        def(76, "ENOTUNIQ", "Name not unique on network");
        def(77, "EBADFD", "File descriptor in bad state");
        def(78, "EREMCHG", "Remote address changed");
        def(79, "ELIBACC", "Can not access a needed shared library");
        def(80, "ELIBBAD", "Accessing a corrupted shared library");
        def(81, "ELIBSCN", ".lib section in a.out corrupted");
        def(82, "ELIBMAX", "Attempting to link in too many shared libraries");
        def(83, "ELIBEXEC", "Cannot exec a shared library directly");
        def(84, "EILSEQ", "Illegal byte sequence");
        def(85, "ERESTART", "Interrupted system call should be restarted");
        def(86, "ESTRPIPE", "Streams pipe error");
        def(87, "EUSERS", "Too many users");
        def(88, "ENOTSOCK", "Socket operation on non-socket");
        def(89, "EDESTADDRREQ", "Destination address required");
        def(90, "EMSGSIZE", "Message too long");
        def(91, "EPROTOTYPE", "Protocol wrong type for socket");
        def(92, "ENOPROTOOPT", "Protocol not available");
        def(93, "EPROTONOSUPPORT", "Protocol not supported");
        def(94, "ESOCKTNOSUPPORT", "Socket type not supported");
        def(95, "EOPNOTSUPP", "Operation not supported on transport endpoint");
        def(96, "EPFNOSUPPORT", "Protocol family not supported");
        def(97, "EAFNOSUPPORT", "Address family not supported by protocol");
        def(98, "EADDRINUSE", "Address already in use");
        def(99, "EADDRNOTAVAIL", "Cannot assign requested address");
        def(100, "ENETDOWN", "Network is down");
        def(101, "ENETUNREACH", "Network is unreachable");
        def(102, "ENETRESET", "Network dropped connection because of reset");
        def(103, "ECONNABORTED", "Software caused connection abort");
        def(104, "ECONNRESET", "Connection reset by peer");
        def(105, "ENOBUFS", "No buffer space available");
        def(106, "EISCONN", "Transport endpoint is already connected");
        def(107, "ENOTCONN", "Transport endpoint is not connected");
        def(108, "ESHUTDOWN", "Cannot send after transport endpoint shutdown");
        def(109, "ETOOMANYREFS", "Too many references: cannot splice");
        def(110, "ETIMEDOUT", "Connection timed out");
        def(111, "ECONNREFUSED", "Connection refused");
        def(112, "EHOSTDOWN", "Host is down");
        def(113, "EHOSTUNREACH", "No route to host");
        def(114, "EALREADY", "Operation already in progress");
        def(115, "EINPROGRESS", "Operation now in progress");
        def(116, "ESTALE", "Stale file handle");
        def(117, "EUCLEAN", "Structure needs cleaning");
        def(118, "ENOTNAM", "Not a XENIX named type file");
        def(119, "ENAVAIL", "No XENIX semaphores available");
        def(120, "EISNAM", "Is a named type file");
        def(121, "EREMOTEIO", "Remote I/O error");
        def(122, "EDQUOT", "Quota exceeded");
        def(123, "ENOMEDIUM", "No medium found");
        def(124, "EMEDIUMTYPE", "Wrong medium type");
        def(125, "ECANCELED", "Operation Canceled");
        def(126, "ENOKEY", "Required key not available");
        def(127, "EKEYEXPIRED", "Key has expired");
        def(128, "EKEYREVOKED", "Key has been revoked");
        def(129, "EKEYREJECTED", "Key was rejected by service");
        def(130, "EOWNERDEAD", "Owner died");
        def(131, "ENOTRECOVERABLE", "State not recoverable");
        def(132, "ERFKILL", "Operation not possible due to RF-kill");
        def(133, "EHWPOISON", "Memory page has hardware error");
    }

    private static void def(int n, String name, String text) {
        NAMES[n] = name;
        TEXT[n] = text;
    }

    /**
     * The symbolic name of an errno value.
     *
     * @param errno the value (positive)
     * @return a name such as {@code EPERM}, or {@code errno N} when unknown
     */
    public static String name(int errno) {
        if (errno == ENOTSUPP) return "ENOTSUPP";
        return errno > 0 && errno < NAMES.length && NAMES[errno] != null ? NAMES[errno] : "errno " + errno;
    }

    /** The number of a symbolic name ({@code ENOENT}, and the aliases EWOULDBLOCK, EDEADLOCK, ENOTSUP), or -1. */
    public static int byName(String name) {
        switch (name) {
            case "EWOULDBLOCK": return EAGAIN;
            case "EDEADLOCK": return EDEADLK;
            case "ENOTSUP": return EOPNOTSUPP;
            default: break;
        }
        for (int i = 1; i < NAMES.length; i++) if (name.equals(NAMES[i])) return i;
        return -1;
    }

    /**
     * The C library's description of an errno value ({@code strerror}).
     *
     * @param errno the value (positive)
     * @return a text such as {@code Operation not permitted}, or null when unknown
     */
    public static String description(int errno) {
        if (errno == ENOTSUPP) return "Operation is not supported";
        return errno > 0 && errno < TEXT.length ? TEXT[errno] : null;
    }
}
