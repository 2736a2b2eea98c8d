package io.lifeboat.cli;

import io.lifeboat.dr.ReplicationRunner;
import io.lifeboat.dr.plan.Plan;
import io.lifeboat.dr.replicate.Replicator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "replicate", description = {"Copy to each secondary site the stored objects it lacks, byte for byte",
        "(encrypted; verified on arrival; packs before the indexes and snapshots that name them).",
        "A residency domain goes only to sites its jurisdictions allow; anything else is refused and audited."})
final class ReplicateCommand extends PlanCommandSupport {
    @Option(names = "--site", paramLabel = "NAME", description = "Replicate to this secondary site only.")
    String site;

    @Option(names = "--threads", paramLabel = "N", description = "Parallel copies (default: ${DEFAULT-VALUE}).")
    int threads = 8;

    @Option(names = "--limit", paramLabel = "MiB/s", description = "Bandwidth limit in MiB per second (default: none).")
    double limitMiB;

    @Option(names = {"-n", "--dry-run"}, description = "Show what would be copied; copy nothing.")
    boolean dryRun;

    ReplicateCommand(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() throws Exception {
        Plan plan = plan();
        if (site != null && plan.site(site).isEmpty()) {
            throw new UsageException("the plan has no site " + site);
        }
        if (limitMiB < 0) {
            throw new UsageException("--limit must be positive");
        }
        Replicator.Options options = Replicator.Options.defaults().withThreads(threads)
                .withBandwidth((long) (limitMiB * 1024 * 1024)).withDryRun(dryRun);
        ProgressListener progress = new ProgressListener();
        long start = System.nanoTime();
        List<ReplicationRunner.Copy> copies;
        try (Progress p = Progress.start(ctx, quiet || json, () -> progress.line(start))) {
            copies = new ReplicationRunner(plan, sites(), audit(plan), options).run(site, progress);
        }
        boolean failed = false;
        for (ReplicationRunner.Copy c : copies) {
            failed |= c.failed() != null;
        }
        if (json) {
            printJson(copies.stream().map(c -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("site", c.site());
                m.put("domain", c.domain());
                m.put("assets", c.assets());
                m.put("objectsCopied", c.result() == null ? 0 : c.result().totalCopied().objects());
                m.put("bytesCopied", c.result() == null ? 0 : c.result().totalCopied().bytes());
                m.put("refused", c.refused());
                m.put("failed", c.failed());
                return m;
            }).toList());
        } else {
            for (ReplicationRunner.Copy c : copies) {
                String what = c.refused() != null ? "REFUSED: " + c.refused()
                        : c.failed() != null ? "FAILED: " + c.failed()
                        : (dryRun ? "would copy " : "copied ") + c.result().totalCopied().objects() + " objects, "
                        + Format.bytes(c.result().totalCopied().bytes());
                ctx.out().printf("%-16s %-8s %s%n", c.site(), c.domain(), what);
            }
            if (copies.isEmpty()) {
                info("nothing to replicate: no asset names " + (site == null ? "a secondary site" : site) + " in replicate-to");
            }
        }
        return failed ? ExitCodes.FAILURE : ExitCodes.OK;
    }

    /** Counts what the copy threads store, for the progress line. */
    private static final class ProgressListener implements Replicator.Listener {
        private final java.util.concurrent.atomic.AtomicLong objects = new java.util.concurrent.atomic.AtomicLong();
        private final java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();
        private volatile long totalObjects;
        private volatile long totalBytes;

        @Override
        public void started(Replicator.Lag plan) {
            totalObjects += plan.total().objects();
            totalBytes += plan.total().bytes();
        }

        @Override
        public void copied(String name, long size) {
            objects.incrementAndGet();
            bytes.addAndGet(size);
        }

        String line(long start) {
            java.time.Duration d = java.time.Duration.ofNanos(System.nanoTime() - start);
            return String.format("[%s] %d/%d objects, %s of %s copied (%s)", Format.duration(d), objects.get(), totalObjects,
                    Format.bytes(bytes.get()), Format.bytes(totalBytes), Format.rate(bytes.get(), d));
        }
    }
}
