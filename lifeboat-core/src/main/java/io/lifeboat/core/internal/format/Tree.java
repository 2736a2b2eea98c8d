package io.lifeboat.core.internal.format;

import io.lifeboat.core.Id;
import io.lifeboat.core.internal.format.Node.NodeType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A directory: its entries sorted by name (UTF-16 code unit order, i.e. {@link String#compareTo}),
 * no two with the same name. Stored as a TREE blob whose id is the keyed hash of its
 * encoding, so identical directories are stored once. Encoding:
 *
 * <pre>
 * u8 version(1) || uvarint count || count * node
 * node = string name || u8 type || uvarint mode || uvarint uid || uvarint gid
 *        || svarint mtimeNanos || svarint ctimeNanos || uvarint inode || uvarint size
 *        || ( FILE: uvarint n || n * chunk id[32] | DIR: subtree id[32] | SYMLINK: string target )
 * string = uvarint byteLength || UTF-8 bytes
 * </pre>
 */
public record Tree(List<Node> nodes) {
    static final int VERSION = 1;

    public Tree {
        nodes = List.copyOf(nodes);
        for (int i = 1; i < nodes.size(); i++) {
            if (nodes.get(i - 1).name().compareTo(nodes.get(i).name()) >= 0) {
                throw new IllegalArgumentException("tree entries not sorted or duplicated at '" + nodes.get(i).name() + "'");
            }
        }
    }

    /** A tree of the given nodes in any order. */
    public static Tree sorted(List<Node> nodes) {
        List<Node> copy = new ArrayList<>(nodes);
        copy.sort(Comparator.comparing(Node::name));
        return new Tree(copy);
    }

    /** The entry of that name, or null. */
    public Node find(String name) {
        int lo = 0;
        int hi = nodes.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = nodes.get(mid).name().compareTo(name);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return nodes.get(mid);
            }
        }
        return null;
    }

    public byte[] encode() {
        ByteWriter w = new ByteWriter(32 + nodes.size() * 96);
        w.u8(VERSION).uvarint(nodes.size());
        for (Node n : nodes) {
            w.string(n.name()).u8(n.type().code()).uvarint(n.mode()).uvarint(n.uid()).uvarint(n.gid())
                    .svarint(n.mtimeNanos()).svarint(n.ctimeNanos()).uvarint(n.inode()).uvarint(n.size());
            switch (n.type()) {
                case FILE -> {
                    w.uvarint(n.chunks().size());
                    for (Id c : n.chunks()) {
                        w.id(c);
                    }
                }
                case DIR -> w.id(n.subtree());
                case SYMLINK -> w.string(n.target());
            }
        }
        return w.toByteArray();
    }

    public static Tree decode(byte[] bytes) throws CorruptObjectException {
        ByteReader r = new ByteReader(bytes);
        int version = r.u8();
        if (version != VERSION) {
            throw new CorruptObjectException("unknown tree version " + version);
        }
        int count = r.uvarint(bytes.length);
        List<Node> nodes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            nodes.add(decodeNode(r));
        }
        r.expectEnd();
        try {
            return new Tree(nodes);
        } catch (IllegalArgumentException e) {
            throw new CorruptObjectException(e.getMessage());
        }
    }

    private static Node decodeNode(ByteReader r) throws CorruptObjectException {
        String name = r.string();
        NodeType type = NodeType.ofCode(r.u8());
        int mode = r.uvarint(07777);
        long uid = r.uvarint();
        long gid = r.uvarint();
        long mtime = r.svarint();
        long ctime = r.svarint();
        long inode = r.uvarint();
        long size = r.uvarint();
        List<Id> chunks = List.of();
        Id subtree = null;
        String target = null;
        switch (type) {
            case FILE -> {
                int n = r.uvarint(r.remaining() / Id.LENGTH);
                List<Id> ids = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    ids.add(r.id());
                }
                chunks = ids;
            }
            case DIR -> subtree = r.id();
            case SYMLINK -> target = r.string();
        }
        try {
            return new Node(name, type, mode, uid, gid, mtime, ctime, inode, size, chunks, subtree, target);
        } catch (IllegalArgumentException e) {
            throw new CorruptObjectException(e.getMessage());
        }
    }
}
