package io.lifeboat.cli;

import io.lifeboat.catalog.Assets;
import io.lifeboat.core.Repository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "asset", description = "What the repository protects: assets, named by 'backup --asset NAME'.",
        subcommands = {AssetCommand.ListAssets.class})
final class AssetCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand: list");
    }

    @Command(name = "list", description = {"List every asset with its latest snapshot, that snapshot's size and its age.",
            "An asset's kind is its latest snapshot's. Forgotten snapshots are left out."})
    static final class ListAssets extends RepoCommand {
        @Option(names = "--kind", paramLabel = "KIND", description = "Only assets of this kind: dataset, model, checkpoint, config, secret, environment, registry.")
        String kind;

        ListAssets(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() throws Exception {
            if (kind != null && !Assets.KINDS.contains(kind)) {
                throw new UsageException("unknown asset kind '" + kind + "' (one of: " + String.join(", ", Assets.KINDS) + ")");
            }
            try (Repository repository = openRepository()) {
                List<String> damaged = new ArrayList<>();
                Assets assets = Assets.of(repository, e -> damaged.add(e.getMessage()));
                List<Assets.Asset> shown = kind == null ? assets.all() : assets.ofKind(kind);
                Instant now = ctx.clock().instant();
                if (json) {
                    printJson(shown.stream().map(a -> toJson(a, now)).toList());
                } else {
                    printTable(shown, assets.unassignedSnapshots(), now);
                }
                for (String w : assets.warnings()) {
                    ctx.err().println("warning: " + w);
                }
                for (String d : damaged) {
                    ctx.err().println("damaged snapshot (not counted; an asset's latest may be older than shown): " + d);
                }
                return damaged.isEmpty() ? ExitCodes.OK : ExitCodes.INTEGRITY;
            }
        }

        static Map<String, Object> toJson(Assets.Asset a, Instant now) {
            Map<String, Object> latest = new LinkedHashMap<>();
            latest.put("id", a.latestId().hex());
            latest.put("time", a.latestTime().toString());
            latest.put("bytes", a.latestBytes());
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", a.name());
            o.put("kind", a.kind());
            o.put("snapshots", a.snapshots());
            o.put("first", a.first().toString());
            o.put("latest", latest);
            o.put("ageSeconds", a.age(now).toSeconds());
            return o;
        }

        private void printTable(List<Assets.Asset> shown, int unassigned, Instant now) {
            String fmt = "%-20s  %-11s  %9s  %-28s  %10s  %s%n";
            ctx.out().printf(fmt, "NAME", "KIND", "SNAPSHOTS", "LATEST", "SIZE", "AGE");
            for (Assets.Asset a : shown) {
                ctx.out().printf(fmt, a.name(), a.kind() == null ? "-" : a.kind(), a.snapshots(),
                        a.latestId().shortHex() + " " + Format.time(a.latestTime()), Format.bytes(a.latestBytes()),
                        Format.age(a.age(now)));
            }
            ctx.out().println(shown.size() + " asset" + (shown.size() == 1 ? "" : "s")
                    + (kind == null ? "" : " of kind " + kind));
            if (unassigned > 0 && kind == null) {
                ctx.out().println(unassigned + " snapshot" + (unassigned == 1 ? " belongs" : "s belong")
                        + " to no asset (name one with 'backup --asset NAME')");
            }
        }
    }
}
