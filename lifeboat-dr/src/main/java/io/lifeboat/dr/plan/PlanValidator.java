package io.lifeboat.dr.plan;

import io.lifeboat.dr.plan.Locations.Position;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The checks of a plan that need this host's environment, after {@link PlanReader} has
 * checked the file itself: can each site's storage be reached, and can its password file be
 * read. {@code lifeboat plan validate --offline} skips them.
 */
public final class PlanValidator {
    private PlanValidator() {}

    /**
     * Probes every site at once, and reports each one that fails at its {@code repository}
     * line, with the backend's reason; and each {@code password-file} that cannot be read.
     *
     * @return the problems, in file order; empty if every site is reachable
     */
    public static List<Problem> probe(Plan plan, RepositoryProbe probe) {
        Problems problems = new Problems(plan.file());
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> checks = new ArrayList<>();
            for (Site site : plan.sites()) {
                checks.add(pool.submit(() -> {
                    probe.check(site);
                    return null;
                }));
            }
            for (int i = 0; i < checks.size(); i++) {
                Site site = plan.sites().get(i);
                String reason = failure(checks.get(i));
                if (reason != null) {
                    problems.error(at(plan, i, "repository"), "site '" + site.name() + "': cannot reach its repository "
                            + site.repository() + ": " + reason);
                }
                if (site.passwordFile() != null && !Files.isReadable(site.passwordFile())) {
                    problems.error(at(plan, i, "password-file"), "site '" + site.name() + "': password file "
                            + site.passwordFile() + " does not exist or cannot be read");
                }
            }
        }
        return problems.sorted();
    }

    private static Position at(Plan plan, int site, String key) {
        return plan.locations().of("sites[" + site + "]." + key);
    }

    private static String failure(Future<?> check) {
        try {
            check.get();
            return null;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String m = cause.getMessage();
            return m == null || m.isBlank() ? cause.getClass().getSimpleName() : m;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
