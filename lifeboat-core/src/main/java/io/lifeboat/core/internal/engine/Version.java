package io.lifeboat.core.internal.engine;

/** The program version written into snapshots. */
public final class Version {
    public static final String VERSION = readVersion();

    private Version() {}

    private static String readVersion() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-dev" : v;
    }
}
