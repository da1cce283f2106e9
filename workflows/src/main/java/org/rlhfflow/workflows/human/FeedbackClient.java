package org.rlhfflow.workflows.human;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.failure.ApplicationFailure;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackStatus;
import org.rlhfflow.activities.human.FeedbackRecords.OpenItems;
import org.rlhfflow.activities.human.FeedbackRecords.OpenItemsRequest;
import org.rlhfflow.activities.human.FeedbackRecords.RankAck;
import org.rlhfflow.activities.human.FeedbackRecords.RankRequest;
import org.rlhfflow.activities.human.FeedbackRecords.RegisterRequest;
import org.rlhfflow.codec.PayloadKeys;
import org.rlhfflow.store.Sha256;

/**
 * The client side of {@link HumanFeedbackWorkflow}: the web app, the CLI and the tests all submit
 * through it. Stubs name the workflow id only, so calls reach the latest run after continue-as-new.
 *
 * <pre>{@code
 * RankAck ack = new FeedbackClient(client).rank("demo-collect-b0", new RankRequest("alice", "i3", ranks, ""));
 * }</pre>
 */
public final class FeedbackClient {
  /** Retries while a run drains before continuing as new: a few seconds at most. */
  private static final int ROLLOVER_RETRIES = 100;

  private final WorkflowClient client;
  private final PayloadKeys keys;

  /** With the payload keys of this process's environment (RLHF_PAYLOAD_KEY). */
  public FeedbackClient(WorkflowClient client) {
    this(client, PayloadKeys.fromEnv(System.getenv()));
  }

  public FeedbackClient(WorkflowClient client, PayloadKeys keys) {
    this.client = client;
    this.keys = keys;
  }

  /**
   * The update id: {@code annotator:item}, or with encryption on its HMAC under the current key
   * (update ids sit in history unencrypted); either is stable, so a repeat still counts once.
   */
  String updateId(String plain) {
    if (!keys.enabled()) {
      return plain;
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(keys.keys().get(keys.currentId()));
      return "hmac:" + Sha256.hex(mac.doFinal(plain.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** A submission the workflow's validator turned down, with its one-line reason. */
  public static final class Rejected extends RuntimeException {
    public Rejected(String message) {
      super(message);
    }
  }

  /** Submits a ranking with update id {@code annotator:item}; a repeat returns the first answer. */
  public RankAck rank(String batchId, RankRequest request) {
    UpdateOptions<RankAck> options = UpdateOptions.newBuilder(RankAck.class)
        .setUpdateName("rank")
        .setUpdateId(updateId(request.updateId()))
        .setWaitForStage(WorkflowUpdateStage.COMPLETED)
        .build();
    for (int attempt = 0; ; attempt++) {
      try {
        return stub(batchId).startUpdate(options, request).getResult();
      } catch (WorkflowUpdateException e) {
        String why = reason(e);
        if (!why.contains("retry shortly") || attempt >= ROLLOVER_RETRIES) {
          throw new Rejected(why);
        }
      } catch (WorkflowNotFoundException | WorkflowServiceException e) {
        if (unreachable(e)) {
          throw e; // the server is down or restarting: not a verdict on the ranking
        }
        // The run closed under the call (continue-as-new): the next attempt reaches the new run.
        if (attempt >= ROLLOVER_RETRIES || !isOpen(batchId)) {
          throw new Rejected("batch " + batchId + " is closed");
        }
      }
      sleep();
    }
  }

  /** Adds the annotator to the batch; retried, as {@link #rank}, while a run continues as new. */
  public void register(String batchId, String annotator) {
    UpdateOptions<Void> options = UpdateOptions.newBuilder(Void.class).setUpdateName("register")
        .setUpdateId(updateId("register:" + annotator)).setWaitForStage(WorkflowUpdateStage.COMPLETED).build();
    for (int attempt = 0; ; attempt++) {
      try {
        stub(batchId).startUpdate(options, new RegisterRequest(annotator)).getResult();
        return;
      } catch (WorkflowUpdateException e) {
        String why = reason(e);
        if (!why.contains("retry shortly") || attempt >= ROLLOVER_RETRIES) {
          throw new Rejected(why);
        }
      } catch (WorkflowNotFoundException | WorkflowServiceException e) {
        if (unreachable(e)) {
          throw e;
        }
        if (attempt >= ROLLOVER_RETRIES || !isOpen(batchId)) {
          throw new Rejected("batch " + batchId + " is closed");
        }
      }
      sleep();
    }
  }

  /** Why {@code rank} would reject the request, or null if it would accept it. */
  public String check(String batchId, RankRequest request) {
    return stub(batchId).query("check", String.class, request);
  }

  /** Registers the annotator unless they already are; idempotent. */
  public void ensureRegistered(String batchId, String annotator) {
    ensureRegistered(status(batchId), annotator);
  }

  /** As {@link #ensureRegistered(String, String)}, with a status the caller already has. */
  public void ensureRegistered(FeedbackStatus s, String annotator) {
    String batchId = s == null ? null : s.batchId();
    if (s != null && !s.annotators().contains(annotator)) {
      try {
        register(batchId, annotator);
      } catch (Rejected e) {
        if (!e.getMessage().contains("already registered")) {
          throw e;
        }
      }
    }
  }

  public FeedbackStatus status(String batchId) {
    return stub(batchId).query("status", FeedbackStatus.class);
  }

  public OpenItems openItems(String batchId, String annotator, int limit) {
    return stub(batchId).query("openItems", OpenItems.class, new OpenItemsRequest(annotator, limit));
  }

  private boolean isOpen(String batchId) {
    try {
      FeedbackStatus s = status(batchId);
      return s != null && s.open();
    } catch (RuntimeException e) {
      if (unreachable(e)) {
        throw e;
      }
      return false;
    }
  }

  /** Whether the call failed because the Temporal server could not be reached (down, restarting). */
  public static boolean unreachable(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof StatusRuntimeException s) {
        Status.Code code = s.getStatus().getCode();
        return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
      }
    }
    return false;
  }

  /** The innermost message of a failed call, for a one-line error. */
  public static String why(Throwable e) {
    Throwable c = e;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
  }

  private WorkflowStub stub(String batchId) {
    return client.newUntypedWorkflowStub(batchId);
  }

  private static String reason(WorkflowUpdateException e) {
    Throwable c = e.getCause();
    if (c instanceof ApplicationFailure f) {
      return f.getOriginalMessage();
    }
    return c == null ? e.getMessage() : c.getMessage();
  }

  private static void sleep() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Rejected("interrupted");
    }
  }
}
