package dev.kiln.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void nearestRankOnOneToHundred() {
        long[] values = LongStream.rangeClosed(1, 100).toArray();
        Percentiles p = Percentiles.of(values);
        assertThat(p.percentile(50)).isEqualTo(50);
        assertThat(p.percentile(90)).isEqualTo(90);
        assertThat(p.percentile(99)).isEqualTo(99);
        assertThat(p.percentile(100)).isEqualTo(100);
        assertThat(p.min()).isEqualTo(1);
        assertThat(p.max()).isEqualTo(100);
        assertThat(p.mean()).isEqualTo(50.5);
    }

    @Test
    void alwaysAMeasuredValueAndOrderDoesNotMatter() {
        Percentiles p = Percentiles.of(new long[] {30, 10, 20, 40});
        // rank ceil(0.5 * 4) = 2 -> 20; ceil(0.9 * 4) = 4 -> 40; ceil(0.25 * 4) = 1 -> 10
        assertThat(p.percentile(50)).isEqualTo(20);
        assertThat(p.percentile(90)).isEqualTo(40);
        assertThat(p.percentile(25)).isEqualTo(10);
        assertThat(p.percentile(0.001)).isEqualTo(10);
    }

    @Test
    void singleValueIsEveryPercentile() {
        Percentiles p = Percentiles.of(new long[] {7});
        assertThat(p.percentile(1)).isEqualTo(7);
        assertThat(p.percentile(50)).isEqualTo(7);
        assertThat(p.percentile(99)).isEqualTo(7);
        assertThat(p.max()).isEqualTo(7);
    }

    @Test
    void callerArrayIsNotSorted() {
        long[] values = {3, 1, 2};
        Percentiles.of(values);
        assertThat(values).containsExactly(3, 1, 2);
    }

    @Test
    void summaryInMillis() {
        Percentiles p = Percentiles.of(new long[] {1_000_000, 2_500_000, 10_000_000});
        assertThat(p.summaryMillisFromNanos())
                .containsEntry("count", 3)
                .containsEntry("min", 1.0)
                .containsEntry("p50", 2.5)
                .containsEntry("p99", 10.0)
                .containsEntry("max", 10.0);
    }

    @Test
    void emptySample() {
        Percentiles p = Percentiles.of(new long[0]);
        assertThat(p.isEmpty()).isTrue();
        assertThat(p.summaryMillisFromNanos()).containsOnlyKeys("count");
        assertThatThrownBy(() -> p.percentile(50)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Percentiles.of(new long[] {1}).percentile(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Percentiles.of(new long[] {1}).percentile(101)).isInstanceOf(IllegalArgumentException.class);
    }
}
