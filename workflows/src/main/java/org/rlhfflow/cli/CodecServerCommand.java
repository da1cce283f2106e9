package org.rlhfflow.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.rlhfflow.codec.CodecServer;
import org.rlhfflow.codec.PayloadKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rlhf codec-server}: lets the Temporal UI show payloads encrypted with RLHF_PAYLOAD_KEY. */
@Command(name = "codec-server", mixinStandardHelpOptions = true,
    description = "Decode AES-GCM payloads for the Temporal UI (Temporal's codec-server protocol).")
public final class CodecServerCommand implements Callable<Integer> {
  @Option(names = "--port", defaultValue = "8081", description = "Port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--ui-origin", defaultValue = "http://localhost:8233",
      description = "Origin of the Temporal UI allowed by CORS (default: ${DEFAULT-VALUE}).")
  String uiOrigin;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PayloadKeys keys = PayloadKeys.fromEnv(System.getenv());
    if (!keys.enabled()) {
      spec.commandLine().getErr().println("rlhf codec-server: set " + PayloadKeys.ENV_KEY + " or "
          + PayloadKeys.ENV_FILE + " to the key the payloads were encrypted with");
      return 2;
    }
    try (CodecServer server = CodecServer.start(keys, uiOrigin, port)) {
      out.println("rlhf codec-server: http://127.0.0.1:" + server.port() + " (key id " + keys.currentId()
          + "); in the Temporal UI set Codec Server to this URL");
      out.flush();
      new CountDownLatch(1).await();
    }
    return 0;
  }
}
