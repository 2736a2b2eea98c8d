package io.lifeboat.cli;

import io.lifeboat.core.Repository;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.storage.BlobInfo;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "snapshots", description = {"List snapshots, oldest first.",
        "Soft-deleted ones ('forget') are left out; --deleted lists them instead, with when and why."})
final class SnapshotsCommand extends RepoCommand {
    @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "Only snapshots with this tag (repeatable: all must match).")
    List<String> tags = new ArrayList<>();

    @Option(names = "--asset", paramLabel = "NAME", description = "Only snapshots of this asset.")
    String asset;

    @Option(names = "--host", paramLabel = "NAME", description = "Only snapshots from this host.")
    String host;

    @Option(names = "--path", paramLabel = "PATH", description = "Only snapshots that include this path (repeatable).")
    List<String> paths = new ArrayList<>();

    @Option(names = "--deleted", description = "List the soft-deleted snapshots instead: 'undelete ID' brings one back.")
    boolean deleted;

    SnapshotsCommand(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() throws Exception {
        SortedMap<String, String> wanted = BackupCommand.parseTags(tags);
        try (Repository repository = openRepository()) {
            List<String> damaged = new ArrayList<>();
            if (deleted) {
                return listDeleted(repository, wanted, damaged);
            }
            List<Snapshot> shown = new ArrayList<>();
            for (Snapshot s : repository.snapshots(e -> damaged.add(e.getMessage()))) {
                if (matches(s, wanted)) {
                    shown.add(s);
                }
            }
            Map<String, Instant> locks = lockDates(repository);
            if (json) {
                List<Map<String, Object>> out = new ArrayList<>();
                for (Snapshot s : shown) {
                    Map<String, Object> o = toJson(s);
                    Instant until = locks.get(s.id().hex());
                    o.put("locked_until", until == null ? null : until.toString());
                    out.add(o);
                }
                printJson(out);
            } else {
                printTable(shown);
                if (!locks.isEmpty() && !shown.isEmpty()) {
                    Instant first = shown.stream().map(s -> locks.get(s.id().hex())).filter(Objects::nonNull)
                            .min(Comparator.naturalOrder()).orElse(null);
                    if (first != null) {
                        ctx.out().println("under a retention lock: the first of them unlocks at " + first
                                + " (--json gives each date)");
                    }
                }
            }
            for (String d : damaged) {
                ctx.err().println("damaged snapshot (not listed): " + d);
            }
            return damaged.isEmpty() ? ExitCodes.OK : ExitCodes.INTEGRITY;
        }
    }

    private int listDeleted(Repository repository, SortedMap<String, String> wanted, List<String> damaged)
            throws IOException {
        List<Repository.Deleted> shown = new ArrayList<>();
        for (Repository.Deleted d : repository.deletedSnapshots(e -> damaged.add(e.getMessage()))) {
            if (matches(d.snapshot(), wanted)) {
                shown.add(d);
            }
        }
        if (json) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Repository.Deleted d : shown) {
                Map<String, Object> o = toJson(d.snapshot());
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("time", d.tombstone().time().toString());
                t.put("hostname", d.tombstone().hostname());
                t.put("username", d.tombstone().username());
                t.put("reason", d.tombstone().reason());
                o.put("deleted", t);
                out.add(o);
            }
            printJson(out);
        } else {
            String fmt = "%-8s  %-19s  %-16s  %-12s  %-19s  %s%n";
            ctx.out().printf(fmt, "ID", "Time", "Host", "Asset", "Deleted", "Why");
            for (Repository.Deleted d : shown) {
                Snapshot s = d.snapshot();
                ctx.out().printf(fmt, s.id().shortHex(), Format.time(s.time()), s.hostname(), s.asset() == null ? "" : s.asset(),
                        Format.time(d.tombstone().time()), d.tombstone().reason());
            }
            ctx.out().println(shown.size() + " deleted snapshot" + (shown.size() == 1 ? "" : "s")
                    + (shown.isEmpty() ? "" : "; 'lifeboat undelete ID' brings one back until a prune removes it"));
        }
        for (String d : damaged) {
            ctx.err().println("damaged object (not listed): " + d);
        }
        return damaged.isEmpty() ? ExitCodes.OK : ExitCodes.INTEGRITY;
    }

    /** Snapshot id (hex) -> the date its object's retention lock ends, for snapshots locked now. */
    private Map<String, Instant> lockDates(Repository repository) throws IOException {
        Map<String, Instant> out = new HashMap<>();
        Instant now = ctx.clock().instant();
        for (BlobInfo b : repository.store().list(Repository.SNAPSHOTS + "/")) {
            if (b.lockedAt(now)) {
                out.put(b.name().substring(b.name().lastIndexOf('/') + 1), b.retainUntil());
            }
        }
        return out;
    }

    private boolean matches(Snapshot s, SortedMap<String, String> wanted) {
        for (Map.Entry<String, String> t : wanted.entrySet()) {
            if (!t.getValue().equals(s.tags().get(t.getKey()))) {
                return false;
            }
        }
        if (asset != null && !asset.equals(s.asset())) {
            return false;
        }
        if (host != null && !host.equals(s.hostname())) {
            return false;
        }
        for (String p : paths) {
            String abs = java.nio.file.Path.of(p).toAbsolutePath().normalize().toString();
            if (!s.paths().contains(abs) && !s.paths().contains(p)) {
                return false;
            }
        }
        return true;
    }

    static Map<String, Object> toJson(Snapshot s) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", s.id().hex());
        o.put("short_id", s.id().shortHex());
        o.put("time", s.time().toString());
        o.put("hostname", s.hostname());
        o.put("username", s.username());
        o.put("paths", s.paths());
        o.put("tags", s.tags());
        o.put("asset", s.asset());
        o.put("kind", s.kind());
        o.put("parent", s.parent() == null ? null : s.parent().hex());
        o.put("tree", s.tree().hex());
        o.put("program", s.program());
        o.put("summary", s.summary());
        return o;
    }

    private void printTable(List<Snapshot> shown) {
        String fmt = "%-8s  %-19s  %-16s  %-12s  %10s  %s%n";
        ctx.out().printf(fmt, "ID", "Time", "Host", "Asset", "Size", "Paths / Tags");
        for (Snapshot s : shown) {
            StringBuilder tagText = new StringBuilder();
            s.tags().forEach((k, v) -> tagText.append(tagText.isEmpty() ? "" : ",").append(v.isEmpty() ? k : k + "=" + v));
            String assetText = s.asset() == null ? "" : s.asset() + (s.kind() == null ? "" : " (" + s.kind() + ")");
            ctx.out().printf(fmt, s.id().shortHex(), Format.time(s.time()), s.hostname(), assetText,
                    Format.bytes(s.summary().totalBytes()),
                    String.join(" ", s.paths()) + (tagText.isEmpty() ? "" : "  [" + tagText + "]"));
        }
        ctx.out().println(shown.size() + " snapshot" + (shown.size() == 1 ? "" : "s"));
    }
}
