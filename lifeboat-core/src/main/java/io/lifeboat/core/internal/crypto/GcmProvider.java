package io.lifeboat.core.internal.crypto;

import java.security.Provider;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

/**
 * Chooses the AES-GCM implementation: BoringSSL through Conscrypt where its native library
 * loads (fast from the first byte), else the JDK's (fast only once the JIT has compiled its
 * intrinsics, which a short command may never reach: measured at 70 MB/s before and 5 GB/s
 * after). Both produce and accept identical bytes; the choice is invisible in the format.
 *
 * <p>Loading Conscrypt takes about 0.2 s, so it starts on a background thread as soon as
 * this class is touched ({@link #preload()}), overlapping the passphrase's key derivation.
 * Set the system property {@code lifeboat.crypto=jdk} (or {@code LIFEBOAT_CRYPTO=jdk}) to
 * use the JDK's implementation only.
 */
public final class GcmProvider {
    private static final CompletableFuture<Provider> NATIVE = CompletableFuture.supplyAsync(GcmProvider::load,
            Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "lifeboat-crypto-load");
                t.setDaemon(true);
                return t;
            }));

    private GcmProvider() {}

    /** Starts loading the native provider in the background, if it is not loading already. */
    public static void preload() {
        // Touching the class started it.
    }

    /** The native provider, or null to use the JDK's default. Waits for loading to finish. */
    static Provider get() {
        return NATIVE.join();
    }

    /** A name for messages and benchmarks: {@code conscrypt} or {@code jdk}. */
    public static String name() {
        return get() == null ? "jdk" : "conscrypt";
    }

    private static Provider load() {
        String choice = System.getProperty("lifeboat.crypto", System.getenv().getOrDefault("LIFEBOAT_CRYPTO", ""));
        if (choice.equalsIgnoreCase("jdk")) {
            return null;
        }
        try {
            Provider p = org.conscrypt.Conscrypt.newProvider();
            javax.crypto.Cipher.getInstance("AES/GCM/NoPadding", p); // fails here if GCM is unavailable
            return p;
        } catch (Throwable e) {
            // No native library for this platform (or it cannot be loaded): the JDK's GCM is correct, only slower.
            return null;
        }
    }
}
