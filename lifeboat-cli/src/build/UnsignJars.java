import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Build step of the distribution (run by Maven as a single-file program after the runtime
 * libraries are copied to {@code target/lib}): rewrites every signed jar there without its
 * signature, and its manifest without the per-entry digests that only the signature used.
 *
 * <p>Why: the JVM verifies a signed jar on the class path as its classes load (the signature
 * block, then the SHA-256 of each class against the manifest's digests), and the
 * launcher's ahead-of-time cache leaves out every class of a signed jar. Conscrypt (AES-GCM,
 * in every command that opens a repository) is signed, as BouncyCastle was when Argon2 came
 * from it: {@code check --read-data} spent about 0.25 CPU seconds on the two, a repository
 * listing about 0.2 s of its 1.0 s. The signatures guard nothing here: whoever can change a
 * jar in the distribution can remove its signature too, and the JDK does not require
 * providers to be signed. The classes themselves are untouched.
 *
 * <p>Usage: {@code java UnsignJars.java DIR}. Jars without a signature are left alone, so
 * a second run changes nothing.
 */
public final class UnsignJars {
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: java UnsignJars.java DIR");
        }
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(Path.of(args[0]), "*.jar")) {
            for (Path jar : jars) {
                if (signed(jar)) {
                    unsign(jar);
                    System.out.println("unsigned " + jar.getFileName());
                }
            }
        }
    }

    /** Whether the jar has a signature file: {@code META-INF/*.SF}. */
    private static boolean signed(Path jar) throws IOException {
        try (JarFile f = new JarFile(jar.toFile(), false)) {
            for (Enumeration<JarEntry> e = f.entries(); e.hasMoreElements(); ) {
                if (isSignature(e.nextElement().getName())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Signature files: {@code META-INF/*.SF}, the signature blocks and {@code META-INF/SIG-*}. */
    private static boolean isSignature(String name) {
        if (!name.startsWith("META-INF/") || name.indexOf('/', "META-INF/".length()) >= 0) {
            return false;
        }
        String base = name.substring("META-INF/".length()).toUpperCase(java.util.Locale.ROOT);
        return base.endsWith(".SF") || base.endsWith(".RSA") || base.endsWith(".DSA") || base.endsWith(".EC")
                || base.startsWith("SIG-");
    }

    private static void unsign(Path jar) throws IOException {
        Path tmp = jar.resolveSibling(jar.getFileName() + ".unsigning");
        try (JarFile in = new JarFile(jar.toFile(), false);
                OutputStream file = Files.newOutputStream(tmp);
                JarOutputStream out = new JarOutputStream(file)) {
            Manifest manifest = in.getManifest();
            if (manifest != null) {
                out.putNextEntry(new JarEntry(JarFile.MANIFEST_NAME));
                withoutDigests(manifest).write(out);
                out.closeEntry();
            }
            for (Enumeration<JarEntry> e = in.entries(); e.hasMoreElements(); ) {
                JarEntry entry = e.nextElement();
                String name = entry.getName();
                if (isSignature(name) || name.equalsIgnoreCase(JarFile.MANIFEST_NAME)) {
                    continue;
                }
                JarEntry copy = new JarEntry(name);
                copy.setTime(entry.getTime());
                out.putNextEntry(copy);
                try (InputStream body = in.getInputStream(entry)) {
                    body.transferTo(out);
                }
                out.closeEntry();
            }
        }
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The manifest's main section, and each entry's section less its digests (dropped if nothing is left). */
    private static Manifest withoutDigests(Manifest manifest) {
        Manifest out = new Manifest();
        out.getMainAttributes().putAll(manifest.getMainAttributes());
        for (Map.Entry<String, Attributes> section : manifest.getEntries().entrySet()) {
            Attributes kept = new Attributes();
            section.getValue().forEach((k, v) -> {
                if (!k.toString().toUpperCase(java.util.Locale.ROOT).endsWith("-DIGEST")) {
                    kept.put(k, v);
                }
            });
            if (!kept.isEmpty()) {
                out.getEntries().put(section.getKey(), kept);
            }
        }
        return out;
    }
}
