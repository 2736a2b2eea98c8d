package io.lifeboat.cli;

import io.lifeboat.core.Repository;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.internal.format.Node;
import io.lifeboat.core.internal.format.Node.NodeType;
import io.lifeboat.core.internal.format.Tree;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "ls", description = "List the files in a snapshot.")
final class LsCommand extends RepoCommand {
    @Parameters(index = "0", paramLabel = "SNAPSHOT", description = "Snapshot id (or a unique prefix), 'latest', or an asset's NAME@latest or NAME@ID.")
    String snapshot;

    @Option(names = {"-l", "--long"}, description = "Show mode, owner, size and time.")
    boolean longFormat;

    LsCommand(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() throws Exception {
        try (Repository repository = openRepository()) {
            Snapshot s = findSnapshot(repository, snapshot).snapshot();
            loadIndex(repository);
            List<Map<String, Object>> entries = json ? new ArrayList<>() : null;
            walk(repository, repository.loadTree(s.tree()), "", entries);
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("snapshot", SnapshotsCommand.toJson(s));
                out.put("entries", entries);
                printJson(out);
            }
        }
        return ExitCodes.OK;
    }

    private void walk(Repository repository, Tree tree, String dir, List<Map<String, Object>> entries) throws IOException {
        for (Node n : tree.nodes()) {
            String path = dir + "/" + n.name();
            print(n, path, entries);
            if (n.type() == NodeType.DIR) {
                walk(repository, repository.loadTree(n.subtree()), path, entries);
            }
        }
    }

    private void print(Node n, String path, List<Map<String, Object>> entries) {
        Instant mtime = Instant.ofEpochSecond(Math.floorDiv(n.mtimeNanos(), 1_000_000_000L),
                Math.floorMod(n.mtimeNanos(), 1_000_000_000L));
        if (entries != null) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("path", path);
            o.put("type", n.type().name().toLowerCase(java.util.Locale.ROOT));
            o.put("mode", String.format("%04o", n.mode()));
            o.put("uid", n.uid());
            o.put("gid", n.gid());
            o.put("size", n.size());
            o.put("mtime", mtime.toString());
            if (n.target() != null) {
                o.put("target", n.target());
            }
            entries.add(o);
        } else if (longFormat) {
            ctx.out().printf("%s %5d %5d %12d %s %s%s%n", modeString(n), n.uid(), n.gid(), n.size(), Format.time(mtime),
                    path, n.target() == null ? "" : " -> " + n.target());
        } else {
            ctx.out().println(path);
        }
    }

    static String modeString(Node n) {
        char type = switch (n.type()) {
            case DIR -> 'd';
            case SYMLINK -> 'l';
            case FILE -> '-';
        };
        StringBuilder b = new StringBuilder().append(type);
        String rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            b.append((n.mode() & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
        }
        return b.toString();
    }
}
