package io.lifeboat.cli;

import io.lifeboat.dr.PlanStatus;
import io.lifeboat.dr.plan.Plan;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

@Command(name = "status", description = {"For every asset and site: the newest recovery point, the age of its data (the",
        "achieved RPO) against the objective, and the replication lag in bytes and time.",
        "Exit code 1 when any objective is breached, for cron jobs and CI."})
final class PlanStatusCommand extends PlanCommandSupport {
    PlanStatusCommand(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() throws Exception {
        Plan plan = plan();
        List<PlanStatus.Row> rows = new PlanStatus(plan, sites(), ctx.clock()).rows();
        boolean breached = rows.stream().anyMatch(PlanStatus.Row::breached);
        if (json) {
            printJson(rows.stream().map(r -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("asset", r.asset());
                m.put("site", r.site());
                m.put("domain", r.domain());
                m.put("recoveryPoint", r.recoveryPoint() == null ? null : r.recoveryPoint().id().hex());
                m.put("dataTime", r.dataTime() == null ? null : r.dataTime().toString());
                m.put("ageSeconds", r.age() == null ? null : r.age().toSeconds());
                m.put("rpoSeconds", r.rpo().toSeconds());
                m.put("lagObjects", r.lagObjects());
                m.put("lagBytes", r.lagBytes());
                m.put("lagSeconds", r.lagTime() == null ? null : r.lagTime().toSeconds());
                m.put("breached", r.breached());
                m.put("note", r.note());
                return m;
            }).toList());
        } else {
            ctx.out().printf("%-20s %-12s %-8s %-10s %-8s %-18s %s%n", "ASSET", "SITE", "POINT", "AGE", "RPO", "LAG", "STATUS");
            for (PlanStatus.Row r : rows) {
                String lag = r.lagObjects() == 0 && (r.lagTime() == null || r.lagTime().isZero()) ? "-"
                        : Format.bytes(r.lagBytes()) + (r.lagTime() == null ? "" : " / " + age(r.lagTime()));
                ctx.out().printf("%-20s %-12s %-8s %-10s %-8s %-18s %s%n", r.asset(), r.site(),
                        r.recoveryPoint() == null ? "-" : r.recoveryPoint().id().shortHex(),
                        r.age() == null ? "-" : age(r.age()), age(r.rpo()), lag,
                        (r.breached() ? "BREACHED" : "ok") + (r.note() == null ? "" : " (" + r.note() + ")"));
            }
            long n = rows.stream().filter(PlanStatus.Row::breached).count();
            info(n == 0 ? "every objective is met" : n + " objective" + (n == 1 ? " is" : "s are") + " breached");
        }
        return breached ? ExitCodes.FAILURE : ExitCodes.OK;
    }

    static String age(Duration d) {
        long s = d.toSeconds();
        if (s < 120) {
            return s + "s";
        }
        if (s < 7200) {
            return s / 60 + "m";
        }
        if (s < 172800) {
            return s / 3600 + "h" + (s % 3600 / 60 == 0 ? "" : s % 3600 / 60 + "m");
        }
        return s / 86400 + "d";
    }
}
