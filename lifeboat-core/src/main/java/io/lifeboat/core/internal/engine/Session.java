package io.lifeboat.core.internal.engine;

import io.lifeboat.core.Id;
import io.lifeboat.core.Repository;
import io.lifeboat.core.internal.format.MaintenanceJson;
import io.lifeboat.core.internal.format.MaintenanceJson.SessionMarker;
import io.lifeboat.core.storage.NoSuchBlobException;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A running backup or prune, announced to other processes by a marker object under
 * {@code sessions/} (format section 18.1). The marker is rewritten every
 * {@link #REFRESH} so that a prune can tell a session that is alive from one that died
 * without removing its marker; it is removed when the session ends.
 *
 * <p>A backup's marker is what keeps a prune from deleting data the backup may have
 * decided to reuse before the prune's plan existed. Should the backup fail to refresh it
 * for {@link #FENCE} (storage unreachable, the machine suspended), a prune may already
 * have judged it dead, so the backup refuses to commit ({@link #ensureAlive}).
 */
public final class Session implements AutoCloseable {
    /** How often a marker is rewritten. */
    public static final Duration REFRESH = Duration.ofMinutes(5);
    /** A marker not rewritten for this long (plus the allowed clock skew) belongs to a dead session. */
    public static final Duration TIMEOUT = Duration.ofHours(1);
    /** A session whose marker is this old refuses to commit: well inside {@link #TIMEOUT}. */
    public static final Duration FENCE = TIMEOUT.dividedBy(2);
    /** How often the background timer looks whether a refresh is due. */
    private static final long TICK_SECONDS = 30;

    private final Repository repo;
    private final Clock clock;
    private final SessionMarker first;
    private Id marker;
    private Instant refreshed;
    private boolean closed;
    /** Set when the marker went unrefreshed for longer than {@link #FENCE}: from then on the session cannot commit. */
    private Instant staleSince;
    private final ScheduledExecutorService timer;

    private Session(Repository repo, Clock clock, SessionMarker first, Id marker) {
        this.repo = repo;
        this.clock = clock;
        this.first = first;
        this.marker = marker;
        this.refreshed = first.refreshed();
        this.timer = Executors.newSingleThreadScheduledExecutor(Repository.daemonThreads("lifeboat-session"));
        timer.scheduleWithFixedDelay(() -> {
            try {
                refreshIfDue();
            } catch (IOException | RuntimeException e) {
                // Tried again at the next tick; ensureAlive() refuses to commit if it stays failing.
            }
        }, TICK_SECONDS, TICK_SECONDS, TimeUnit.SECONDS);
    }

    /** Stores the marker of a new session of {@code kind} ({@code backup}, {@code prune}) and keeps it fresh. */
    public static Session begin(Repository repo, String kind, String hostname, String username, Clock clock)
            throws IOException {
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        Instant now = clock.instant();
        SessionMarker m = new SessionMarker(null, HexFormat.of().formatHex(random), kind, hostname, username, now, now);
        Id id = repo.saveObject(Repository.SESSIONS, MaintenanceJson.encode(m));
        return new Session(repo, clock, m.withId(id), id);
    }

    /** The session's random id. */
    public String id() {
        return first.session();
    }

    /** When the session began, by this host's clock. */
    public Instant start() {
        return first.start();
    }

    /** Rewrites the marker if {@link #REFRESH} has passed since it was last written. */
    public synchronized void refreshIfDue() throws IOException {
        Instant now = clock.instant();
        if (closed || Duration.between(refreshed, now).compareTo(REFRESH) < 0) {
            return;
        }
        if (Duration.between(refreshed, now).compareTo(FENCE) > 0) {
            // A prune may have taken the session for dead meanwhile: a fresh marker must
            // not make it look as if it never stopped.
            staleSince = refreshed;
        }
        SessionMarker next = new SessionMarker(null, first.session(), first.kind(), first.hostname(), first.username(),
                first.start(), now);
        Id id = repo.saveObject(Repository.SESSIONS, MaintenanceJson.encode(next));
        Id old = marker;
        marker = id;
        refreshed = now;
        if (!old.equals(id)) {
            repo.store().delete(Repository.SESSIONS + "/" + old.hex());
        }
    }

    /**
     * Throws unless the marker was written within {@link #FENCE} and is still stored: past
     * that, a prune may have taken the session for dead and deleted data it relies on.
     */
    public synchronized void ensureAlive() throws IOException {
        Instant now = clock.instant();
        Instant stale = staleSince != null ? staleSince
                : Duration.between(refreshed, now).compareTo(FENCE) > 0 ? refreshed : null;
        if (stale != null) {
            throw new SessionExpiredException("the " + first.kind() + " could not refresh its session marker from "
                    + stale + " for more than " + FENCE.toMinutes() + " minutes; a prune may have taken it for dead,"
                    + " so nothing was committed. Run it again");
        }
        try {
            repo.store().stat(Repository.SESSIONS + "/" + marker.hex());
        } catch (NoSuchBlobException e) {
            throw new SessionExpiredException("the " + first.kind() + "'s session marker was removed (a prune took it"
                    + " for dead), so nothing was committed. Run it again");
        }
    }

    /** Removes the marker. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        timer.shutdownNow();
        repo.store().delete(Repository.SESSIONS + "/" + marker.hex());
    }

    /** A session ended without committing because its marker went stale. */
    public static final class SessionExpiredException extends IOException {
        SessionExpiredException(String message) {
            super(message);
        }
    }

    /**
     * The sessions announced in the repository: for each session, its most recently
     * refreshed marker (a crash between a refresh and the removal of the previous marker
     * leaves two).
     */
    public static List<SessionMarker> list(Repository repo) throws IOException {
        Map<String, SessionMarker> latest = new LinkedHashMap<>();
        for (SessionMarker m : repo.sessionMarkers(e -> { })) {
            latest.merge(m.session(), m, (a, b) -> a.refreshed().isAfter(b.refreshed()) ? a : b);
        }
        return List.copyOf(latest.values());
    }

    /** Whether a session whose latest marker is {@code m} counts as alive at {@code now}, clocks differing by up to {@code skew}. */
    public static boolean alive(SessionMarker m, Instant now, Duration skew) {
        return !m.refreshed().plus(TIMEOUT).plus(skew).isBefore(now);
    }
}
