package dev.kiln.handlers;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/** The one shared, configured Jackson {@link ObjectMapper}; do not reconfigure it (use {@code copy()} instead). */
public final class ObjectMappers {

    // NaN/Infinity literals stay disabled (Jackson's default): they are not JSON and no output may contain them.
    // The fast double parser/writer are correctly rounded and matter for multi-megabyte inputs.
    static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .enable(StreamReadFeature.USE_FAST_BIG_NUMBER_PARSER)
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .build();

    private static final ObjectMapper MAPPER = JsonMapper.builder(FACTORY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private ObjectMappers() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    static JsonNodeFactory nodes() {
        return MAPPER.getNodeFactory();
    }
}
