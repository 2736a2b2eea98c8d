package io.lifeboat.catalog;

import io.lifeboat.catalog.CatalogEvent.AliasSet;
import io.lifeboat.catalog.CatalogEvent.RecoveryPointCreated;
import io.lifeboat.catalog.CatalogEvent.Registered;
import io.lifeboat.catalog.CatalogEvent.VersionDeleted;
import io.lifeboat.catalog.CatalogEvent.VersionUndeleted;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The catalog as it stood at one moment: the events up to that moment, applied in order
 * of time (then id). Immutable.
 *
 * <p>The rules of the fold: a version exists from its {@code register} event; if two
 * events register the same version (which claims prevent), the earlier one counts and the
 * other is reported in {@link #problems()}. An alias points where its latest {@code alias}
 * event says. A version is deleted between a {@code delete} and the next {@code undelete}.
 */
public final class RegistryView {
    private final Instant asOf;
    private final SortedMap<String, Model> models;
    private final List<RecoveryPoint> recoveryPoints;
    private final List<CatalogEvent.PlanApplied> plans;
    private final List<String> problems;

    /** One model: its versions (deleted ones included) and aliases. */
    public record Model(String name, SortedMap<Integer, ModelVersion> versions, SortedMap<String, Integer> aliases) {
        public Model {
            versions = Collections.unmodifiableSortedMap(new TreeMap<>(versions));
            aliases = Collections.unmodifiableSortedMap(new TreeMap<>(aliases));
        }

        /** The newest live version, if any. */
        public Optional<ModelVersion> latest() {
            List<ModelVersion> live = liveVersions();
            return live.isEmpty() ? Optional.empty() : Optional.of(live.get(live.size() - 1));
        }

        public List<ModelVersion> liveVersions() {
            return versions.values().stream().filter(ModelVersion::live).toList();
        }
    }

    private RegistryView(Instant asOf, SortedMap<String, Model> models, List<RecoveryPoint> recoveryPoints,
                         List<CatalogEvent.PlanApplied> plans, List<String> problems) {
        this.asOf = asOf;
        this.models = Collections.unmodifiableSortedMap(models);
        this.recoveryPoints = List.copyOf(recoveryPoints);
        this.plans = List.copyOf(plans);
        this.problems = List.copyOf(problems);
    }

    /**
     * Folds events (oldest first) up to and including {@code asOf}; null takes them all.
     *
     * @param unreadable events that could not be read, reported with the view's problems
     */
    public static RegistryView of(List<CatalogEvent> events, Instant asOf, List<String> unreadable) {
        Map<String, SortedMap<Integer, ModelVersion>> versions = new HashMap<>();
        Map<String, SortedMap<String, Integer>> aliases = new HashMap<>();
        List<RecoveryPoint> points = new ArrayList<>();
        List<CatalogEvent.PlanApplied> plans = new ArrayList<>();
        List<String> problems = new ArrayList<>(unreadable);
        for (CatalogEvent e : events) {
            if (asOf != null && e.time().isAfter(asOf)) {
                break;
            }
            switch (e) {
                case Registered r -> {
                    SortedMap<Integer, ModelVersion> vs = versions.computeIfAbsent(r.model(), m -> new TreeMap<>());
                    aliases.computeIfAbsent(r.model(), m -> new TreeMap<>());
                    if (vs.containsKey(r.version())) {
                        problems.add("version " + r.version() + " of " + r.model() + " is registered twice; event "
                                + e.id().shortHex() + " (" + r.time() + ") is ignored");
                    } else {
                        vs.put(r.version(), new ModelVersion(r.model(), r.version(), r.snapshot(), r.time(), r.who(),
                                r.metrics(), r.params(), r.lineage(), r.codeRev(), List.of(), null));
                    }
                }
                case AliasSet a -> aliases.computeIfAbsent(a.model(), m -> new TreeMap<>()).put(a.alias(), a.version());
                case VersionDeleted d -> versions.getOrDefault(d.model(), new TreeMap<>()).computeIfPresent(d.version(),
                        (k, v) -> withDeletion(v, new ModelVersion.Deletion(d.time(), d.who(), d.reason())));
                case VersionUndeleted u -> versions.getOrDefault(u.model(), new TreeMap<>()).computeIfPresent(u.version(),
                        (k, v) -> withDeletion(v, null));
                case CatalogEvent.PlanApplied pa -> plans.add(pa);
                case RecoveryPointCreated rp -> points.add(new RecoveryPoint(rp.id(), rp.name(), rp.time(), rp.who(),
                        rp.members(), rp.registry()));
            }
        }
        SortedMap<String, Model> models = new TreeMap<>();
        for (Map.Entry<String, SortedMap<String, Integer>> m : aliases.entrySet()) {
            SortedMap<Integer, ModelVersion> vs = versions.getOrDefault(m.getKey(), new TreeMap<>());
            SortedMap<Integer, ModelVersion> withAliases = new TreeMap<>();
            for (ModelVersion v : vs.values()) {
                List<String> names = m.getValue().entrySet().stream()
                        .filter(a -> a.getValue() == v.version()).map(Map.Entry::getKey).toList();
                withAliases.put(v.version(), new ModelVersion(v.model(), v.version(), v.snapshot(), v.registered(),
                        v.registeredBy(), v.metrics(), v.params(), v.lineage(), v.codeRev(), names, v.deleted()));
            }
            for (Map.Entry<String, Integer> a : m.getValue().entrySet()) {
                if (!withAliases.containsKey(a.getValue())) {
                    problems.add("alias " + a.getKey() + " of " + m.getKey() + " points at version " + a.getValue()
                            + ", which is not registered");
                }
            }
            models.put(m.getKey(), new Model(m.getKey(), withAliases, m.getValue()));
        }
        return new RegistryView(asOf, models, points, plans, problems);
    }

    private static ModelVersion withDeletion(ModelVersion v, ModelVersion.Deletion d) {
        return new ModelVersion(v.model(), v.version(), v.snapshot(), v.registered(), v.registeredBy(), v.metrics(),
                v.params(), v.lineage(), v.codeRev(), v.aliases(), d);
    }

    /** The moment this view shows, or null for "everything stored". */
    public Instant asOf() {
        return asOf;
    }

    public SortedMap<String, Model> models() {
        return models;
    }

    /** Recovery points recorded up to this moment, oldest first. */
    public List<RecoveryPoint> recoveryPoints() {
        return recoveryPoints;
    }

    /** The plans applied up to this moment, oldest first. */
    public List<CatalogEvent.PlanApplied> plans() {
        return plans;
    }

    /** Events that could not be read or did not fit (a version registered twice, an alias to nothing). */
    public List<String> problems() {
        return problems;
    }

    /** A model by name. */
    public Model model(String name) throws CatalogNotFoundException {
        Model m = models.get(name);
        if (m == null) {
            throw new CatalogNotFoundException("no model " + name + when());
        }
        return m;
    }

    /**
     * Resolves {@code NAME}, {@code NAME@VERSION}, {@code NAME@ALIAS} or {@code NAME@latest}
     * (a bare name means its newest live version). A deleted version is returned as it is,
     * marked deleted; callers decide what a deleted version allows.
     */
    public ModelVersion resolve(String ref) throws CatalogNotFoundException {
        int at = ref.indexOf('@');
        String name = at < 0 ? ref : ref.substring(0, at);
        String which = at < 0 ? Names.LATEST : ref.substring(at + 1);
        Model m = model(name);
        if (which.equals(Names.LATEST)) {
            return m.latest().orElseThrow(() -> new CatalogNotFoundException("model " + name + " has no live version"
                    + when()));
        }
        if (!which.isEmpty() && which.chars().allMatch(Character::isDigit)) {
            int v = parseVersion(which);
            ModelVersion mv = m.versions().get(v);
            if (mv == null) {
                throw new CatalogNotFoundException("model " + name + " has no version " + which + when()
                        + (m.versions().isEmpty() ? "" : " (versions " + m.versions().firstKey() + " to "
                        + m.versions().lastKey() + ")"));
            }
            return mv;
        }
        Integer v = m.aliases().get(which);
        if (v == null) {
            throw new CatalogNotFoundException("model " + name + " has no alias " + which + when()
                    + (m.aliases().isEmpty() ? "" : " (aliases: " + String.join(", ", m.aliases().keySet()) + ")"));
        }
        ModelVersion mv = m.versions().get(v);
        if (mv == null) {
            throw new CatalogNotFoundException("alias " + which + " of " + name + " points at version " + v
                    + ", which is not registered" + when());
        }
        return mv;
    }

    private static int parseVersion(String digits) throws CatalogNotFoundException {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new CatalogNotFoundException("version " + digits + " is out of range");
        }
    }

    /**
     * The newest recovery point named {@code name}, or the newest of all for {@code latest}.
     */
    public RecoveryPoint recoveryPoint(String name) throws CatalogNotFoundException {
        for (int i = recoveryPoints.size() - 1; i >= 0; i--) {
            RecoveryPoint rp = recoveryPoints.get(i);
            if (name.equals(Names.LATEST) || rp.name().equals(name)) {
                return rp;
            }
        }
        throw new CatalogNotFoundException(recoveryPoints.isEmpty() ? "no recovery points" + when()
                : "no recovery point " + name + when());
    }

    /** The version (live or deleted) whose artifacts are {@code snapshot}, if any. */
    public Optional<ModelVersion> versionOf(io.lifeboat.core.Id snapshot) {
        for (Model m : models.values()) {
            for (ModelVersion v : m.versions().values()) {
                if (v.snapshot().equals(snapshot)) {
                    return Optional.of(v);
                }
            }
        }
        return Optional.empty();
    }

    /** The registry's state for a recovery point: every model's aliases and live versions. */
    public List<RecoveryPoint.ModelState> state() {
        List<RecoveryPoint.ModelState> out = new ArrayList<>();
        for (Model m : models.values()) {
            SortedMap<Integer, io.lifeboat.core.Id> live = new TreeMap<>();
            for (ModelVersion v : m.liveVersions()) {
                live.put(v.version(), v.snapshot());
            }
            out.add(new RecoveryPoint.ModelState(m.name(), m.aliases(), live));
        }
        return out;
    }

    private String when() {
        return asOf == null ? "" : " as of " + asOf;
    }
}
