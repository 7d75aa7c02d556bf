package dev.kiln.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.engine.testing.EngineHarness;
import dev.kiln.handlers.HandlerRegistry;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SubmitBatcherTest {
  private static EngineHarness h;
  private SubmitBatcher batcher;

  @BeforeAll
  static void database() {
    // No roles started: the rows stay pending, as submitted.
    h = EngineHarness.create(new HandlerRegistry(List.of()), List.of(), Clock.systemUTC(), Map.of());
  }

  @AfterAll
  static void close() {
    h.close();
  }

  @BeforeEach
  void fresh() {
    h.query("DELETE FROM workflows");
    batcher = new SubmitBatcher(h.pool);
  }

  @Test
  void a_burst_of_submissions_is_stored_in_a_few_transactions_each_getting_its_own_row() {
    Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
    List<Future<Long>> ids = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      ids.add(batcher.submit("t" + (i % 3), z("{\"n\": " + i + "}"), at.plusMillis(i)));
    }
    List<Long> got = ids.stream().map(EngineHarness::await).toList();
    assertThat(new HashSet<>(got)).hasSize(500);
    for (int i = 0; i < 500; i++) {
      Row r = h.query("SELECT workflow_type, input_zstd, created_at, status, input FROM workflows WHERE id = $1", got.get(i))
          .iterator().next();
      assertThat(r.getString(0)).isEqualTo("t" + (i % 3));
      // Stored compressed, and only compressed.
      assertThat(new String(StoredInput.json(r.getBuffer(1).getBytes()), StandardCharsets.UTF_8))
          .isEqualTo("{\"n\": " + i + "}");
      assertThat(r.getValue(4)).isNull();
      assertThat(r.getOffsetDateTime(2).toInstant()).isEqualTo(at.plusMillis(i));
      assertThat(r.getString(3)).isEqualTo("pending");
    }
    // Each transaction stamps its rows' xmin: far fewer transactions than submissions.
    assertThat(h.count("SELECT count(DISTINCT xmin::text) FROM workflows")).isLessThan(50);
    // Every row still gets its history entry.
    assertThat(h.count("SELECT count(*) FROM task_history WHERE to_status = 'pending' AND task_id IS NULL "
        + "AND workflow_id = ANY($1)", (Object) got.toArray(Long[]::new))).isEqualTo(500);
  }

  @Test
  void when_a_batch_fails_every_submission_in_it_fails_and_later_ones_are_stored() {
    // Two go out alone at once (nothing is in flight); the next three queue and share a statement,
    // which the row breaking a constraint (a blank type) fails as a whole. A lock that every insert
    // waits for keeps the first two in flight until all five are submitted: without it, one that
    // finished early would let the next go out alone (seen once, in a clean-clone run of .ci/run).
    Instant now = Instant.now();
    SqlConnection holder = h.pool.getConnection().await();
    Transaction lock = holder.begin().await();
    holder.query("LOCK TABLE workflows IN EXCLUSIVE MODE").execute().await();
    Future<Long> first = batcher.submit("t", z("{}"), now);
    Future<Long> second = batcher.submit("t", z("{}"), now);
    Future<Long> a = batcher.submit("t", z("{\"a\": 1}"), now);
    Future<Long> broken = batcher.submit("", z("{}"), now);
    Future<Long> c = batcher.submit("t", z("{\"c\": 3}"), now);
    lock.commit().await();
    holder.close().await();
    EngineHarness.await(first);
    EngineHarness.await(second);
    for (Future<Long> f : List.of(a, broken, c)) {
      assertThatThrownBy(() -> EngineHarness.await(f)).hasMessageContaining("workflows_type_not_blank");
    }
    assertThat(h.count("SELECT count(*) FROM workflows")).isEqualTo(2);
    long later = EngineHarness.await(batcher.submit("t", z("{\"later\": true}"), now));
    assertThat(h.count("SELECT count(*) FROM workflows WHERE id = $1", later)).isEqualTo(1);
  }

  @Test
  void large_inputs_are_not_packed_together() {
    // Random letters compress little, so the stored input stays near its raw size.
    Random random = new Random(7);
    StringBuilder pad = new StringBuilder();
    while (pad.length() < SubmitBatcher.MAX_BYTES) {
      pad.append((char) ('a' + random.nextInt(26))).append((char) ('A' + random.nextInt(26)));
    }
    byte[] big = z("{\"pad\": \"" + pad + "\"}");
    assertThat((long) big.length).isBetween(SubmitBatcher.MAX_BYTES / 2 + 1, SubmitBatcher.MAX_BYTES);
    Instant now = Instant.now();
    List<Future<Long>> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(batcher.submit("t", big, now));
    }
    ids.forEach(EngineHarness::await);
    assertThat(h.count("SELECT count(DISTINCT xmin::text) FROM workflows")).isEqualTo(5);
  }

  private static byte[] z(String json) {
    return StoredInput.compress(json);
  }
}
