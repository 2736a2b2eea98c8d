package io.lifeboat.cli;

import io.lifeboat.core.Repository;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.Tombstone;
import java.time.Clock;
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

    ForgetCommand(Context ctx) {
        super(ctx);
    }

    /** One snapshot's fate, for the report. */
    record Decision(Snapshot snapshot, boolean keep, List<String> reasons, String group) {}

    @Override
    public Integer call() throws Exception {
        if (refs.isEmpty()) {
            throw new UsageException("name the snapshots to forget, or give a policy (--keep-last N, --keep-daily N, ...)");
        }
        try (Repository repository = openRepository()) {
            List<Decision> decisions = new ArrayList<>();
            for (String ref : refs) {
                decisions.add(new Decision(repository.findSnapshot(ref), false, List.of("forget " + ref), ""));
            }
            return apply(repository, decisions);
        }
    }

    /** Stores a tombstone for every snapshot not kept (unless --dry-run) and reports every decision. */
    int apply(Repository repository, List<Decision> decisions) throws java.io.IOException {
        List<Map<String, Object>> report = new ArrayList<>();
        int forgotten = 0;
        for (Decision d : decisions) {
            Tombstone t = null;
            if (!d.keep() && !dryRun) {
                t = repository.forget(d.snapshot(), Clock.systemUTC().instant(), hostname(), username(),
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
