package io.lifeboat.core.internal.format;

/** What a blob in a pack holds. Data and tree blobs live in separate packs. */
public enum BlobType {
    /** A chunk of file content. */
    DATA(0),
    /** An encoded directory ({@link Tree}). */
    TREE(1);

    private final int code;

    BlobType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static BlobType ofCode(int code) throws CorruptObjectException {
        return switch (code) {
            case 0 -> DATA;
            case 1 -> TREE;
            default -> throw new CorruptObjectException("unknown blob type " + code);
        };
    }
}
