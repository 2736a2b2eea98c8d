package io.lifeboat.cli;

import io.lifeboat.core.Repository;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.Tombstone;
import io.lifeboat.core.retention.GroupBy;
import io.lifeboat.core.retention.RetentionPolicy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "forget", description = {
        "Soft-delete snapshots: by id, or all that a retention policy does not keep.",
        "A forgotten snapshot is listed by 'snapshots --deleted' and comes back with 'undelete ID'",
        "until a prune after the grace period (7 days by default) removes it and its data for good.",
        "Nothing is stored or deleted with --dry-run."})
final class ForgetCommand extends RepoCommand {
    @Parameters(paramLabel = "ID", arity = "0..*", description = "Snapshots to forget: ids or unique prefixes of at least 4 hex digits.")
    List<String> refs = new ArrayList<>();

    @Option(names = {"-n", "--dry-run"}, description = "Show what would be forgotten, and why each snapshot is kept; change nothing.")
    boolean dryRun;

    @Option(names = "--keep-last", paramLabel = "N", description = "Keep the N newest snapshots of each group.")
    int keepLast;

    @Option(names = "--keep-hourly", paramLabel = "N", description = "Keep the newest snapshot of each of the N newest hours.")
    int keepHourly;

    @Option(names = "--keep-daily", paramLabel = "N", description = "Keep the newest snapshot of each of the N newest days.")
    int keepDaily;

    @Option(names = "--keep-weekly", paramLabel = "N", description = "Keep the newest snapshot of each of the N newest ISO weeks.")
    int keepWeekly;

    @Option(names = "--keep-monthly", paramLabel = "N", description = "Keep the newest snapshot of each of the N newest months.")
    int keepMonthly;

    @Option(names = "--keep-yearly", paramLabel = "N", description = "Keep the newest snapshot of each of the N newest years.")
    int keepYearly;

    @Option(names = "--keep-within", paramLabel = "DURATION",
            description = "Keep every snapshot less than DURATION older than the group's newest (e.g. 30d, 1y6m, 2w3d, 12h; m = months).")
    String keepWithin;

    @Option(names = "--keep-tag", paramLabel = "TAG", description = "Keep every snapshot with this tag: KEY or KEY=VALUE (repeatable).")
    List<String> keepTags = new ArrayList<>();

    @Option(names = "--group-by", paramLabel = "LIST",
            description = "Decide each group alone: a comma list of asset, host, paths (default: asset,host,paths; '' for one group).")
    String groupBy;

    @Option(names = "--asset", paramLabel = "NAME", description = "Apply the policy to this asset's snapshots only.")
    String asset;

    @Option(names = "--host", paramLabel = "NAME", description = "Apply the policy to this host's snapshots only.")
    String host;

    ForgetCommand(Context ctx) {
        super(ctx);
    }

    /** One snapshot's fate, for the report. */
    record Decision(Snapshot snapshot, boolean keep, List<String> reasons, String group) {}

