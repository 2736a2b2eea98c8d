package io.lifeboat.cli;

import io.lifeboat.core.Id;
import io.lifeboat.core.Repository;
import io.lifeboat.core.internal.engine.PruneEngine;
import io.lifeboat.core.retention.Within;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "prune", description = {
        "Free the space of data no snapshot needs, while backups keep running.",
        "Each run carries out the plans of earlier runs that are due, then plans what is unused now:",
        "space planned by one run is freed by a later one (run it daily), once every backup that",
        "was running when the plan was made has finished. Forgotten snapshots past the grace",
        "period go for good. Data under a retention lock is never deleted.",
        "Nothing is stored or deleted with --dry-run."})
final class PruneCommand extends RepoCommand {
    @Option(names = {"-n", "--dry-run"}, description = "Report what would be planned and freed; change nothing.")
    boolean dryRun;

    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "7d",
            description = "Forgotten snapshots stay recoverable (undelete) this long before prune removes them "
                    + "(default: ${DEFAULT-VALUE}; e.g. 0d, 7d, 2w, 1m; m = months).")
    String grace;

    @Option(names = "--max-waste", paramLabel = "PERCENT", defaultValue = "20",
            description = "Repack a pack when more than this share of it is unused (default: ${DEFAULT-VALUE}%%; 100 never repacks).")
    String maxWaste;

    @Option(names = "--max-clock-skew", paramLabel = "DURATION", defaultValue = "10min",
            description = "How far apart the clocks of the hosts using the repository may be (default: ${DEFAULT-VALUE}; "
                    + "e.g. 30s, 10min, 1h). A plan is carried out no sooner than this after it was made.")
    String maxClockSkew;

    PruneCommand(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() throws Exception {
        Clock clock = ctx.clock();
        PruneEngine.Options options = new PruneEngine.Options(graceDuration(clock.instant()), waste(), skew(), dryRun,
                hostname(), username(), clock);
        try (Repository repository = openRepository()) {
            PruneEngine.Report r = new PruneEngine(repository, options, what -> {
                if (!quiet && !json) {
                    ctx.err().println(what + " ...");
                }
            }).run();
            if (json) {
                printJson(toJson(r));
            } else {
                print(r);
            }
            return ExitCodes.OK;
        }
    }

    private Duration graceDuration(Instant now) {
        if (grace.matches("0+[ymwdh]?")) {
            return Duration.ZERO; // no grace: forgotten snapshots go at the next prune
        }
        try {
            return Duration.between(now, Within.parse(grace).after(now));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--grace: '" + grace + "' is not a duration like 7d, 2w, 1m (months) or 0d");
        }
    }

    private double waste() {
        String text = maxWaste.endsWith("%") ? maxWaste.substring(0, maxWaste.length() - 1) : maxWaste;
        try {
            double percent = Double.parseDouble(text);
            if (!(percent >= 0 && percent <= 100)) {
                throw new NumberFormatException();
            }
            return percent / 100;
        } catch (NumberFormatException e) {
            throw new UsageException("--max-waste: '" + maxWaste + "' is not a percentage from 0 to 100");
        }
    }

    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,9})(s|min|h)");

    private Duration skew() {
        Matcher m = SHORT_DURATION.matcher(maxClockSkew);
        if (!m.matches()) {
            throw new UsageException("--max-clock-skew: '" + maxClockSkew + "' is not a duration like 30s, 10min or 1h");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "min" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    private void print(PruneEngine.Report r) {
        String would = r.dryRun() ? "would be " : "";
        PruneEngine.Carried c = r.carried();
        if (c != null) {
            ctx.out().println("carried out " + c.plans().size() + " plan(s): " + c.packsDeleted() + " packs "
                    + would + "deleted, " + Format.bytes(c.bytesFreed()) + " freed"
                    + (c.snapshotsRemoved() > 0 ? ", " + c.snapshotsRemoved() + " forgotten snapshots removed for good" : "")
                    + (c.packsKept() > 0 ? "; " + c.packsKept() + " planned packs kept (backups that ran meanwhile use them)" : ""));
            if (c.indexFilesRewritten() > 0) {
                ctx.out().println("index: " + c.indexFilesRewritten() + " files " + would + "rewritten as "
                        + c.indexFilesWritten());
            }
        }
        for (PruneEngine.Waiting w : r.waiting()) {
            ctx.out().println("plan " + w.plan().shortHex() + " of " + Format.time(w.time()) + " waits: " + w.reason());
        }
        PruneEngine.Planned p = r.planned();
        if (p.packsToDelete() == 0 && p.snapshotsExpired() == 0) {
            ctx.out().println("nothing new to plan: no unused data" + (p.unusedBytesKept() > 0
                    ? " beyond " + Format.bytes(p.unusedBytesKept()) + " in packs below the waste threshold" : ""));
        } else {
            ctx.out().println((r.dryRun() ? "would plan: " : "planned " + p.plan().shortHex() + ": ") + p.packsToDelete()
                    + " packs to delete (" + p.packsRepacked() + " repacked, " + Format.bytes(p.bytesRepacked())
                    + " copied), " + p.snapshotsExpired() + " forgotten snapshots past the grace period; "
                    + Format.bytes(p.bytesToFree()) + " to free at the next prune after "
                    + Format.time(ctx.clock().instant().plus(skew())));
        }
        if (r.lockedPacks() > 0) {
            ctx.out().println(r.lockedPacks() + " unused packs (" + Format.bytes(r.lockedBytes())
                    + ") are under a retention lock and stay until at least " + Format.time(r.lockedUntil()));
        }
        for (String w : r.warnings()) {
            ctx.err().println("warning: " + w);
        }
    }

    private static Map<String, Object> toJson(PruneEngine.Report r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dry_run", r.dryRun());
        PruneEngine.Carried c = r.carried();
        if (c != null) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("plans", c.plans().stream().map(Id::hex).toList());
            m.put("packs_deleted", c.packsDeleted());
            m.put("bytes_freed", c.bytesFreed());
            m.put("packs_kept", c.packsKept());
            m.put("snapshots_removed", c.snapshotsRemoved());
            m.put("index_files_rewritten", c.indexFilesRewritten());
            m.put("index_files_written", c.indexFilesWritten());
            out.put("carried_out", m);
        } else {
            out.put("carried_out", null);
        }
        out.put("waiting", r.waiting().stream().map(w -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("plan", w.plan().hex());
            m.put("time", w.time().toString());
            m.put("reason", w.reason());
            return m;
        }).toList());
        PruneEngine.Planned p = r.planned();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("plan", p.plan() == null ? null : p.plan().hex());
        m.put("packs_to_delete", p.packsToDelete());
        m.put("bytes_to_free", p.bytesToFree());
        m.put("packs_repacked", p.packsRepacked());
        m.put("bytes_repacked", p.bytesRepacked());
        m.put("snapshots_expired", p.snapshotsExpired());
        m.put("unused_bytes_kept", p.unusedBytesKept());
        out.put("planned", m);
        out.put("locked_packs", r.lockedPacks());
        out.put("locked_bytes", r.lockedBytes());
        out.put("locked_until", r.lockedUntil() == null ? null : r.lockedUntil().toString());
        out.put("dead_sessions_removed", r.deadSessionsRemoved());
        out.put("warnings", r.warnings());
        return out;
    }
}
