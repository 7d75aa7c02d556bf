package dev.kiln.handlers;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** Looks task handlers up by task type; immutable. */
public final class HandlerRegistry {

    private final Map<String, TaskHandler> byName;

    /** @throws IllegalArgumentException when two handlers share a name or a name is blank */
    public HandlerRegistry(Collection<? extends TaskHandler> handlers) {
        Map<String, TaskHandler> map = new LinkedHashMap<>();
        for (TaskHandler h : handlers) {
            Objects.requireNonNull(h, "handler");
            String name = h.name();
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("handler " + h.getClass().getName() + " has no name");
            }
            TaskHandler previous = map.putIfAbsent(name, h);
            if (previous != null) {
                throw new IllegalArgumentException("duplicate handler name \"" + name + "\": "
                        + previous.getClass().getName() + " and " + h.getClass().getName());
            }
        }
        this.byName = Collections.unmodifiableMap(map);
    }

    /** detect_outliers, analyze_trends, synthesize and verdict. */
    public static HandlerRegistry builtIn() {
        return new HandlerRegistry(List.of(
                new DetectOutliersHandler(),
                new AnalyzeTrendsHandler(),
                new SynthesizeHandler(),
                new VerdictHandler()));
    }

    public Optional<TaskHandler> find(String name) {
        return Optional.ofNullable(name == null ? null : byName.get(name));
    }

    /** Registered names in registration order; unmodifiable. */
    public Set<String> names() {
        return byName.keySet();
    }
}