    @Override
    public Integer call() throws Exception {
        boolean policyGiven = keepLast != 0 || keepHourly != 0 || keepDaily != 0 || keepWeekly != 0 || keepMonthly != 0
                || keepYearly != 0 || keepWithin != null || !keepTags.isEmpty();
        if (refs.isEmpty() == !policyGiven) {
            throw new UsageException(refs.isEmpty()
                    ? "name the snapshots to forget, or give a policy (--keep-last N, --keep-daily N, ...)"
                    : "give snapshot ids or a policy, not both");
        }
        if (!refs.isEmpty() && (groupBy != null || asset != null || host != null)) {
            throw new UsageException("--group-by, --asset and --host go with a policy, not with snapshot ids");
        }
        RetentionPolicy policy = policyGiven ? policy() : null; // checks the options before the repository opens
        try (Repository repository = openRepository()) {
            Map<io.lifeboat.core.Id, String> registered = registeredVersions(repository);
            List<Decision> decisions = new ArrayList<>();
            if (policy == null) {
                for (String ref : refs) {
                    Snapshot s = repository.findSnapshot(ref);
                    String why = registered.get(s.id());
                    if (why != null) {
                        throw new UsageException("snapshot " + s.id().shortHex() + " is kept for " + why + "; only the"
                                + " registry removes it ('lifeboat model delete NAME@VERSION'); nothing was forgotten");
                    }
                    Instant locked = repository.lockedUntil(s);
                    if (locked != null) { // refuse before forgetting any of them
                        throw new UsageException("snapshot " + s.id().shortHex() + " is under a retention lock until "
                                + locked + " and cannot be forgotten before then; nothing was forgotten");
                    }
                    decisions.add(new Decision(s, false, List.of("forget " + ref), ""));
                }
            } else {
                List<Snapshot> chosen = repository.snapshots().stream()
                        .filter(s -> (asset == null || asset.equals(s.asset())) && (host == null || host.equals(s.hostname())))
                        .toList();
                for (io.lifeboat.core.retention.Decision d : policy.apply(chosen, ZoneId.systemDefault())) {
                    String why = d.keep() ? null : registered.get(d.snapshot().id());
                    Instant locked = d.keep() || why != null ? null : repository.lockedUntil(d.snapshot());
                    if (why != null) {
                        decisions.add(new Decision(d.snapshot(), true, List.of(why), d.group().toString()));
                    } else {
                        decisions.add(locked == null ? new Decision(d.snapshot(), d.keep(), d.reasons(), d.group().toString())
                                : new Decision(d.snapshot(), true, List.of("retention lock until " + locked),
                                d.group().toString()));
                    }
                }
            }
            return apply(repository, decisions);
        }
    }

    /**
     * Snapshot -> why the model registry keeps it: the artifacts of every live version and
     * the datasets they were trained on. Only 'model delete' removes those, so that the
     * registry never names data a retention policy threw away.
     */
    private Map<io.lifeboat.core.Id, String> registeredVersions(Repository repository) throws java.io.IOException {
        return new io.lifeboat.catalog.ModelRegistry(repository, ctx.clock(), CatalogSupport.who(this)).protectedSnapshots();
    }

    private RetentionPolicy policy() {
        RetentionPolicy.Builder b = RetentionPolicy.builder().keepLast(keepLast).keepHourly(keepHourly).keepDaily(keepDaily)
                .keepWeekly(keepWeekly).keepMonthly(keepMonthly).keepYearly(keepYearly);
        if (keepWithin != null) {
            b.keepWithin(keepWithin);
        }
        keepTags.forEach(b::keepTag);
        if (groupBy != null) {
            b.groupBy(GroupBy.parse(groupBy));
        }
        return b.build();
    }

    /** Stores a tombstone for every snapshot not kept (unless --dry-run) and reports every decision. */
    int apply(Repository repository, List<Decision> decisions) throws java.io.IOException {
        List<Map<String, Object>> report = new ArrayList<>();
        int forgotten = 0;
        for (Decision d : decisions) {
            Tombstone t = null;
            if (!d.keep() && !dryRun) {
                t = repository.forget(d.snapshot(), ctx.clock().instant(), hostname(), username(),
                        String.join("; ", d.reasons()));
            }
            forgotten += d.keep() ? 0 : 1;
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("id", d.snapshot().id().hex());
                o.put("time", d.snapshot().time().toString());
                o.put("group", d.group());
                o.put("action", d.keep() ? "keep" : dryRun ? "would forget" : "forget");
                o.put("reasons", d.reasons());
                o.put("tombstone", t == null ? null : t.id().hex());
                report.add(o);
            } else {
                ctx.out().printf("%-13s %-8s  %-19s  %s%n", d.keep() ? "keep" : dryRun ? "would forget" : "forget",
                        d.snapshot().id().shortHex(), Format.time(d.snapshot().time()),
                        (d.group().isEmpty() ? "" : d.group() + ": ") + String.join(", ", d.reasons()));
            }
        }
        if (json) {
            printJson(report);
        } else {
            ctx.out().println((dryRun ? "would forget " : "forgot ") + forgotten + " snapshot" + (forgotten == 1 ? "" : "s")
                    + ", kept " + (decisions.size() - forgotten)
                    + (dryRun || forgotten == 0 ? "" : "; 'lifeboat undelete ID' brings one back until a prune removes it"));
        }
        return ExitCodes.OK;
    }
}
