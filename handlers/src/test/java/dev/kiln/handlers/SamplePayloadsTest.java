package dev.kiln.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SamplePayloadsTest {

    @Test
    void tiny_is_the_documented_example() {
        assertThat(Fixtures.json(SamplePayloads.tiny())).isEqualTo(Fixtures.json("{\"sensor_readings\": [{\"sensor_id\": \"temp_1\","
                + " \"values\": [72.1, 73.4, 71.8, 99.2]}], \"measurements\": [{\"part_id\": \"A100\", \"dimension\": \"width\","
                + " \"values\": [10.01, 10.02, 9.98]}], \"metadata\": {}}"));
    }

    @Test
    void the_same_seed_gives_the_same_payload_and_another_seed_another() {
        assertThat(SamplePayloads.realistic(42)).isEqualTo(SamplePayloads.realistic(42));
        assertThat(SamplePayloads.realistic(42)).isNotEqualTo(SamplePayloads.realistic(43));
    }

    @Test
    void realistic_has_the_documented_shape_and_size() {
        String body = SamplePayloads.realistic(1);
        WorkflowInput in = WorkflowInput.parse(body);

        assertThat(body.length()).isBetween(180_000, 260_000);
        assertThat(in.sensors()).hasSize(50).allSatisfy(s -> assertThat(s.size()).isEqualTo(500));
        assertThat(in.measurements()).hasSize(60).allSatisfy(s -> assertThat(s.size()).isEqualTo(50));
        assertThat(in.measurements()).extracting(Series::dimension).containsOnly("width", "height", "depth");
    }

    @Test
    void realistic_has_spikes_and_drift_for_the_analysis_to_find() {
        WorkflowInput in = WorkflowInput.parse(SamplePayloads.realistic(42));

        var outliers = Fixtures.run(new DetectOutliersHandler(), in);
        var trends = Fixtures.run(new AnalyzeTrendsHandler(), in);

        assertThat(outliers.get("total_flagged").asInt()).isBetween(5, 40);
        assertThat(trends.get("trends").findValuesAsText("direction")).contains("increasing", "stable");
    }

    @Test
    void large_is_about_15_megabytes() {
        assertThat(SamplePayloads.large(42).length()).isBetween(13_000_000, 17_000_000);
    }
}
