package org.rlhfflow.codec;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.temporal.api.common.v1.Payloads;
import io.temporal.payload.codec.PayloadCodecException;
import java.util.List;
import java.util.Map;

/**
 * Temporal's codec-server protocol over {@link AesGcmCodec}: {@code POST /decode} and {@code POST
 * /encode} take and return {@code {"payloads": [{"metadata": {...}, "data": "..."}]}} (protobuf JSON,
 * bytes in base64). Point the Temporal UI's "Codec Server" setting at it to read encrypted histories;
 * it listens on 127.0.0.1 only, so only who runs it (and holds the key) sees plaintext.
 */
public final class CodecServer implements AutoCloseable {
  private final Javalin app;
  private final AesGcmCodec codec;

  private CodecServer(AesGcmCodec codec, String uiOrigin) {
    this.codec = codec;
    this.app = Javalin.create(config -> {
      config.showJavalinBanner = false;
      config.bundledPlugins.enableCors(cors -> cors.addRule(rule -> {
        rule.allowHost(uiOrigin);
        rule.allowCredentials = true;
      }));
    });
    app.post("/decode", ctx -> handle(ctx, true));
    app.post("/encode", ctx -> handle(ctx, false));
  }

  public static CodecServer start(PayloadKeys keys, String uiOrigin, int port) {
    CodecServer s = new CodecServer(new AesGcmCodec(keys), uiOrigin);
    s.app.start("127.0.0.1", port);
    return s;
  }

  public int port() {
    return app.port();
  }

  private void handle(Context ctx, boolean decode) {
    Payloads.Builder in = Payloads.newBuilder();
    try {
      JsonFormat.parser().ignoringUnknownFields().merge(ctx.body(), in);
    } catch (InvalidProtocolBufferException e) {
      ctx.status(400).json(Map.of("error", "body: not {\"payloads\": [...]}: " + e.getMessage()));
      return;
    }
    try {
      List<io.temporal.api.common.v1.Payload> out =
          decode ? codec.decode(in.getPayloadsList()) : codec.encode(in.getPayloadsList());
      ctx.contentType("application/json").result(JsonFormat.printer().print(Payloads.newBuilder().addAllPayloads(out)));
    } catch (PayloadCodecException | InvalidProtocolBufferException e) {
      ctx.status(400).json(Map.of("error", String.valueOf(e.getMessage())));
    }
  }

  @Override
  public void close() {
    app.stop();
  }
}
