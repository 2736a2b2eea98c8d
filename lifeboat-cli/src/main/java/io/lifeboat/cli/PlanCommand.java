package io.lifeboat.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.dr.plan.Plan;
import io.lifeboat.dr.plan.PlanReader;
import io.lifeboat.dr.plan.PlanSchema;
import io.lifeboat.dr.plan.PlanValidator;
import io.lifeboat.dr.plan.Problem;
import io.lifeboat.dr.plan.RepositoryProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lifeboat plan}: the protection plan ({@code lifeboat.yaml}, docs/plan.md). Each
 * subcommand is a nested class; those that read the plan extend {@link PlanSubcommand}.
 */
@Command(name = "plan", description = "The protection plan (lifeboat.yaml): validate it, print its JSON Schema, see its status and drift.",
        subcommands = {PlanCommand.Validate.class, PlanCommand.Schema.class, PlanStatusCommand.class,
                PlanDriftCommand.class})
final class PlanCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: "
                + String.join(", ", spec.subcommands().keySet()));
    }

    /**
     * A subcommand that reads the plan: {@code --plan FILE}, else {@code $LIFEBOAT_PLAN},
     * else {@code lifeboat.yaml} in the working directory; and {@code --json}.
     */
    abstract static class PlanSubcommand implements Callable<Integer> {
        static final ObjectMapper JSON = new ObjectMapper();

        protected final Context ctx;

        @Option(names = "--plan", paramLabel = "FILE",
                description = "The plan file (default: $LIFEBOAT_PLAN, then lifeboat.yaml in the working directory).")
        Path plan;

        @Option(names = "--json", description = "Print results as JSON.")
        boolean json;

        PlanSubcommand(Context ctx) {
            this.ctx = ctx;
        }

        /** The plan file as the user named it. */
        Path planFile() {
            return PlanFiles.path(ctx, plan);
        }

        /** Reads and checks the plan file, without probing storage. */
        PlanReader.Result readPlan() throws IOException {
            return PlanFiles.read(planFile());
        }

        protected void printJson(Object value) throws IOException {
            ctx.out().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value));
        }

        static String count(long n, String noun) {
            return n + " " + noun + (n == 1 ? "" : "s");
        }
    }

    @Command(name = "validate", description = {
            "Check the plan: its YAML, every key and value, the rules between them (one primary site, replication"
                    + " targets inside each asset's residency, an RPO its schedule can meet, ...), and that each"
                    + " site's storage can be reached from here.",
            "Prints every problem as FILE:LINE:COLUMN: error|warning: REASON, then a summary. Exit code 2 if there is"
                    + " any error; warnings alone leave it 0."})
    static final class Validate extends PlanSubcommand {
        @Option(names = "--offline", description = "Check the file only: do not probe the sites' storage or password files.")
        boolean offline;

        Validate(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() throws Exception {
            PlanReader.Result result = readPlan();
            List<Problem> problems = new ArrayList<>(result.problems());
            boolean probed = !offline && result.plan() != null;
            if (probed) {
                problems.addAll(PlanValidator.probe(result.plan(), RepositoryProbe.storage(ctx.env())));
                problems.sort(Problem.IN_FILE_ORDER);
            }
            long errors = problems.stream().filter(Problem::isError).count();
            long warnings = problems.size() - errors;
            if (json) {
                printJson(report(result.plan(), problems, errors, warnings, probed));
            } else {
                problems.forEach(p -> ctx.out().println(p));
                ctx.out().println(summary(result.plan(), errors, warnings, probed));
            }
            return errors > 0 ? ExitCodes.USAGE : ExitCodes.OK;
        }

        private String summary(Plan plan, long errors, long warnings, boolean probed) {
            String file = planFile().toString();
            if (errors > 0) {
                return file + ": " + count(errors, "error") + (warnings > 0 ? ", " + count(warnings, "warning") : "");
            }
            return file + " is valid: " + count(plan.sites().size(), "site") + ", " + count(plan.assets().size(), "asset")
                    + (warnings > 0 ? ", " + count(warnings, "warning") : "")
                    + (probed ? "" : "; storage not probed (--offline)");
        }

        private Map<String, Object> report(Plan plan, List<Problem> problems, long errors, long warnings, boolean probed) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("file", planFile().toString());
            out.put("valid", errors == 0);
            out.put("errors", errors);
            out.put("warnings", warnings);
            if (plan != null && errors == 0) {
                out.put("sites", plan.sites().size());
                out.put("assets", plan.assets().size());
            }
            out.put("probed", probed);
            List<Map<String, Object>> list = new ArrayList<>();
            for (Problem p : problems) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("line", p.line());
                o.put("column", p.column());
                o.put("severity", p.severity().toString());
                o.put("message", p.message());
                list.add(o);
            }
            out.put("problems", list);
            return out;
        }
    }

    @Command(name = "schema", description = "Print the JSON Schema (draft 2020-12) of plan files, for editors"
            + " (docs/lifeboat.schema.json is a copy).")
    static final class Schema implements Callable<Integer> {
        private final Context ctx;

        Schema(Context ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            ctx.out().print(PlanSchema.jsonSchema());
            ctx.out().flush();
            return ExitCodes.OK;
        }
    }
}
