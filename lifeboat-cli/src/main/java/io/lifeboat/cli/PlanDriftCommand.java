package io.lifeboat.cli;

import io.lifeboat.dr.PlanDrift;
import io.lifeboat.dr.plan.Plan;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

@Command(name = "drift", description = {"What differs between the plan's sites: snapshots and registry versions present",
        "at one and missing at another, aliases pointing differently, and plan settings changed",
        "since the last protect. Exit code 1 when anything differs."})
final class PlanDriftCommand extends PlanCommandSupport {
    PlanDriftCommand(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() throws Exception {
        Plan plan = plan();
        List<PlanDrift.Difference> diffs = new PlanDrift(plan, sites(), ctx.clock()).run(Files.readString(planPath()));
        if (json) {
            printJson(diffs.stream().map(d -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("kind", d.kind());
                m.put("domain", d.domain());
                m.put("site", d.site());
                m.put("subject", d.subject());
                m.put("detail", d.detail());
                return m;
            }).toList());
        } else {
            for (PlanDrift.Difference d : diffs) {
                ctx.out().println((d.domain() == null ? "" : d.domain() + ": ") + d.detail());
            }
            info(diffs.isEmpty() ? "no drift: every site holds what the primary holds, and the plan is as applied"
                    : diffs.size() + " difference" + (diffs.size() == 1 ? "" : "s"));
        }
        return diffs.isEmpty() ? ExitCodes.OK : ExitCodes.FAILURE;
    }
}
