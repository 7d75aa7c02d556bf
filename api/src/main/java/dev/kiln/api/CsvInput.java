package dev.kiln.api;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a machine's CSV export into the JSON input Kiln stores. Long format, one value per row:
 * {@code kind,id,dimension,value} where kind is {@code sensor} (dimension empty) or
 * {@code measurement}. A header row naming those columns is optional; blank lines and lines
 * starting with {@code #} are skipped. Values of a series keep their row order.
 */
public final class CsvInput {
  private CsvInput() {}

  private record Key(String kind, String id, String dimension) {}

  /**
   * @throws ApiException 400 naming the row ("csv line 7") and column of the first problem
   */
  public static byte[] toJson(byte[] body, long maxValues) {
    String text = new String(body, StandardCharsets.UTF_8);
    Map<Key, double[]> series = new LinkedHashMap<>();
    Map<Key, Integer> sizes = new LinkedHashMap<>();
    long total = 0;
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      String where = "csv line " + (i + 1);
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] cells = line.split(",", -1);
      if (series.isEmpty() && cells[0].strip().equalsIgnoreCase("kind")) {
        continue; // the optional header row
      }
      if (cells.length != 4) {
        throw ApiException.badRequest(where, "expected 4 columns kind,id,dimension,value, got " + cells.length);
      }
      String kind = cells[0].strip().toLowerCase(Locale.ROOT);
      String id = cells[1].strip();
      String dimension = cells[2].strip();
      String valueText = cells[3].strip();
      if (!kind.equals("sensor") && !kind.equals("measurement")) {
        throw ApiException.badRequest(where + ".kind", "must be sensor or measurement, got \"" + cells[0].strip() + "\"");
      }
      if (id.isEmpty()) {
        throw ApiException.badRequest(where + ".id", "must not be empty");
      }
      if (kind.equals("measurement") && dimension.isEmpty()) {
        throw ApiException.badRequest(where + ".dimension", "a measurement needs a dimension");
      }
      double value;
      try {
        value = Double.parseDouble(valueText);
      } catch (NumberFormatException e) {
        throw ApiException.badRequest(where + ".value", "must be a number, got \"" + valueText + "\"");
      }
      if (!Double.isFinite(value) || valueText.matches("(?i)[+-]?(nan|infinity)")) {
        throw ApiException.badRequest(where + ".value", "must be a finite number, got \"" + valueText + "\"");
      }
      if (++total > maxValues) {
        throw ApiException.badRequest(where + ".value", "more than " + maxValues + " values");
      }
      Key key = new Key(kind, id, kind.equals("sensor") ? "" : dimension);
      double[] values = series.computeIfAbsent(key, k -> new double[16]);
      int n = sizes.getOrDefault(key, 0);
      if (n == values.length) {
        values = java.util.Arrays.copyOf(values, n * 2);
        series.put(key, values);
      }
      values[n] = value;
      sizes.put(key, n + 1);
    }
    if (series.isEmpty()) {
      throw ApiException.badRequest("$", "the CSV holds no values; expected rows kind,id,dimension,value");
    }
    return write(series, sizes);
  }

  private static byte[] write(Map<Key, double[]> series, Map<Key, Integer> sizes) {
    // UTF-8 bytes, the form the input is stored in (compressed), not a string to encode again.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      for (String kind : List.of("sensor", "measurement")) {
        g.writeArrayFieldStart(kind.equals("sensor") ? "sensor_readings" : "measurements");
        List<Key> keys = new ArrayList<>(series.keySet());
        for (Key k : keys) {
          if (!k.kind().equals(kind)) {
            continue;
          }
          g.writeStartObject();
          if (kind.equals("sensor")) {
            g.writeStringField("sensor_id", k.id());
          } else {
            g.writeStringField("part_id", k.id());
            g.writeStringField("dimension", k.dimension());
          }
          g.writeFieldName("values");
          g.writeArray(series.get(k), 0, sizes.get(k));
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      g.writeObjectFieldStart("metadata");
      g.writeStringField("source", "csv");
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
