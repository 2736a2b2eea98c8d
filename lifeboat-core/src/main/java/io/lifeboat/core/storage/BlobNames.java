package io.lifeboat.core.storage;

/** Validation of blob names; see {@link BlobStore}. */
public final class BlobNames {
    private BlobNames() {}

    /**
     * Checks that {@code name} is a valid blob name: non-empty, at most 1024 characters,
     * of {@code [a-z0-9._-]} segments separated by single slashes, no segment {@code .}
     * or {@code ..}, no leading or trailing slash.
     *
     * @return the name
     * @throws IllegalArgumentException naming what is wrong
     */
    public static String validate(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("blob name is empty");
        }
        if (name.length() > 1024) {
            throw new IllegalArgumentException("blob name longer than 1024 characters");
        }
        int segmentStart = 0;
        for (int i = 0; i <= name.length(); i++) {
            char c = i < name.length() ? name.charAt(i) : '/';
            if (c == '/') {
                String segment = name.substring(segmentStart, i);
                if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                    throw new IllegalArgumentException("invalid blob name '" + name + "': bad segment '" + segment + "'");
                }
                segmentStart = i + 1;
            } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_')) {
                throw new IllegalArgumentException("invalid blob name '" + name + "': character '" + c + "'");
            }
        }
        return name;
    }

    /**
     * Checks a list prefix: empty, or a valid name optionally followed by a slash.
     */
    public static String validatePrefix(String prefix) {
        if (prefix.isEmpty()) {
            return prefix;
        }
        validate(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
        return prefix;
    }
}
