package io.lifeboat.core.internal.engine;

import io.lifeboat.core.Id;
import io.lifeboat.core.internal.format.Node;
import io.lifeboat.core.internal.format.Node.NodeType;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A file's metadata as read without following symlinks (the "unix" attribute view). */
record Attrs(int rawMode, long uid, long gid, long inode, long size, long mtimeNanos, long ctimeNanos) {
    private static final String ATTRIBUTES = "unix:mode,uid,gid,ino,size,lastModifiedTime,ctime";
    private static final int S_IFMT = 0170000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFLNK = 0120000;

    static Attrs read(Path p) throws IOException {
        if (StatFields.AVAILABLE) {
            PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (StatFields.TYPE.isInstance(a)) {
                return StatFields.attrs(a);
            }
        }
        return readByName(p);
    }

    /** {@link #read} through the public "unix" attribute view, which parses the attribute list and boxes every value. */
    static Attrs readByName(Path p) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        return new Attrs((Integer) a.get("mode"), ((Integer) a.get("uid")) & 0xffffffffL,
                ((Integer) a.get("gid")) & 0xffffffffL, (Long) a.get("ino"), (Long) a.get("size"),
                nanos((FileTime) a.get("lastModifiedTime")), nanos((FileTime) a.get("ctime")));
    }

    boolean isDirectory() {
        return (rawMode & S_IFMT) == S_IFDIR;
    }

    boolean isRegularFile() {
        return (rawMode & S_IFMT) == S_IFREG;
    }

    boolean isSymlink() {
        return (rawMode & S_IFMT) == S_IFLNK;
    }

    Node node(String name, NodeType type, long contentSize, List<Id> chunks, Id subtree, String target) {
        return new Node(name, type, rawMode & 07777, uid, gid, mtimeNanos, ctimeNanos, inode, contentSize, chunks,
                subtree, target);
    }

    static long nanos(FileTime t) {
        return nanos(t.toInstant());
    }

    static long nanos(Instant i) {
        return nanos(i.getEpochSecond(), i.getNano());
    }

    /** Nanoseconds since the epoch; throws {@link ArithmeticException} past the year 2262. */
    static long nanos(long seconds, long nanos) {
        return Math.addExact(Math.multiplyExact(seconds, 1_000_000_000L), nanos);
    }

    /** Whether {@link #read} takes the fields of the JDK's stat record (for tests). */
    static boolean readsStatFields() {
        return StatFields.AVAILABLE;
    }

    /**
     * The fields of the JDK's own stat record, {@code sun.nio.fs.UnixFileAttributes}, read
     * directly when the launcher opens its package ({@code --add-opens
     * java.base/sun.nio.fs=ALL-UNNAMED}). The public "unix" view answers the same from the
     * same record, but per call it splits the attribute list, builds a set and a map and
     * boxes each value: about 1 us more per file, a second per million files, and 0.3-0.4 s
     * of C2 compilation in every backup (its inlined code is 44 KB). Without the opening, or
     * on a JDK whose record has other fields, {@link #read} uses the public view.
     */
    private static final class StatFields {
        static final boolean AVAILABLE;
        static final Class<?> TYPE;
        private static final VarHandle MODE;
        private static final VarHandle UID;
        private static final VarHandle GID;
        private static final VarHandle INO;
        private static final VarHandle SIZE;
        private static final VarHandle MTIME_SEC;
        private static final VarHandle MTIME_NSEC;
        private static final VarHandle CTIME_SEC;
        private static final VarHandle CTIME_NSEC;

        static {
            Class<?> type = null;
            VarHandle[] h = new VarHandle[9];
            boolean ok = false;
            if (Object.class.getModule().isOpen("sun.nio.fs", Attrs.class.getModule())) {
                try {
                    type = Class.forName("sun.nio.fs.UnixFileAttributes");
                    MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(type, MethodHandles.lookup());
                    h[0] = lookup.findVarHandle(type, "st_mode", int.class);
                    h[1] = lookup.findVarHandle(type, "st_uid", int.class);
                    h[2] = lookup.findVarHandle(type, "st_gid", int.class);
                    h[3] = lookup.findVarHandle(type, "st_ino", long.class);
                    h[4] = lookup.findVarHandle(type, "st_size", long.class);
                    h[5] = lookup.findVarHandle(type, "st_mtime_sec", long.class);
                    h[6] = lookup.findVarHandle(type, "st_mtime_nsec", long.class);
                    h[7] = lookup.findVarHandle(type, "st_ctime_sec", long.class);
                    h[8] = lookup.findVarHandle(type, "st_ctime_nsec", long.class);
                    ok = true;
                } catch (ReflectiveOperationException | RuntimeException e) {
                    ok = false;
                }
            }
            AVAILABLE = ok;
            TYPE = ok ? type : Void.class;
            MODE = h[0];
            UID = h[1];
            GID = h[2];
            INO = h[3];
            SIZE = h[4];
            MTIME_SEC = h[5];
            MTIME_NSEC = h[6];
            CTIME_SEC = h[7];
            CTIME_NSEC = h[8];
        }

        private StatFields() {
        }

        static Attrs attrs(Object a) {
            return new Attrs((int) MODE.get(a), ((int) UID.get(a)) & 0xffffffffL, ((int) GID.get(a)) & 0xffffffffL,
                    (long) INO.get(a), (long) SIZE.get(a), nanos((long) MTIME_SEC.get(a), (long) MTIME_NSEC.get(a)),
                    nanos((long) CTIME_SEC.get(a), (long) CTIME_NSEC.get(a)));
        }
    }

    static long currentUid() {
        return new com.sun.security.auth.module.UnixSystem().getUid();
    }

    static long currentGid() {
        return new com.sun.security.auth.module.UnixSystem().getGid();
    }
}
