package io.lifeboat.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.Id;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The fold of events into a registry view: its rules, alone. */
class RegistryViewTest {
    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private final List<CatalogEvent> events = new ArrayList<>();

    private static Id id(String s) {
        return Id.sha256(s.getBytes(StandardCharsets.UTF_8));
    }

    private Instant at(int minute) {
        return T0.plusSeconds(60L * minute);
    }

    private void add(CatalogEvent e) {
        events.add(e.withId(id("event" + events.size())));
    }

    private void register(int minute, String model, int version) {
        add(new CatalogEvent.Registered(null, at(minute), "w", model, version, id(model + version), new TreeMap<>(),
                new TreeMap<>(), null, null));
    }

    private RegistryView view(Integer minute) {
        List<CatalogEvent> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparing(CatalogEvent::time).thenComparing(e -> e.id().hex()));
        return RegistryView.of(sorted, minute == null ? null : at(minute), List.of());
    }

    @Test
    void aMomentIncludesEventsAtItAndNothingAfter() throws Exception {
        register(1, "m", 1);
        register(2, "m", 2);
        assertThat(view(0).models()).isEmpty();
        assertThat(view(1).model("m").versions()).containsOnlyKeys(1);
        assertThat(view(2).model("m").versions()).containsOnlyKeys(1, 2);
        assertThat(view(null).resolve("m").version()).isEqualTo(2);
    }

    @Test
    void deletionAndUndeletionFollowTime() throws Exception {
        register(1, "m", 1);
        register(2, "m", 2);
        add(new CatalogEvent.VersionDeleted(null, at(3), "w", "m", 2, "why"));
        add(new CatalogEvent.VersionUndeleted(null, at(5), "w", "m", 2));
        assertThat(view(2).resolve("m@2").live()).isTrue();
        assertThat(view(3).resolve("m@2").live()).isFalse();
        assertThat(view(4).resolve("m").version()).isEqualTo(1); // latest skips deleted versions
        assertThat(view(5).resolve("m").version()).isEqualTo(2);
    }

    @Test
    void theLatestAliasEventWinsAndAliasesAreListedOnTheirVersion() throws Exception {
        register(1, "m", 1);
        register(1, "m", 2);
        add(new CatalogEvent.AliasSet(null, at(2), "w", "m", "prod", 1, 0));
        add(new CatalogEvent.AliasSet(null, at(3), "w", "m", "prod", 2, 1));
        add(new CatalogEvent.AliasSet(null, at(3), "w", "m", "canary", 2, 0));
        assertThat(view(2).resolve("m@prod").version()).isEqualTo(1);
        assertThat(view(2).resolve("m@1").aliases()).containsExactly("prod");
        assertThat(view(3).resolve("m@prod").version()).isEqualTo(2);
        assertThat(view(3).resolve("m@2").aliases()).containsExactly("canary", "prod");
        assertThat(view(3).resolve("m@1").aliases()).isEmpty();
    }

    @Test
    void aVersionRegisteredTwiceKeepsTheEarlierAndSaysSo() throws Exception {
        register(1, "m", 1);
        add(new CatalogEvent.Registered(null, at(2), "intruder", "m", 1, id("other"), new TreeMap<>(), new TreeMap<>(),
                null, null));
        RegistryView v = view(null);
        assertThat(v.resolve("m@1").snapshot()).isEqualTo(id("m1"));
        assertThat(v.problems()).singleElement().asString().contains("registered twice");
    }

    @Test
    void anAliasToAnUnknownVersionIsAProblemNotACrash() throws Exception {
        register(1, "m", 1);
        add(new CatalogEvent.AliasSet(null, at(2), "w", "m", "prod", 9, 0));
        RegistryView v = view(null);
        assertThat(v.problems()).singleElement().asString().contains("not registered");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> v.resolve("m@prod"))
                .isInstanceOf(CatalogNotFoundException.class);
    }

    @Test
    void recoveryPointsResolveByNameOrLatestAsOfAMoment() throws Exception {
        add(new CatalogEvent.RecoveryPointCreated(null, at(1), "w", "daily", List.of(
                new RecoveryPoint.Member("a", "dataset", id("s1"), RecoveryPoint.Role.ASSET, null, 0)), List.of()));
        add(new CatalogEvent.RecoveryPointCreated(null, at(2), "w", "weekly", List.of(
                new RecoveryPoint.Member("a", "dataset", id("s2"), RecoveryPoint.Role.ASSET, null, 0)), List.of()));
        add(new CatalogEvent.RecoveryPointCreated(null, at(3), "w", "daily", List.of(
                new RecoveryPoint.Member("a", "dataset", id("s3"), RecoveryPoint.Role.ASSET, null, 0)), List.of()));
        assertThat(view(null).recoveryPoint("daily").members().get(0).snapshot()).isEqualTo(id("s3"));
        assertThat(view(2).recoveryPoint("daily").members().get(0).snapshot()).isEqualTo(id("s1"));
        assertThat(view(2).recoveryPoint("latest").name()).isEqualTo("weekly");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> view(0).recoveryPoint("latest"))
                .isInstanceOf(CatalogNotFoundException.class).hasMessageContaining("no recovery points as of");
    }

    @Test
    void asOfAcceptsTheDocumentedForms() {
        Instant now = Instant.parse("2026-11-23T12:00:00Z");
        java.time.ZoneId utc = java.time.ZoneOffset.UTC;
        assertThat(AsOf.parse("now", now, utc)).isEqualTo(now);
        assertThat(AsOf.parse("2026-11-23T10:15:30.5Z", now, utc)).isEqualTo(Instant.parse("2026-11-23T10:15:30.5Z"));
        assertThat(AsOf.parse("2026-11-23T11:15:30+01:00", now, utc)).isEqualTo(Instant.parse("2026-11-23T10:15:30Z"));
        assertThat(AsOf.parse("2026-11-23 10:15", now, java.time.ZoneId.of("Europe/Paris")))
                .isEqualTo(Instant.parse("2026-11-23T09:15:00Z"));
        assertThat(AsOf.parse("2026-11-20", now, utc)).isEqualTo(Instant.parse("2026-11-20T00:00:00Z"));
        assertThat(AsOf.parse("90m", now, utc)).isEqualTo(Instant.parse("2026-11-23T10:30:00Z"));
        assertThat(AsOf.parse("2w", now, utc)).isEqualTo(Instant.parse("2026-11-09T12:00:00Z"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AsOf.parse("last tuesday", now, utc))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a time");
    }
}
