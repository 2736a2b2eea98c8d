package io.lifeboat.catalog.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.catalog.CatalogEvent;
import io.lifeboat.catalog.RecoveryPoint;
import io.lifeboat.core.Id;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Catalog events survive encoding exactly, and bytes that are not an event fail in one documented way. */
class EventJsonProperties {
    private static final Id ID = Id.sha256("x".getBytes(StandardCharsets.UTF_8));

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withChars("abcXYZ019._-").ofMinLength(1).ofMaxLength(20)
                .filter(s -> Character.isLetterOrDigit(s.charAt(0)) && !s.chars().allMatch(Character::isDigit)
                        && !s.equals("latest"));
    }

    @Provide
    Arbitrary<Instant> times() {
        return Arbitraries.longs().between(0, 4_102_444_800_000_000_000L).map(n -> Instant.ofEpochSecond(0, n));
    }

    @Provide
    Arbitrary<CatalogEvent> events() {
        Arbitrary<String> text = Arbitraries.strings().ofMaxLength(30); // any Unicode, quotes and controls included
        Arbitrary<Map<String, Double>> metrics = Arbitraries.maps(text,
                Arbitraries.doubles().filter(Double::isFinite)).ofMaxSize(4);
        Arbitrary<Map<String, String>> params = Arbitraries.maps(text, text).ofMaxSize(4);
        Arbitrary<Id> ids = Arbitraries.bytes().array(byte[].class).ofSize(32).map(Id::of);
        Arbitrary<CatalogEvent> registered = Combinators.combine(times(), text, names(),
                Arbitraries.integers().between(1, Integer.MAX_VALUE), ids, metrics, params,
                Arbitraries.of(true, false)).as((t, who, model, v, snap, m, p, lineage) ->
                new CatalogEvent.Registered(null, t, who, model, v, snap, new TreeMap<>(m), new TreeMap<>(p),
                        lineage ? new CatalogEvent.Lineage(snap, who.isEmpty() ? null : who, model + "@latest") : null,
                        who.isEmpty() ? null : who));
        Arbitrary<CatalogEvent> alias = Combinators.combine(times(), text, names(), names(),
                Arbitraries.integers().between(1, 1000), Arbitraries.integers().between(0, 1000))
                .as((t, who, model, a, v, prev) -> new CatalogEvent.AliasSet(null, t, who, model, a, v, prev));
        Arbitrary<CatalogEvent> deleted = Combinators.combine(times(), text, names(), Arbitraries.integers().between(1, 99), text)
                .as((t, who, model, v, why) -> new CatalogEvent.VersionDeleted(null, t, who, model, v, why));
        Arbitrary<CatalogEvent> undeleted = Combinators.combine(times(), text, names(), Arbitraries.integers().between(1, 99))
                .as((t, who, model, v) -> new CatalogEvent.VersionUndeleted(null, t, who, model, v));
        Arbitrary<RecoveryPoint.Member> member = Combinators.combine(text.filter(s -> !s.isEmpty()), ids,
                Arbitraries.of(RecoveryPoint.Role.values()), Arbitraries.of("model", "dataset", "secret"))
                .as((asset, snap, role, kind) -> new RecoveryPoint.Member(asset, kind, snap, role,
                        kind.equals("model") ? asset : null, kind.equals("model") ? 4 : 0));
        Arbitrary<RecoveryPoint.ModelState> state = Combinators.combine(names(),
                Arbitraries.maps(names(), Arbitraries.integers().between(1, 50)).ofMaxSize(3),
                Arbitraries.maps(Arbitraries.integers().between(1, 50), ids).ofMaxSize(3))
                .as((m, a, v) -> new RecoveryPoint.ModelState(m, new TreeMap<>(a), new TreeMap<>(v)));
        Arbitrary<CatalogEvent> point = Combinators.combine(times(), text, names(), member.list().ofMaxSize(4),
                state.list().ofMaxSize(3)).as((t, who, name, ms, ss) -> new CatalogEvent.RecoveryPointCreated(null, t, who,
                name, ms, ss));
        Arbitrary<CatalogEvent> plan = Combinators.combine(times(), text, Arbitraries.strings().ofMaxLength(200))
                .as((t, who, yaml) -> new CatalogEvent.PlanApplied(null, t, who, "00".repeat(32), yaml));
        return Arbitraries.oneOf(registered, alias, deleted, undeleted, point, plan);
    }

    @Property
    void everyEventReadsBackEqual(@ForAll("events") CatalogEvent e) throws Exception {
        CatalogEvent back = EventJson.decode(ID, EventJson.encode(e));
        assertThat(back).isEqualTo(e.withId(ID));
    }

    @Property
    void arbitraryBytesAreRefusedAsUnreadable(@ForAll byte[] junk) {
        try {
            EventJson.decode(ID, junk);
        } catch (EventJson.UnreadableEventException expected) {
            return;
        }
        throw new AssertionError("decoded junk as an event");
    }

    @Property
    void aDamagedEventIsRefusedAsUnreadableOrReadsAsAnEvent(@ForAll("events") CatalogEvent e,
                                                           @ForAll @IntRange(min = 0, max = 10_000) int at) {
        byte[] bytes = EventJson.encode(e);
        bytes[at % bytes.length] ^= 0x5a;
        try {
            EventJson.decode(ID, bytes); // a flip inside a string can leave valid JSON: that is for the seal to catch
        } catch (EventJson.UnreadableEventException expected) {
            // the only failure allowed
        }
    }

    @Test
    void newerFormatsAndUnknownTypesAreNamed() {
        assertThatThrownBy(() -> EventJson.decode(ID, "{\"v\":2,\"type\":\"register\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EventJson.UnreadableEventException.class).hasMessageContaining("upgrade Lifeboat");
        assertThatThrownBy(() -> EventJson.decode(ID, ("{\"v\":1,\"type\":\"teleport\",\"time\":\"2026-01-01T00:00:00Z\","
                + "\"who\":\"x\"}").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EventJson.UnreadableEventException.class).hasMessageContaining("unknown event type 'teleport'");
        assertThat(List.of()).isEmpty();
    }
}
