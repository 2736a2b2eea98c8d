package io.lifeboat.cli;

import io.lifeboat.catalog.RecoveryPoint;
import io.lifeboat.core.BackupOptions;
import io.lifeboat.dr.Protector;
import io.lifeboat.dr.plan.Plan;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "protect", description = {"Back up every asset of the plan that is due to the primary site, apply its",
        "retention, and record a recovery point. The primary's repositories are made on first use.",
        "An asset whose residency excludes the primary is refused and audited, never written."})
final class ProtectCommand extends PlanCommandSupport {
    @Option(names = "--force", description = "Back up every asset, due or not.")
    boolean force;

    @Option(names = "--asset", paramLabel = "NAME", description = "Protect only this asset (repeatable).")
    List<String> only = new ArrayList<>();

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads per stage (default: the number of cores, at most 8).")
    int threads = BackupOptions.defaultThreads();

    ProtectCommand(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() throws Exception {
        Plan plan = plan();
        for (String a : only) {
            if (plan.asset(a).isEmpty()) {
                throw new UsageException("the plan has no asset " + a);
            }
        }
        Protector.Report r = new Protector(plan, sites(), audit(plan), ctx.clock(), ZoneId.systemDefault(), ctx.env(),
                threads).run(force, Set.copyOf(only));
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("assets", r.outcomes().stream().map(o -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("asset", o.asset());
                m.put("domain", o.domain());
                m.put("action", o.action().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
                m.put("snapshot", o.snapshot() == null ? null : o.snapshot().id().hex());
                m.put("bytes", o.snapshot() == null ? null : o.snapshot().summary().totalBytes());
                m.put("forgotten", o.forgotten());
                m.put("message", o.message());
                return m;
            }).toList());
            Map<String, Object> points = new LinkedHashMap<>();
            r.recoveryPoints().forEach((d, rp) -> points.put(d, rp.id().hex()));
            out.put("recoveryPoints", points);
            printJson(out);
        } else {
            for (Protector.Outcome o : r.outcomes()) {
                String what = switch (o.action()) {
                    case BACKED_UP -> "backed up: snapshot " + o.snapshot().id().shortHex() + ", "
                            + Format.bytes(o.snapshot().summary().totalBytes())
                            + (o.forgotten() == 0 ? "" : "; retention forgot " + o.forgotten());
                    case NOT_DUE -> o.message();
                    case REFUSED -> "REFUSED: " + o.message();
                    case FAILED -> "FAILED: " + o.message();
                    case REGISTRY -> o.message();
                };
                ctx.out().printf("%-24s %-8s %s%n", o.asset(), o.domain(), what);
            }
            for (Map.Entry<String, RecoveryPoint> e : r.recoveryPoints().entrySet()) {
                info("recovery point " + e.getValue().id().shortHex() + " recorded in " + e.getKey() + " ("
                        + e.getValue().members().size() + " assets)");
            }
        }
        return r.failed() ? ExitCodes.FAILURE : ExitCodes.OK;
    }
}
