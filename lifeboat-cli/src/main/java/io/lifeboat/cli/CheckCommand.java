package io.lifeboat.cli;

import io.lifeboat.core.BackupOptions;
import io.lifeboat.core.CheckOptions;
import io.lifeboat.core.CheckReport;
import io.lifeboat.core.Repository;
import io.lifeboat.core.internal.engine.CheckEngine;
import io.lifeboat.core.internal.engine.KeylessCheck;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "check", description = {"Verify the repository's structure; with --read-data, every stored byte.",
        "Exit code 10 when damage is found, naming the damaged objects and the files they affect."})
final class CheckCommand extends RepoCommand {
    @ArgGroup(exclusive = true)
    Depth depth = new Depth();

    static final class Depth {
        @Option(names = "--read-data", description = "Read and verify every pack.")
        boolean readData;

        @Option(names = "--read-data-subset", paramLabel = "N%", description = "Read and verify a random N%% of the packs.")
        String subset;
    }

    @Option(names = "--without-key", description = {"Check without the passphrase, as a replica or an auditor can:",
            "every object must hash to its name and every pack end in a valid trailer. Reads every pack",
            "(or the --read-data-subset share)."})
    boolean withoutKey;

    @Option(names = "--threads", paramLabel = "N", description = "Parallel pack readers (default: twice the cores, at most 16).")
    int threads = Math.min(16, 2 * BackupOptions.defaultThreads());

    CheckCommand(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() throws Exception {
        double percent = depth.subset == null ? 100 : parsePercent(depth.subset);
        boolean read = depth.readData || depth.subset != null;
        if (withoutKey) {
            try (var store = openStore()) {
                CheckReport r = new KeylessCheck(store, percent, threads).run();
                if (json) {
                    printJson(r);
                } else {
                    print(r, String.format("%d snapshots, %d packs (%d read), checked without the key", r.snapshots(),
                            r.packs(), r.packsRead()));
                }
                return r.ok() ? ExitCodes.OK : ExitCodes.INTEGRITY;
            }
        }
        try (Repository repository = openRepository()) {
            CheckReport r = new CheckEngine(repository, new CheckOptions(read, percent, threads)).run();
            if (json) {
                printJson(r);
            } else {
                print(r, String.format("%d snapshots, %d trees, %d blobs in %d packs%s", r.snapshots(), r.trees(),
                        r.blobs(), r.packs(), read ? " (" + r.packsRead() + " packs read)" : ""));
            }
            return r.ok() ? ExitCodes.OK : ExitCodes.INTEGRITY;
        }
    }

    static double parsePercent(String s) {
        String v = s.endsWith("%") ? s.substring(0, s.length() - 1) : s;
        try {
            double d = Double.parseDouble(v);
            if (d > 0 && d <= 100) {
                return d;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new UsageException("--read-data-subset takes a percentage above 0 and at most 100, like 10%: '" + s + "'");
    }

    private void print(CheckReport r, String what) {
        for (String i : r.infos()) {
            info("info: " + i);
        }
        for (String e : r.errors()) {
            ctx.err().println("error: " + e);
        }
        for (String f : r.damagedFiles()) {
            ctx.err().println("damaged file: " + f);
        }
        if (r.ok()) {
            ctx.out().println("no errors were found: " + what);
        } else {
            ctx.out().println(r.errors().size() + " error(s) found: " + what);
        }
    }
}
