package dev.kiln.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class HandlerRegistryTest {

    @Test
    void built_in_registry_finds_the_four_handlers_by_name() {
        HandlerRegistry registry = HandlerRegistry.builtIn();

        assertThat(registry.find("detect_outliers")).get().isInstanceOf(DetectOutliersHandler.class);
        assertThat(registry.find("analyze_trends")).get().isInstanceOf(AnalyzeTrendsHandler.class);
        assertThat(registry.find("synthesize")).get().isInstanceOf(SynthesizeHandler.class);
        assertThat(registry.find("verdict")).get().isInstanceOf(VerdictHandler.class);
    }

    @Test
    void names_lists_the_four_handlers() {
        assertThat(HandlerRegistry.builtIn().names()).containsExactly("detect_outliers", "analyze_trends", "synthesize", "verdict");
    }

    @Test
    void unknown_names_are_not_found() {
        assertThat(HandlerRegistry.builtIn().find("send_email")).isEmpty();
        assertThat(HandlerRegistry.builtIn().find(null)).isEmpty();
    }

    @Test
    void only_synthesize_and_verdict_do_without_the_input() {
        HandlerRegistry registry = HandlerRegistry.builtIn();

        assertThat(registry.names()).filteredOn(n -> !registry.find(n).orElseThrow().needsInput())
                .containsExactly("synthesize", "verdict");
    }

    @Test
    void duplicate_names_are_rejected() {
        assertThatThrownBy(() -> new HandlerRegistry(List.of(new VerdictHandler(), new DetectOutliersHandler(), new VerdictHandler())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duplicate handler name \"verdict\"");
    }

    @Test
    void a_blank_name_is_rejected() {
        TaskHandler nameless = new TaskHandler() {
            @Override
            public String name() {
                return " ";
            }

            @Override
            public ObjectNode handle(TaskContext ctx) {
                return null;
            }
        };

        assertThatThrownBy(() -> new HandlerRegistry(List.of(nameless))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void names_cannot_be_modified() {
        assertThatThrownBy(() -> HandlerRegistry.builtIn().names().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }
}
