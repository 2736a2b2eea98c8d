package io.lifeboat.dr.plan;

import io.lifeboat.dr.plan.Locations.Position;
import io.lifeboat.dr.plan.Problem.Severity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Collects the problems of one plan file, each once. Not thread-safe. */
final class Problems {
    private final Path file;
    private final Set<Problem> problems = new LinkedHashSet<>();

    Problems(Path file) {
        this.file = file;
    }

    void error(Position at, String message) {
        add(at, Severity.ERROR, message);
    }

    void warning(Position at, String message) {
        add(at, Severity.WARNING, message);
    }

    void add(Position at, Severity severity, String message) {
        problems.add(new Problem(file, at.line(), at.column(), severity, message));
    }

    boolean hasErrors() {
        return problems.stream().anyMatch(Problem::isError);
    }

    /** Every problem, in file order. */
    List<Problem> sorted() {
        List<Problem> out = new ArrayList<>(problems);
        out.sort(Problem.IN_FILE_ORDER);
        return List.copyOf(out);
    }
}
