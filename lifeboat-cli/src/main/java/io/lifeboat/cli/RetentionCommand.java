package io.lifeboat.cli;

import io.lifeboat.core.Repository;
import io.lifeboat.core.retention.Within;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "retention", description = "Show or raise the repository's retention lock (WORM).",
        subcommands = {RetentionCommand.Show.class, RetentionCommand.Raise.class})
final class RetentionCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand: show or raise");
    }

    private static void print(RepoCommand cmd, Repository repository) throws java.io.IOException {
        Within lock = repository.retentionLock();
        if (cmd.json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("retention_lock", lock == null ? null : lock.toString());
            o.put("objects_written_now_locked_until", repository.retainUntil() == null ? null : repository.retainUntil().toString());
            cmd.printJson(o);
        } else if (lock == null) {
            cmd.ctx.out().println("no retention lock: objects can be deleted (by prune, forget) at any time");
        } else {
            cmd.ctx.out().println("retention lock " + lock + ": an object written now is locked until " + repository.retainUntil());
        }
    }

    @Command(name = "show", description = "Show the retention lock in force.")
    static final class Show extends RepoCommand {
        Show(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() throws Exception {
            try (Repository repository = openRepository()) {
                print(this, repository);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "raise", description = {
            "Raise the retention lock for every object written from now on (only upward:",
            "a lock cannot be lowered or removed). Objects already written keep their dates."})
    static final class Raise extends RepoCommand {
        @Parameters(index = "0", paramLabel = "DURATION", description = "The new lock, longer than the one in force: 60d, 1y, ...")
        String duration;

        Raise(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() throws Exception {
            Within lock = Within.parse(duration);
            try (Repository repository = openRepository()) {
                repository.raiseRetentionLock(lock, ctx.clock().instant());
                print(this, repository);
            }
            return ExitCodes.OK;
        }
    }
}
