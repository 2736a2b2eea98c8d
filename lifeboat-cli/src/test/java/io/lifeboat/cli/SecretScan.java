package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/**
 * Secret values a test stored, and assertions that they show up nowhere else: not in a
 * command's stdout or stderr, not in a file, not in the repository's raw bytes. Each value
 * is looked for as it is and in the encodings a careless {@code --json} or log line would
 * use (hex, Base64).
 *
 * <p>Every command run through {@link #run} is remembered by its path in {@link Main}'s
 * command tree ({@code key list}, {@code asset list}), so a test can prove that it ran all
 * of them: {@link #notRun} lists what is left. To cover a new command, run it through
 * {@link #run} in {@code SecretsTest}.
 */
final class SecretScan {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    /** Each secret's name and the forms it is looked for in (latin-1 strings: one char per byte). */
    private final Map<String, List<String>> forms = new LinkedHashMap<>();
    private final Set<String> ran = new TreeSet<>();

    /** A distinctive random value, 40 characters that never occur by chance in any output. */
    static String randomValue() {
        StringBuilder b = new StringBuilder("lbs-");
        for (int i = 0; i < 36; i++) {
            b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }

    /** Adds a secret to look for; {@code name} only labels failures (the value is never printed by them). */
    SecretScan add(String name, String value) {
        byte[] raw = value.getBytes(StandardCharsets.UTF_8);
        List<String> f = new ArrayList<>();
        f.add(latin1(raw));
        f.add(HexFormat.of().formatHex(raw));
        f.add(HexFormat.of().withUpperCase().formatHex(raw));
        f.add(Base64.getEncoder().withoutPadding().encodeToString(raw));
        f.add(Base64.getUrlEncoder().withoutPadding().encodeToString(raw));
        forms.put(name, f);
        return this;
    }

    /** Runs a command with empty stdin, remembers it as run and asserts its output is clean. */
    Cli.Result run(Cli cli, String... args) {
        return clean(cli.run(args), args);
    }

    /** Runs a command reading {@code stdin}, remembers it as run and asserts its output is clean. */
    Cli.Result run(Cli cli, InputStream stdin, String... args) {
        return clean(cli.run(stdin, args), args);
    }

    private Cli.Result clean(Cli.Result r, String... args) {
        ran.add(commandPath(args));
        String what = "lifeboat " + String.join(" ", args);
        assertClean(r.out(), what + " (stdout)");
        assertClean(r.err(), what + " (stderr)");
        return r;
    }

    /** Asserts that {@code text} holds no secret in any form. */
    void assertClean(String text, String where) {
        assertCleanLatin1(latin1(text.getBytes(StandardCharsets.UTF_8)), where);
    }

    /** Asserts that {@code bytes} hold no secret in any form. */
    void assertClean(byte[] bytes, String where) {
        assertCleanLatin1(latin1(bytes), where);
    }

    private void assertCleanLatin1(String haystack, String where) {
        forms.forEach((name, list) -> {
            for (int i = 0; i < list.size(); i++) {
                // A plain boolean: AssertJ's own message would quote the value it found.
                boolean found = haystack.contains(list.get(i));
                assertThat(found).as("secret '%s' (form %d: %s) appears in %s", name, i, FORM_NAMES[i], where).isFalse();
            }
        });
    }

    private static final String[] FORM_NAMES = {"as is", "hex", "HEX", "Base64", "Base64 URL"};

    /**
     * Asserts that no regular file below {@code root} holds a secret, except {@code allowed}
     * (the source of a secret, a restored copy): log files, reports, caches and the
     * repository's own objects included.
     */
    void assertCleanFiles(Path root, Set<Path> allowed) {
        Set<Path> normalised = new TreeSet<>();
        allowed.forEach(p -> normalised.add(p.toAbsolutePath().normalize()));
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (!normalised.contains(f.toAbsolutePath().normalize())) {
                    assertClean(Files.readAllBytes(f), f.toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The commands (as paths such as {@code key list}) run through {@link #run} so far. */
    Set<String> ran() {
        return ran;
    }

    /** The commands of {@link Main} not yet run, less {@code exempt} (each with the reason it is exempt). */
    Set<String> notRun(Map<String, String> exempt) {
        Set<String> left = new TreeSet<>(commands(Main.class, "").keySet());
        left.removeAll(ran);
        left.removeAll(exempt.keySet());
        return left;
    }

    /** Every runnable command below {@code cls}: the leaves of the tree, by path. */
    private static Map<String, Class<?>> commands(Class<?> cls, String prefix) {
        Map<String, Class<?>> out = new TreeMap<>();
        for (Class<?> sub : subcommands(cls)) {
            String path = prefix + sub.getAnnotation(Command.class).name();
            if (sub.getAnnotation(Command.class).subcommands().length == 0) {
                out.put(path, sub);
            } else {
                out.putAll(commands(sub, path + " "));
            }
        }
        return out;
    }

    /** The subcommands of {@code cls}: Main registers its own at run time ({@link Main#SUBCOMMANDS}). */
    private static List<Class<?>> subcommands(Class<?> cls) {
        return cls == Main.class ? Main.SUBCOMMANDS : List.of(cls.getAnnotation(Command.class).subcommands());
    }

    /** The command an argument list runs: each word that names a subcommand of the one before. */
    static String commandPath(String... args) {
        List<String> path = new ArrayList<>();
        Class<?> at = Main.class;
        for (String a : args) {
            for (Class<?> sub : subcommands(at)) {
                if (sub.getAnnotation(Command.class).name().equals(a)) {
                    path.add(a);
                    at = sub;
                    break;
                }
            }
        }
        return String.join(" ", path);
    }

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
