package io.lifeboat.catalog;

import io.lifeboat.catalog.CatalogEvent.AliasSet;
import io.lifeboat.catalog.CatalogEvent.Lineage;
import io.lifeboat.catalog.CatalogEvent.Registered;
import io.lifeboat.catalog.CatalogEvent.VersionDeleted;
import io.lifeboat.catalog.CatalogEvent.VersionUndeleted;
import io.lifeboat.catalog.internal.EventLog;
import io.lifeboat.core.BackupListener;
import io.lifeboat.core.BackupOptions;
import io.lifeboat.core.Id;
import io.lifeboat.core.IntegrityException;
import io.lifeboat.core.Repository;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.internal.engine.BackupEngine;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The model registry of one repository: reads it as of any moment and appends to it.
 * Safe for several writers at once, in one process or many: version numbers are claimed
 * ({@link EventLog#claim}), so concurrent registrations get distinct numbers; aliases and
 * deletions are ordered by time. Not thread-safe itself: use one instance per thread.
 */
public final class ModelRegistry {
    /** How many taken version numbers a registration steps over before it gives up. */
    static final int MAX_CLAIM_ATTEMPTS = 1000;
    /** How far ahead of this host's clock the newest event may be before views warn. */
    static final java.time.Duration MAX_CLOCK_AHEAD = java.time.Duration.ofMinutes(10);

    private final Repository repo;
    private final EventLog log;
    private final Clock clock;
    private final String who;
    /** The newest event time this registry has read or written: new events sort after it. */
    private Instant newestSeen = Instant.MIN;

    /**
     * @param who who writes, recorded in every event ({@code user@host})
     */
    public ModelRegistry(Repository repo, Clock clock, String who) {
        this.repo = repo;
        this.log = new EventLog(repo);
        this.clock = clock;
        this.who = who;
    }

    public Repository repository() {
        return repo;
    }

    /** The registry as it stands now (every stored event). */
    public RegistryView view() throws IOException {
        return view(null);
    }

    /** The registry as it stood at {@code asOf} (null: now). */
    public RegistryView view(Instant asOf) throws IOException {
        List<String> unreadable = new ArrayList<>();
        List<CatalogEvent> events = log.events(unreadable::add);
        if (!events.isEmpty()) {
            Instant newest = events.get(events.size() - 1).time();
            seen(newest);
            Instant now = clock.instant();
            if (newest.isAfter(now.plus(MAX_CLOCK_AHEAD))) {
                unreadable.add("the newest catalog event is dated " + newest + ", " + java.time.Duration.between(now, newest)
                        .toMinutes() + " minutes ahead of this host's clock: a writer's clock is wrong; new events are"
                        + " stamped after it, and --as-of times before it do not see them");
            }
        }
        return RegistryView.of(events, asOf, unreadable);
    }

    /**
     * The time for a new event: the clock's, or just after the newest event read or written
     * if the clock is behind it (another host's clock ahead of ours, or a clock too coarse to
     * tell two steps apart). So an event never sorts before one its writer acted on: a
     * deletion always follows the registration it deletes, whatever the clocks say.
     */
    Instant nextTime() {
        Instant now = clock.instant();
        Instant t = now.isAfter(newestSeen) ? now : newestSeen.plusNanos(1);
        seen(t);
        return t;
    }

    private void seen(Instant t) {
        if (t.isAfter(newestSeen)) {
            newestSeen = t;
        }
    }

    /** What a new version records besides its artifacts. */
    public record Registration(String model, SortedMap<String, Double> metrics, SortedMap<String, String> params,
                               String datasetRef, String codeRev, String alias) {
        public Registration {
            Names.requireModel(model);
            if (alias != null) {
                Names.requireAlias(alias);
            }
            metrics = new java.util.TreeMap<>(metrics);
            params = new java.util.TreeMap<>(params);
        }
    }

    /** A registered version and the snapshot that holds its artifacts. */
    public record RegisteredVersion(ModelVersion version, Snapshot snapshot) {}

    /**
     * Backs up the artifacts as a snapshot of asset {@code model} (kind {@code model}) and
     * registers it as the next version. The dataset is resolved before anything is stored,
     * so a wrong reference costs nothing.
     */
    public RegisteredVersion register(Registration r, BackupOptions artifacts, BackupListener listener) throws IOException {
        Lineage lineage = r.datasetRef() == null ? null : resolveDataset(r.datasetRef());
        BackupOptions withAsset = new BackupOptions(artifacts.paths(), artifacts.stdin(), artifacts.stdinName(),
                artifacts.excludes(), artifacts.tags(), r.model(), "model", artifacts.hostname(), artifacts.username(),
                artifacts.parent(), artifacts.threads(), artifacts.clock());
        Snapshot s = new BackupEngine(repo, withAsset, listener).run();
        return new RegisteredVersion(registerSnapshot(r, s.id(), lineage), s);
    }

    /**
     * Registers an existing snapshot as the next version of {@code r.model()}.
     *
     * @throws RegistryConflictException if other writers took {@value #MAX_CLAIM_ATTEMPTS}
     *         version numbers in a row
     */
    public ModelVersion registerSnapshot(Registration r, Id snapshot, Lineage lineage) throws IOException {
        RegistryView now = view();
        RegistryView.Model existing = now.models().get(r.model());
        int next = existing == null || existing.versions().isEmpty() ? 1 : existing.versions().lastKey() + 1;
        int attempts = 0;
        while (!log.claim(r.model(), next)) {
            if (++attempts >= MAX_CLAIM_ATTEMPTS) {
                throw new RegistryConflictException("could not claim a version number of " + r.model() + " after "
                        + attempts + " tries: other writers are registering versions of it; nothing was registered, "
                        + "try again");
            }
            next++;
        }
        log.append(new Registered(null, nextTime(), who, r.model(), next, snapshot, r.metrics(), r.params(), lineage, r.codeRev()));
        if (r.alias() != null) {
            RegistryView.Model m = view().model(r.model());
            log.append(new AliasSet(null, nextTime(), who, r.model(), r.alias(), next, m.aliases().getOrDefault(r.alias(), 0)));
        }
        return view().resolve(r.model() + "@" + next);
    }

    /**
     * Resolves a dataset reference: a snapshot id (or unique prefix), or {@code ASSET@latest}
     * / {@code ASSET@ID} for a snapshot of that asset.
     */
    public Lineage resolveDataset(String ref) throws IOException {
        Snapshot s = Assets.isAssetReference(ref) ? Assets.of(repo).resolve(ref) : repo.findSnapshot(ref);
        return new Lineage(s.id(), s.asset(), ref);
    }

    /**
     * Points {@code alias} at a live version.
     *
     * @return the version it pointed at before (0 if it is new)
     */
    public int alias(String model, String alias, int version) throws IOException {
        Names.requireAlias(alias);
        RegistryView.Model m = view().model(model);
        ModelVersion v = view().resolve(model + "@" + version);
        if (!v.live()) {
            throw new CatalogRefusedException(v.ref() + " is deleted; 'model undelete " + v.ref()
                    + "' brings it back before it can take an alias");
        }
        int previous = m.aliases().getOrDefault(alias, 0);
        log.append(new AliasSet(null, nextTime(), who, model, alias, version, previous));
        return previous;
    }

    /**
     * Soft-deletes a version: records the deletion, then forgets its snapshot, which a prune
     * removes once the grace period has passed. Until then {@link #undelete} brings it back,
     * and a view as of an earlier moment still shows it (and can restore it).
     *
     * @throws CatalogRefusedException if an alias points at it, or it is already deleted
     * @throws io.lifeboat.core.storage.ObjectLockedException if its snapshot is under a retention lock
     */
    public ModelVersion.Deletion delete(String model, int version, String reason) throws IOException {
        ModelVersion v = view().resolve(model + "@" + version);
        if (!v.live()) {
            throw new CatalogRefusedException(v.ref() + " is already deleted (since " + v.deleted().time() + ")");
        }
        if (!v.aliases().isEmpty()) {
            throw new CatalogRefusedException(v.ref() + " is aliased as " + String.join(", ", v.aliases())
                    + "; move the alias to another version first ('model alias " + model + " ALIAS VERSION')");
        }
        Snapshot s = snapshotOf(v);
        Instant locked = s == null ? null : repo.lockedUntil(s);
        if (locked != null) {
            throw new io.lifeboat.core.storage.ObjectLockedException(Repository.SNAPSHOTS + "/" + v.snapshot().hex(), locked);
        }
        Instant t = nextTime();
        // The event first: a crash before the snapshot is forgotten leaves its data kept, never a live version without data.
        log.append(new VersionDeleted(null, t, who, model, version, reason));
        if (s != null && !isForgotten(s.id())) {
            repo.forget(s, t, hostname(), username(), "model delete " + v.ref() + (reason == null || reason.isEmpty() ? "" : ": " + reason));
        }
        ModelVersion after = view().resolve(model + "@" + version);
        if (!after.aliases().isEmpty()) { // an alias moved onto it while we deleted: take the deletion back
            repo.undelete(v.snapshot());
            log.append(new VersionUndeleted(null, nextTime(), who, model, version));
            throw new CatalogRefusedException(v.ref() + " was aliased as " + String.join(", ", after.aliases())
                    + " while it was being deleted; it is kept");
        }
        return new ModelVersion.Deletion(t, who, reason == null ? "" : reason);
    }

    /**
     * Brings a soft-deleted version back, if a prune has not removed its snapshot yet.
     *
     * @throws CatalogRefusedException if it is live, or its snapshot is gone
     */
    public void undelete(String model, int version) throws IOException {
        ModelVersion v = view().resolve(model + "@" + version);
        if (v.live()) {
            throw new CatalogRefusedException(v.ref() + " is not deleted");
        }
        if (snapshotOf(v) == null) {
            throw new CatalogRefusedException(v.ref() + " cannot come back: a prune removed its snapshot "
                    + v.snapshot().shortHex() + " after the grace period");
        }
        // The snapshot first: a crash in between leaves a deleted version whose data is kept.
        repo.undelete(v.snapshot());
        log.append(new VersionUndeleted(null, nextTime(), who, model, version));
    }

    /** The version's snapshot, soft-deleted or not; null if a prune removed it. */
    Snapshot snapshotOf(ModelVersion v) throws IOException {
        try {
            return repo.loadSnapshot(v.snapshot());
        } catch (IntegrityException e) {
            if (e.getCause() instanceof io.lifeboat.core.storage.NoSuchBlobException) {
                return null;
            }
            throw e;
        }
    }

    private boolean isForgotten(Id snapshot) throws IOException {
        return repo.tombstones(e -> { }).stream().anyMatch(t -> t.snapshot().equals(snapshot));
    }

    private String hostname() {
        int at = who.lastIndexOf('@');
        return at < 0 ? "" : who.substring(at + 1);
    }

    private String username() {
        int at = who.lastIndexOf('@');
        return at < 0 ? who : who.substring(0, at);
    }

    /** Records that a protection plan with this text was applied now. */
    public CatalogEvent.PlanApplied recordPlan(String text) throws IOException {
        byte[] utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        view(); // so the event sorts after everything read
        return (CatalogEvent.PlanApplied) log.append(new CatalogEvent.PlanApplied(null, nextTime(), who,
                Id.sha256(utf8).hex(), text));
    }

    /**
     * Snapshots that only the registry may remove, with why: the artifacts of every live
     * version and the dataset each was trained on (its lineage). Retention policies and
     * {@code forget} leave them alone, so the registry never names data a policy threw away.
     */
    public Map<Id, String> protectedSnapshots() throws IOException {
        Map<Id, String> out = new java.util.HashMap<>();
        for (RegistryView.Model m : view().models().values()) {
            for (ModelVersion v : m.liveVersions()) {
                out.put(v.snapshot(), "registered model version " + v.ref());
                if (v.lineage() != null) {
                    out.putIfAbsent(v.lineage().datasetSnapshot(), "the dataset of model version " + v.ref());
                }
            }
        }
        return out;
    }

}
