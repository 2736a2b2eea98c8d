package io.lifeboat.core.internal.format;

import io.lifeboat.core.Id;
import java.util.List;
import java.util.Objects;

/**
 * One entry of a directory: a file, a directory or a symbolic link, with its metadata.
 *
 * @param name      the entry's name (no slash)
 * @param type      what it is
 * @param mode      permission bits including setuid, setgid and sticky ({@code & 07777})
 * @param mtimeNanos modification time, nanoseconds since the epoch
 * @param ctimeNanos status-change time at backup, used only to detect changes
 * @param inode     inode number at backup, used only to detect changes
 * @param size      file size in bytes (the bytes stored); 0 for others
 * @param chunks    a file's content, in order; empty for others
 * @param subtree   a directory's tree id; null for others
 * @param target    a symlink's target; null for others
 */
public record Node(String name, NodeType type, int mode, long uid, long gid, long mtimeNanos, long ctimeNanos,
                   long inode, long size, List<Id> chunks, Id subtree, String target) {
    public Node {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (name.isEmpty() || name.indexOf('/') >= 0 || name.equals(".") || name.equals("..") || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("invalid entry name '" + name + "'");
        }
        chunks = List.copyOf(chunks);
        switch (type) {
            case FILE -> require(subtree == null && target == null, name, "a file has no subtree or target");
            case DIR -> require(subtree != null && target == null && chunks.isEmpty(), name, "a directory has a subtree only");
            case SYMLINK -> require(target != null && subtree == null && chunks.isEmpty(), name, "a symlink has a target only");
            default -> throw new IllegalArgumentException("unknown type");
        }
        if (size < 0 || uid < 0 || gid < 0 || inode < 0) {
            throw new IllegalArgumentException("negative size, uid, gid or inode for '" + name + "'");
        }
    }

    private static void require(boolean ok, String name, String message) {
        if (!ok) {
            throw new IllegalArgumentException("'" + name + "': " + message);
        }
    }

    public Node withName(String newName) {
        return new Node(newName, type, mode, uid, gid, mtimeNanos, ctimeNanos, inode, size, chunks, subtree, target);
    }

    public Node withSubtree(Id newSubtree) {
        return new Node(name, type, mode, uid, gid, mtimeNanos, ctimeNanos, inode, size, chunks, newSubtree, target);
    }

    public enum NodeType {
        FILE(0), DIR(1), SYMLINK(2);

        private final int code;

        NodeType(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        static NodeType ofCode(int code) throws CorruptObjectException {
            return switch (code) {
                case 0 -> FILE;
                case 1 -> DIR;
                case 2 -> SYMLINK;
                default -> throw new CorruptObjectException("unknown node type " + code);
            };
        }
    }
}
