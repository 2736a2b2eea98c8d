package io.lifeboat.core.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {
    @Test
    void aPolicyWithoutAnyKeepRuleIsRefused() {
        assertThatThrownBy(() -> RetentionPolicy.builder().build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one keep rule");
        assertThatThrownBy(() -> RetentionPolicy.builder().keepLast(0).keepDaily(0).keepYearly(0).build())
                .as("counts of zero are rules turned off").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetentionPolicy(0, 0, 0, 0, 0, 0, null, List.of(), GroupBy.all()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void countsThatOverflowTogetherAreNotMistakenForNoRule() {
        RetentionPolicy p = new RetentionPolicy(Integer.MAX_VALUE, Integer.MAX_VALUE, 2, 0, 0, 0, null, List.of(), Set.of());
        assertThat(p.last()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void negativeCountsAreRefusedAsSoonAsTheyAreSet() {
        RetentionPolicy.Builder b = RetentionPolicy.builder();
        assertThatThrownBy(() -> b.keepLast(-1)).hasMessageContaining("keep-last").hasMessageContaining("-1");
        assertThatThrownBy(() -> b.keepHourly(-1)).hasMessageContaining("keep-hourly");
        assertThatThrownBy(() -> b.keepDaily(-2)).hasMessageContaining("keep-daily").hasMessageContaining("-2");
        assertThatThrownBy(() -> b.keepWeekly(-1)).hasMessageContaining("keep-weekly");
        assertThatThrownBy(() -> b.keepMonthly(-1)).hasMessageContaining("keep-monthly");
        assertThatThrownBy(() -> b.keepYearly(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keep-yearly");
        assertThatThrownBy(() -> new RetentionPolicy(1, 0, 0, -3, 0, 0, null, List.of(), Set.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keep-weekly");
    }

    @Test
    void aTagRuleAloneIsAPolicyButATagWithoutKeyIsRefused() {
        assertThat(RetentionPolicy.builder().keepTag("release").build().tags()).containsExactly("release");
        assertThatThrownBy(() -> RetentionPolicy.builder().keepTag("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetentionPolicy.builder().keepTag("=1.0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'=1.0'");
    }

    @Test
    void aWithinRuleAloneIsAPolicyAndABadSpanIsRefusedWhenSet() {
        assertThat(RetentionPolicy.builder().keepWithin("2w").build().within()).isEqualTo(new Within(0, 0, 2, 0, 0));
        assertThatThrownBy(() -> RetentionPolicy.builder().keepWithin("2 weeks"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'2 weeks'");
    }

    @Test
    void aCountOfZeroTurnsItsRuleOff() {
        List<Decision> d = RetentionPolicy.builder().keepLast(0).keepDaily(1).build().apply(List.of(
                Snapshots.at("2026-11-20T10:00:00Z"), Snapshots.at("2026-11-20T09:00:00Z")), ZoneOffset.UTC);
        assertThat(d).extracting(Decision::keep).containsExactly(true, false);
        assertThat(d.get(0).reasons()).containsExactly("daily 2026-11-20");
    }

    @Test
    void groupingDefaultsToAssetHostAndPathsAndRepeatedTagsCountOnce() {
        RetentionPolicy p = RetentionPolicy.builder().keepDaily(7).keepWeekly(4).keepTag("a").keepTag("a").build();
        assertThat(p.groupBy()).containsExactlyInAnyOrder(GroupBy.ASSET, GroupBy.HOST, GroupBy.PATHS);
        assertThat(p.tags()).containsExactly("a");
        assertThat(p).hasToString("keep-daily 7, keep-weekly 4, keep-tag a; grouped by asset,host,paths");
        assertThat(RetentionPolicy.builder().keepWithin("1y6m").groupBy(Set.of()).build())
                .hasToString("keep-within 1y6m; one group");
    }

    @Test
    void groupByNamesAreReadFromACommaSeparatedList() {
        assertThat(GroupBy.parse("host,paths")).isEqualTo(EnumSet.of(GroupBy.HOST, GroupBy.PATHS));
        assertThat(GroupBy.parse("Asset, host")).isEqualTo(EnumSet.of(GroupBy.ASSET, GroupBy.HOST));
        assertThat(GroupBy.parse("")).isEmpty();
        assertThatThrownBy(() -> GroupBy.parse("host,tags")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'host,tags'").hasMessageContaining("'tags'");
        assertThatThrownBy(() -> GroupBy.parse("host,")).isInstanceOf(IllegalArgumentException.class);
    }
}
