package io.lifeboat.catalog;

import java.util.regex.Pattern;

/** What model, alias and recovery point names may look like. */
public final class Names {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    /** The reference that means "the newest live version" or "the newest recovery point". */
    public static final String LATEST = "latest";

    private Names() {}

    /**
     * A model name: 1 to 128 letters, digits, {@code . _ -}, starting with a letter or digit.
     *
     * @throws IllegalArgumentException naming the rule broken
     */
    public static String requireModel(String name) {
        return require("model name", name);
    }

    /** An alias: like a model name, but not all digits (that is a version) and not {@code latest}. */
    public static String requireAlias(String alias) {
        require("alias", alias);
        if (alias.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("alias '" + alias + "' is all digits, which would read as a version number");
        }
        if (alias.equals(LATEST)) {
            throw new IllegalArgumentException("'latest' is reserved (it means the newest version), so it cannot be an alias");
        }
        return alias;
    }

    /** A recovery point name: like a model name, and not {@code latest}. */
    public static String requireRecoveryPoint(String name) {
        require("recovery point name", name);
        if (name.equals(LATEST)) {
            throw new IllegalArgumentException("'latest' is reserved (it means the newest recovery point)");
        }
        return name;
    }

    private static String require(String what, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " '" + name + "' must be 1 to 128 letters, digits, '.', '_' or '-',"
                    + " starting with a letter or digit");
        }
        return name;
    }
}
