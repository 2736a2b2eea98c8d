package io.lifeboat.cli;

import io.lifeboat.core.Repository;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.SnapshotNotFoundException;
import io.lifeboat.core.Tombstone;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "undelete", description = {
        "Bring back a snapshot that 'forget' soft-deleted.",
        "Possible until a prune after the grace period removes it for good; see 'snapshots --deleted'."})
final class UndeleteCommand extends RepoCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "The snapshot: its id or a unique prefix of at least 4 hex digits.")
    String ref;

    UndeleteCommand(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() throws Exception {
        try (Repository repository = openRepository()) {
            Snapshot s = repository.findAnySnapshot(ref);
            List<Tombstone> removed = repository.undelete(s.id());
            if (removed.isEmpty()) {
                throw new SnapshotNotFoundException("snapshot " + s.id().shortHex() + " is not deleted");
            }
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("snapshot", s.id().hex());
                out.put("tombstones_removed", removed.stream().map(t -> t.id().hex()).toList());
                printJson(out);
            } else {
                ctx.out().println("snapshot " + s.id().shortHex() + " of " + Format.time(s.time()) + " is back (forgotten at "
                        + Format.time(removed.get(0).time()) + ")");
            }
            return ExitCodes.OK;
        }
    }
}
