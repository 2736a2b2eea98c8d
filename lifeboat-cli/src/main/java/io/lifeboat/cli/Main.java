package io.lifeboat.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lifeboat} command. */
@Command(name = "lifeboat", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
        versionProvider = Main.VersionProvider.class,
        description = "Disaster recovery for AI systems: encrypted, deduplicated snapshots of data, models and config.",
        footer = {"", "Exit codes: 0 ok, 1 failure, 2 bad usage or input, 3 repository locked,",
                "            10 damaged data found, 12 wrong passphrase."})
public final class Main implements Runnable {
    /**
     * The subcommands, in the order help lists them. They are registered by
     * {@link #addSubcommands}, not through {@code @Command(subcommands = ...)}: picocli
     * builds the model of every registered command (reflection over each option, an
     * annotation proxy per element), about 0.2 s of every start when all twenty are built.
     */
    static final java.util.List<Class<?>> SUBCOMMANDS = java.util.List.of(InitCommand.class, BackupCommand.class,
            SnapshotsCommand.class, LsCommand.class, RestoreCommand.class, CheckCommand.class, StatsCommand.class,
            KeyCommand.class, QuickstartCommand.class, ForgetCommand.class, UndeleteCommand.class, PruneCommand.class,
            RepairCommand.class, RetentionCommand.class, ModelCommand.class, RecoveryPointCommand.class,
            AssetCommand.class, PlanCommand.class, ProtectCommand.class, ReplicateCommand.class,
            CommandLine.HelpCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        io.lifeboat.core.internal.crypto.GcmProvider.preload(); // overlaps native crypto loading with start-up
        boolean interactive = System.console() != null;
        int code = run(System.out, System.err, System.getenv(), System.in, interactive, args);
        System.out.flush();
        System.exit(code);
    }

    /** Runs one command line; never calls {@code System.exit}. */
    public static int run(PrintStream out, PrintStream err, Map<String, String> env, InputStream in,
                          boolean interactive, String... args) {
        return run(out, err, env, in, interactive, java.time.Clock.systemUTC(), args);
    }

    /** Runs one command line at the time {@code clock} tells; never calls {@code System.exit}. */
    public static int run(PrintStream out, PrintStream err, Map<String, String> env, InputStream in,
                          boolean interactive, java.time.Clock clock, String... args) {
        Context ctx = new Context(out, err, env, in, interactive, clock);
        CommandLine cl = commandLine(ctx, args);
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("lifeboat: " + ex.getMessage());
            err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return ExitCodes.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            err.println("lifeboat: " + message(ex));
            if (env.get("LIFEBOAT_DEBUG") != null) {
                ex.printStackTrace(err);
            }
            return ExitCodes.of(ex);
        });
        return cl.execute(args);
    }

    /** The command line for {@code args}, its commands created with {@code ctx}. */
    static CommandLine commandLine(Context ctx, String... args) {
        CommandLine cl = new CommandLine(new Main(), new Factory(ctx));
        addSubcommands(cl, args);
        return cl;
    }

    /**
     * Registers the subcommand the first argument names; none for {@code --version} alone;
     * or all of them: for help, for no arguments, when the root's own options come first,
     * and for a name that matches none.
     */
    private static void addSubcommands(CommandLine cl, String... args) {
        if (args.length > 0 && java.util.Arrays.stream(args).allMatch(a -> a.equals("--version") || a.equals("-V"))) {
            return;
        }
        if (args.length > 0 && !args[0].startsWith("-")) {
            for (Class<?> c : SUBCOMMANDS) {
                Command command = c.getAnnotation(Command.class);
                if (!c.equals(CommandLine.HelpCommand.class)
                        && (command.name().equals(args[0]) || java.util.Arrays.asList(command.aliases()).contains(args[0]))) {
                    cl.addSubcommand(c);
                    return;
                }
            }
        }
        for (Class<?> c : SUBCOMMANDS) {
            cl.addSubcommand(c);
        }
    }

    static String message(Throwable t) {
        String m = t.getMessage();
        if (t instanceof java.nio.file.NoSuchFileException nsf) {
            return (nsf.getReason() == null ? "no such file or directory" : nsf.getReason()) + ": " + nsf.getFile();
        }
        if (t instanceof java.nio.file.AccessDeniedException ade) {
            return "permission denied: " + ade.getFile();
        }
        if (m == null || m.isBlank()) {
            return t.getClass().getSimpleName();
        }
        return m;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Gives commands the {@link Context} through their constructor. */
    private record Factory(Context ctx) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                return cls.getDeclaredConstructor(Context.class).newInstance(ctx);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"lifeboat " + io.lifeboat.core.internal.engine.Version.VERSION};
        }
    }
}
