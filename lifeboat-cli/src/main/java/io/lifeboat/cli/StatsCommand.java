package io.lifeboat.cli;

import io.lifeboat.core.Repository;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.internal.format.BlobType;
import io.lifeboat.core.internal.format.PackEntry;
import io.lifeboat.core.storage.BlobInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;

@Command(name = "stats", description = "Show how much the snapshots hold and how little is stored.")
final class StatsCommand extends RepoCommand {
    StatsCommand(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() throws Exception {
        try (Repository repository = openRepository()) {
            loadIndex(repository);
            long logical = 0;
            int snapshots = 0;
            for (Snapshot s : repository.snapshots()) {
                logical += s.summary().totalBytes();
                snapshots++;
            }
            long unique = 0;
            long blobBytes = 0;
            long blobs = 0;
            for (PackEntry e : repository.index().all()) {
                if (e.type() == BlobType.DATA) {
                    unique += e.rawLength();
                    blobBytes += e.length();
                    blobs++;
                }
            }
            long stored = 0;
            long objects = 0;
            for (BlobInfo b : repository.store().list("")) {
                stored += b.size();
                objects++;
            }
            double dedup = unique == 0 ? 1 : (double) logical / unique;
            double compression = blobBytes == 0 ? 1 : (double) unique / blobBytes;
            double overall = stored == 0 ? 1 : (double) logical / stored;
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("snapshots", snapshots);
                out.put("logicalBytes", logical);
                out.put("uniqueBytes", unique);
                out.put("storedBytes", stored);
                out.put("dataBlobs", blobs);
                out.put("objects", objects);
                out.put("dedupRatio", dedup);
                out.put("compressionRatio", compression);
                out.put("overallRatio", overall);
                printJson(out);
            } else {
                ctx.out().printf("Snapshots:          %d%n", snapshots);
                ctx.out().printf("Raw data:           %s (all snapshots, as restored)%n", Format.bytes(logical));
                ctx.out().printf("Unique data:        %s in %d chunks%n", Format.bytes(unique), blobs);
                ctx.out().printf("Stored:             %s in %d objects%n", Format.bytes(stored), objects);
                ctx.out().printf("Dedup ratio:        %s%n", Format.ratio(dedup));
                ctx.out().printf("Compression ratio:  %s%n", Format.ratio(compression));
                ctx.out().printf("Overall:            %s%n", Format.ratio(overall));
            }
        }
        return ExitCodes.OK;
    }
}
