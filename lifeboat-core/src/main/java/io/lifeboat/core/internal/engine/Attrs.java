package io.lifeboat.core.internal.engine;

import io.lifeboat.core.Id;
import io.lifeboat.core.internal.format.Node;
import io.lifeboat.core.internal.format.Node.NodeType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
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
        return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
    }

    static long currentUid() {
        return new com.sun.security.auth.module.UnixSystem().getUid();
    }

    static long currentGid() {
        return new com.sun.security.auth.module.UnixSystem().getGid();
    }
}
