package io.lifeboat.cli;

import io.lifeboat.dr.AuditLog;
import io.lifeboat.dr.SiteAccess;
import io.lifeboat.dr.plan.Plan;
import io.lifeboat.dr.plan.Site;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What the commands driven by a plan share: {@code --plan} (default {@code $LIFEBOAT_PLAN},
 * then {@code ./lifeboat.yaml}), reading and checking it, the audit trail, and opening the
 * sites' repositories with each site's passphrase ({@code password-file}, else the usual
 * sources).
 */
abstract class PlanCommandSupport extends RepoCommand {
    @Option(names = "--plan", paramLabel = "FILE", description = "The plan (default: $LIFEBOAT_PLAN, then ./lifeboat.yaml).")
    Path planFile;

    @Option(names = "--audit-log", paramLabel = "FILE",
            description = "Append the audit trail here (default: $LIFEBOAT_AUDIT_LOG, then lifeboat-audit.log beside the plan).")
    Path auditLog;

    @Mixin
    KdfOptions kdf = new KdfOptions();

    PlanCommandSupport(Context ctx) {
        super(ctx);
    }

    Path planPath() {
        return PlanFiles.path(ctx, planFile);
    }

    /**
     * The plan; one with errors is refused (exit 2), and the refusal goes to the audit trail
     * too, with every error: a plan that breaks residency is stopped here, before anything is
     * written, and the audit shows it was asked for.
     */
    Plan plan() throws IOException {
        Path file = planPath();
        io.lifeboat.dr.plan.PlanReader.Result r = PlanFiles.read(file);
        if (r.hasErrors()) {
            Path dir = file.toAbsolutePath().getParent();
            AuditLog trail = new AuditLog(auditFile(dir), ctx.clock(), CatalogSupport.who(this));
            trail.record("plan-refused", java.util.Map.of("plan", file.toString(), "command", spec.name(),
                    "errors", r.errors().stream().map(Object::toString).toList()));
        }
        return PlanFiles.load(ctx, file, r);
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private Path auditFile(Path planDir) {
        if (auditLog != null) {
            return auditLog;
        }
        if (ctx.env("LIFEBOAT_AUDIT_LOG") != null) {
            return Path.of(ctx.env("LIFEBOAT_AUDIT_LOG"));
        }
        return planDir.resolve("lifeboat-audit.log");
    }

    AuditLog audit(Plan plan) {
        Path dir = plan.file() == null ? Path.of(".") : plan.file().toAbsolutePath().getParent();
        return new AuditLog(auditFile(dir), ctx.clock(), CatalogSupport.who(this));
    }

    SiteAccess sites() {
        return new SiteAccess(ctx.env(), this::passphraseOf, kdf.params(), hostname(), username());
    }

    private char[] passphraseOf(Site site) throws IOException {
        return site.passwordFile() != null ? readPasswordFile(site.passwordFile()) : passphrase();
    }

    @Override
    protected String location() {
        return repo != null ? repo : "the plan's sites";
    }
}
