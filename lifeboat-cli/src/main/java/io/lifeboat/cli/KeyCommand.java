package io.lifeboat.cli;

import io.lifeboat.core.Repository;
import java.io.Console;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "key", description = "Manage the passphrases (key slots) that open the repository.",
        subcommands = {KeyCommand.ListKeys.class, KeyCommand.Add.class, KeyCommand.Remove.class, KeyCommand.Passwd.class})
final class KeyCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand: list, add, remove or passwd");
    }

    /** A new passphrase from --new-password-file, LIFEBOAT_NEW_PASSWORD or two prompts. */
    abstract static class NewKeyCommand extends RepoCommand {
        @Option(names = "--new-password-file", paramLabel = "FILE", description = "Read the new passphrase from FILE (default: $LIFEBOAT_NEW_PASSWORD).")
        Path newPasswordFile;

        @Mixin
        KdfOptions kdf = new KdfOptions();

        NewKeyCommand(Context ctx) {
            super(ctx);
        }

        char[] newPassphrase() throws IOException {
            if (newPasswordFile != null) {
                return readPasswordFile(newPasswordFile);
            }
            String env = ctx.env("LIFEBOAT_NEW_PASSWORD");
            if (env != null) {
                return env.toCharArray();
            }
            Console console = ctx.interactive() ? System.console() : null;
            if (console != null) {
                char[] a = console.readPassword("New passphrase: ");
                char[] b = console.readPassword("Repeat it: ");
                if (a != null && a.length > 0 && Arrays.equals(a, b)) {
                    return a;
                }
                throw new UsageException("the passphrases were empty or did not match");
            }
            throw new UsageException("no new passphrase given: use --new-password-file or LIFEBOAT_NEW_PASSWORD");
        }

        String addKey(Repository repository) throws IOException {
            char[] pass = newPassphrase();
            try {
                return repository.addKey(pass, kdf.params(), hostname(), username(), ctx.clock());
            } finally {
                Arrays.fill(pass, '\0');
            }
        }
    }

    @Command(name = "list", description = "List key slots (never any key material).")
    static final class ListKeys extends RepoCommand {
        ListKeys(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() throws Exception {
            try (Repository repository = openRepository()) {
                List<Repository.KeyInfo> keys = repository.keys();
                if (json) {
                    List<Map<String, Object>> out = new ArrayList<>();
                    for (Repository.KeyInfo k : keys) {
                        Map<String, Object> o = new LinkedHashMap<>();
                        o.put("id", k.id());
                        if (k.damaged()) {
                            o.put("damaged", true);
                            out.add(o);
                            continue;
                        }
                        o.put("current", k.current());
                        o.put("created", k.created().toString());
                        o.put("hostname", k.hostname());
                        o.put("username", k.username());
                        o.put("kdf", Map.of("algorithm", "argon2id", "memoryKiB", k.kdf().memoryKiB(),
                                "iterations", k.kdf().iterations(), "parallelism", k.kdf().parallelism()));
                        out.add(o);
                    }
                    printJson(out);
                } else {
                    ctx.out().printf(" %-8s  %-19s  %-16s  %-10s  %s%n", "ID", "Created", "Host", "User", "KDF");
                    for (Repository.KeyInfo k : keys) {
                        if (k.damaged()) {
                            ctx.out().printf(" %-8s  (damaged key slot: unreadable; remove it with 'key remove')%n",
                                    k.id().substring(0, 8));
                            continue;
                        }
                        ctx.out().printf("%s%-8s  %-19s  %-16s  %-10s  argon2id m=%dMiB t=%d p=%d%n", k.current() ? "*" : " ",
                                k.id().substring(0, 8), Format.time(k.created()), k.hostname(), k.username(),
                                k.kdf().memoryKiB() / 1024, k.kdf().iterations(), k.kdf().parallelism());
                    }
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "add", description = "Add a passphrase that also opens the repository.")
    static final class Add extends NewKeyCommand {
        Add(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() throws Exception {
            try (Repository repository = openRepository()) {
                String id = addKey(repository);
                if (json) {
                    printJson(Map.of("id", id));
                } else {
                    ctx.out().println("added key " + id.substring(0, 8));
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "remove", description = "Remove a key slot; the last one cannot be removed.")
    static final class Remove extends RepoCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "Key id or a unique prefix.")
        String id;

        Remove(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() throws Exception {
            try (Repository repository = openRepository()) {
                String removed = repository.removeKey(id);
                if (json) {
                    printJson(Map.of("removed", removed));
                } else {
                    ctx.out().println("removed key " + removed.substring(0, 8));
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "passwd", description = "Change the passphrase: add a slot for the new one, then remove the current one.")
    static final class Passwd extends NewKeyCommand {
        Passwd(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() throws Exception {
            try (Repository repository = openRepository()) {
                String added = addKey(repository);
                repository.removeKey(repository.currentKeyId());
                if (json) {
                    printJson(Map.of("id", added));
                } else {
                    ctx.out().println("changed passphrase: new key " + added.substring(0, 8));
                }
            }
            return ExitCodes.OK;
        }
    }
}
