package io.lifeboat.cli;

import io.lifeboat.dr.plan.Plan;
import io.lifeboat.dr.plan.PlanReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the plan file is and how commands read it: one rule for every command that takes --plan. */
final class PlanFiles {
    private PlanFiles() {}

    /** {@code --plan FILE}, else {@code $LIFEBOAT_PLAN}, else {@code lifeboat.yaml} in the working directory. */
    static Path path(Context ctx, Path option) {
        if (option != null) {
            return option;
        }
        String env = ctx.env("LIFEBOAT_PLAN");
        return Path.of(env != null ? env : "lifeboat.yaml");
    }

    /** Reads and checks the plan file, without probing storage. */
    static PlanReader.Result read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new UsageException("no plan file " + file + (Files.exists(file) ? " (not a file)" : "")
                    + ": give one with --plan or LIFEBOAT_PLAN");
        }
        return PlanReader.read(file);
    }

    /**
     * The plan, for commands that act on it: its warnings go to stderr, and a plan with errors
     * is refused (exit 2) after they are printed there too.
     */
    static Plan load(Context ctx, Path file) throws IOException {
        return load(ctx, file, read(file));
    }

    /** Like {@link #load(Context, Path)}, for a plan already read. */
    static Plan load(Context ctx, Path file, PlanReader.Result result) {
        result.problems().forEach(p -> ctx.err().println(p));
        if (result.hasErrors()) {
            long n = result.errors().size();
            throw new UsageException(file + " has " + n + " error" + (n == 1 ? "" : "s")
                    + "; 'lifeboat plan validate' lists them");
        }
        return result.plan();
    }
}
