package io.lifeboat.cli;

import io.lifeboat.core.Repository;
import io.lifeboat.core.RepositoryConfig;
import io.lifeboat.core.RepositoryExistsException;
import io.lifeboat.core.retention.Within;
import io.lifeboat.core.storage.BlobStore;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "init", description = "Create a new, empty, encrypted repository.")
final class InitCommand extends RepoCommand {
    @Mixin
    KdfOptions kdf = new KdfOptions();

    @Option(names = "--pack-size", paramLabel = "MiB", description = "Target size of data packs (default: ${DEFAULT-VALUE}).")
    int packSizeMiB = RepositoryConfig.DEFAULT_PACK_SIZE / (1024 * 1024);

    @Option(names = "--retention-lock", paramLabel = "DURATION", description = {
            "Make every object immutable for DURATION after it is written (WORM), e.g. 30d, 1y:",
            "nothing can delete or forget it before then, not even with the passphrase."})
    String retentionLock;

    InitCommand(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() throws Exception {
        Repository.InitOptions options = Repository.InitOptions.defaults(hostname(), username())
                .withKdf(kdf.params()).withPackSize(Math.multiplyExact(packSizeMiB, 1024 * 1024))
                .withRetentionLock(retentionLock == null ? null : Within.parse(retentionLock));
        BlobStore store = createStore(retentionLock != null);
        if (Repository.exists(store)) {
            throw new RepositoryExistsException("a repository already exists at " + store.describe() + "; nothing was changed");
        }
        char[] pass = passphrase(true);
        try (Repository repository = Repository.init(store, pass, options)) {
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("id", repository.config().id());
                out.put("location", store.describe());
                out.put("version", repository.config().version());
                out.put("retention_lock", retentionLock == null ? null : repository.config().retentionLock().toString());
                printJson(out);
            } else {
                ctx.out().println("created repository " + repository.config().id().substring(0, 8) + " at " + store.describe()
                        + (retentionLock == null ? "" : ", every object locked for " + repository.config().retentionLock()
                        + " after it is written"));
                info("Keep the passphrase safe: without it the data cannot be read back.");
            }
        } finally {
            Arrays.fill(pass, '\0');
        }
        return ExitCodes.OK;
    }
}
