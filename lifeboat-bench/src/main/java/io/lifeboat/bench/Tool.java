package io.lifeboat.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How the whole-process benchmarks drive one backup tool: the command lines for a fresh
 * repository, a backup, a restore and a full data check, each with the tool's own
 * environment (repository, passphrase, cache directory under the benchmark's work directory,
 * so every round starts cold and nothing leaks into the user's home).
 */
abstract class Tool {
    static final String PASSPHRASE = "lifeboat-benchmark-passphrase";

    final String name;
    final Path repo;
    final Path cache;

    Tool(String name, Path work) {
        this.name = name;
        this.repo = work.resolve("repo-" + name);
        this.cache = work.resolve("cache-" + name);
    }

    abstract Map<String, String> env();

    abstract List<String> init();

    /** Backs up {@code path} as the snapshot (archive) called {@code snapshot}. */
    abstract List<String> backup(Path path, String snapshot);

    /** Restores {@code snapshot}, or only the file {@code onlyFile} of it, below {@code target}. */
    abstract List<String> restore(String snapshot, Path target, Path onlyFile);

    /** Verifies every stored byte. */
    abstract List<String> check();

    /** The working directory a restore must run in (borg extracts into its current directory). */
    Path restoreCwd(Path target) {
        return null;
    }

    Harness.Command command(String label, List<String> argv) {
        return command(label, argv, null);
    }

    Harness.Command command(String label, List<String> argv, Path cwd) {
        return new Harness.Command(label, argv, env(), cwd);
    }

    static Tool of(String name, Path work, Path lifeboat) {
        return switch (name) {
            case "lifeboat" -> new Lifeboat(work, lifeboat);
            case "restic" -> new Restic(work);
            case "borg" -> new Borg(work);
            default -> throw new IllegalArgumentException("unknown tool " + name + " (lifeboat, restic, borg)");
        };
    }

    /** Lifeboat through its launcher, with the launcher's default JVM settings. */
    static final class Lifeboat extends Tool {
        private final Path launcher;
        private final Path passwordFile;

        Lifeboat(Path work, Path launcher) {
            super("lifeboat", work);
            this.launcher = launcher;
            this.passwordFile = work.resolve("lifeboat-password");
        }

        Path passwordFile() {
            return passwordFile;
        }

        @Override
        Map<String, String> env() {
            // LIFEBOAT_NO_BUILD: the script built the distribution; a rebuild must never be timed.
            return Map.of("LIFEBOAT_REPO", repo.toString(), "LIFEBOAT_PASSWORD_FILE", passwordFile.toString(),
                    "LIFEBOAT_NO_BUILD", "1");
        }

        @Override
        List<String> init() {
            return List.of(launcher.toString(), "init", "--json");
        }

        @Override
        List<String> backup(Path path, String snapshot) {
            return List.of(launcher.toString(), "backup", "--json", path.toString());
        }

        @Override
        List<String> restore(String snapshot, Path target, Path onlyFile) {
            List<String> a = new ArrayList<>(List.of(launcher.toString(), "restore", "latest", "--json", "--target", target.toString()));
            if (onlyFile != null) {
                a.addAll(List.of("--include", onlyFile.toString()));
            }
            return a;
        }

        @Override
        List<String> check() {
            return List.of(launcher.toString(), "check", "--read-data", "--json");
        }
    }

    /** restic as Debian ships it: a version-2 repository, compression auto. */
    static final class Restic extends Tool {
        Restic(Path work) {
            super("restic", work);
        }

        @Override
        Map<String, String> env() {
            return Map.of("RESTIC_REPOSITORY", repo.toString(), "RESTIC_PASSWORD", PASSPHRASE, "RESTIC_CACHE_DIR",
                    cache.toString());
        }

        @Override
        List<String> init() {
            return List.of("restic", "init", "--repository-version", "2");
        }

        @Override
        List<String> backup(Path path, String snapshot) {
            return List.of("restic", "backup", "--compression", "auto", path.toString());
        }

        @Override
        List<String> restore(String snapshot, Path target, Path onlyFile) {
            List<String> a = new ArrayList<>(List.of("restic", "restore", "latest", "--target", target.toString()));
            if (onlyFile != null) {
                a.addAll(List.of("--include", onlyFile.toString()));
            }
            return a;
        }

        @Override
        List<String> check() {
            return List.of("restic", "check", "--read-data");
        }
    }

    /** borg as Debian ships it: repokey-blake2 encryption, zstd level 3. */
    static final class Borg extends Tool {
        Borg(Path work) {
            super("borg", work);
        }

        @Override
        Map<String, String> env() {
            // BORG_BASE_DIR holds borg's config, keys and chunk/files caches.
            return Map.of("BORG_REPO", repo.toString(), "BORG_PASSPHRASE", PASSPHRASE, "BORG_BASE_DIR", cache.toString());
        }

        @Override
        List<String> init() {
            return List.of("borg", "init", "--encryption", "repokey-blake2");
        }

        @Override
        List<String> backup(Path path, String snapshot) {
            return List.of("borg", "create", "--compression", "zstd,3", "::" + snapshot, path.toString());
        }

        @Override
        List<String> restore(String snapshot, Path target, Path onlyFile) {
            List<String> a = new ArrayList<>(List.of("borg", "extract", "::" + snapshot));
            if (onlyFile != null) {
                a.add(onlyFile.toString().substring(1)); // borg stores paths without the leading slash
            }
            return a;
        }

        @Override
        Path restoreCwd(Path target) {
            return target;
        }

        @Override
        List<String> check() {
            return List.of("borg", "check", "--verify-data");
        }
    }
}
