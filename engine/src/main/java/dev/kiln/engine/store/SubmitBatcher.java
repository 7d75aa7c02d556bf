package dev.kiln.engine.store;

import static dev.kiln.engine.store.TaskStore.at;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Stores submissions in as few statements as the load allows (group commit). A submission goes
 * out at once when fewer than {@link #IN_FLIGHT} inserts are on their way, so a lone client pays
 * no wait; the ones arriving meanwhile queue and leave together in the next multi-row insert, one
 * transaction, one history statement and one notification for all of them. Under load that turns
 * about a thousand single-row transactions a second into a few dozen.
 *
 * <p>The rows of one batch share its fate: if the insert fails (a database error; the input was
 * validated before), every submission in it fails and its client gets the error, never a lost
 * workflow. Thread-safe.
 */
public final class SubmitBatcher {
  /** One statement for many rows; ids come back in insertion order, which is {@code n}'s. */
  static final String SUBMIT_MANY = """
      INSERT INTO workflows (workflow_type, input_zstd, created_at, updated_at)
      SELECT s.workflow_type, s.input, s.at, s.at
      FROM unnest($1::text[], $2::bytea[], $3::timestamptz[]) WITH ORDINALITY AS s(workflow_type, input, at, n)
      ORDER BY s.n
      RETURNING id
      """;

  static final int IN_FLIGHT = 2;
  static final int MAX_ROWS = 200;
  /** Inputs up to this many (compressed) bytes in total share a statement; a larger one goes alone. */
  static final long MAX_BYTES = 2L << 20;

  private record Pending(String workflowType, Buffer input, OffsetDateTime at, Promise<Long> id) {}

  private final Pool pool;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private int inFlight;

  public SubmitBatcher(Pool pool) {
    this.pool = pool;
  }

  /** Stores one workflow (its input as {@link StoredInput#compress} made it); its id once the row is committed. */
  public Future<Long> submit(String workflowType, byte[] storedInput, Instant now) {
    Promise<Long> id = Promise.promise();
    synchronized (this) {
      queue.add(new Pending(workflowType, Buffer.buffer(storedInput), at(now), id));
    }
    writeNext();
    return id.future();
  }

  private void writeNext() {
    List<Pending> batch;
    synchronized (this) {
      if (inFlight >= IN_FLIGHT || queue.isEmpty()) {
        return;
      }
      batch = new ArrayList<>();
      long bytes = 0;
      while (!queue.isEmpty() && batch.size() < MAX_ROWS) {
        long next = queue.peek().input().length();
        if (!batch.isEmpty() && bytes + next > MAX_BYTES) {
          break;
        }
        bytes += next;
        batch.add(queue.poll());
      }
      inFlight++;
    }
    insert(batch).onComplete(ar -> {
      synchronized (this) {
        inFlight--;
      }
      if (ar.succeeded()) {
        List<Long> ids = new ArrayList<>(ar.result().size());
        ar.result().forEach(r -> ids.add(r.getLong(0)));
        ids.sort(null);
        if (ids.size() != batch.size()) {
          IllegalStateException lost = new IllegalStateException(
              "inserted " + ids.size() + " workflows for " + batch.size() + " submissions");
          batch.forEach(p -> p.id().fail(lost));
        } else {
          for (int i = 0; i < batch.size(); i++) {
            batch.get(i).id().complete(ids.get(i));
          }
        }
      } else {
        batch.forEach(p -> p.id().fail(ar.cause()));
      }
      writeNext();
    });
    writeNext(); // a second statement may go while this one is on its way
  }

  private Future<RowSet<Row>> insert(List<Pending> batch) {
    if (batch.size() == 1) {
      Pending p = batch.get(0);
      return pool.preparedQuery(WorkflowStore.SUBMIT).execute(Tuple.of(p.workflowType(), p.input(), p.at()));
    }
    String[] types = new String[batch.size()];
    Buffer[] inputs = new Buffer[batch.size()];
    OffsetDateTime[] ats = new OffsetDateTime[batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      types[i] = batch.get(i).workflowType();
      inputs[i] = batch.get(i).input();
      ats[i] = batch.get(i).at();
    }
    return pool.preparedQuery(SUBMIT_MANY).execute(Tuple.of(types, inputs, ats));
  }
}
