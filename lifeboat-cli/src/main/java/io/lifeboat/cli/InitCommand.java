package io.lifeboat.cli;

import io.lifeboat.core.Repository;
import io.lifeboat.core.RepositoryConfig;
import io.lifeboat.core.RepositoryExistsException;
import io.lifeboat.core.storage.local.LocalBlobStore;
import java.nio.file.Files;
import java.nio.file.Path;
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

    InitCommand(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() throws Exception {
        Path path = location();
        if (Files.exists(path) && !Files.isDirectory(path)) {
            throw new UsageException(path + " exists and is not a directory");
        }
        Repository.InitOptions options = Repository.InitOptions.defaults(hostname(), username())
                .withKdf(kdf.params()).withPackSize(Math.multiplyExact(packSizeMiB, 1024 * 1024));
        LocalBlobStore store = LocalBlobStore.create(path);
        if (Repository.exists(store)) {
            throw new RepositoryExistsException("a repository already exists at " + path + "; nothing was changed");
        }
        char[] pass = passphrase(true);
        try (Repository repository = Repository.init(store, pass, options)) {
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("id", repository.config().id());
                out.put("location", path.toString());
                out.put("version", repository.config().version());
                printJson(out);
            } else {
                ctx.out().println("created repository " + repository.config().id().substring(0, 8) + " at " + path);
                info("Keep the passphrase safe: without it the data cannot be read back.");
            }
        } finally {
            Arrays.fill(pass, '\0');
        }
        return ExitCodes.OK;
    }
}
