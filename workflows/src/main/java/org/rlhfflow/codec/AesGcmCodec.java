package org.rlhfflow.codec;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.payload.codec.PayloadCodec;
import io.temporal.payload.codec.PayloadCodecException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM over whole Temporal payloads, as in Temporal's encryption sample: the encoded payload
 * is {@code nonce || ciphertext+tag} with metadata {@code encoding: binary/encrypted} and the key id,
 * so keys can rotate. Plain payloads pass through decoding, so turning encryption on keeps old
 * histories readable; an encrypted payload without its key fails with a message that says so.
 */
public final class AesGcmCodec implements PayloadCodec {
  static final String ENCODING = "binary/encrypted";
  static final String KEY_ID = "encryption-key-id";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final PayloadKeys keys;

  public AesGcmCodec(PayloadKeys keys) {
    this.keys = keys;
  }

  /** The data converter of every client and worker: the default one behind this codec. */
  public static DataConverter dataConverter(Map<String, String> env) {
    return new CodecDataConverter(DefaultDataConverter.newDefaultInstance(),
        Collections.singletonList(new AesGcmCodec(PayloadKeys.fromEnv(env))));
  }

  @Override
  public List<Payload> encode(List<Payload> payloads) {
    if (!keys.enabled()) {
      return payloads;
    }
    List<Payload> out = new ArrayList<>(payloads.size());
    for (Payload p : payloads) {
      out.add(encrypt(p));
    }
    return out;
  }

  @Override
  public List<Payload> decode(List<Payload> payloads) {
    List<Payload> out = new ArrayList<>(payloads.size());
    for (Payload p : payloads) {
      ByteString encoding = p.getMetadataOrDefault("encoding", ByteString.EMPTY);
      out.add(encoding.toStringUtf8().equals(ENCODING) ? decrypt(p) : p);
    }
    return out;
  }

  private Payload encrypt(Payload p) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, keys.keys().get(keys.currentId()), new GCMParameterSpec(TAG_BITS, nonce));
      byte[] sealed = c.doFinal(p.toByteArray());
      return Payload.newBuilder()
          .putMetadata("encoding", ByteString.copyFromUtf8(ENCODING))
          .putMetadata(KEY_ID, ByteString.copyFromUtf8(keys.currentId()))
          .setData(ByteString.copyFrom(ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array()))
          .build();
    } catch (GeneralSecurityException e) {
      throw new PayloadCodecException(e);
    }
  }

  private Payload decrypt(Payload p) {
    String id = p.getMetadataOrDefault(KEY_ID, ByteString.EMPTY).toStringUtf8();
    SecretKeySpec key = keys.keys().get(id);
    if (key == null) {
      throw new PayloadCodecException("payload is encrypted with AES-GCM key id " + id + ", which this process "
          + "does not have: set " + PayloadKeys.ENV_KEY + " (or " + PayloadKeys.ENV_FILE + ") to that key");
    }
    byte[] data = p.getData().toByteArray();
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, data, 0, NONCE_BYTES));
      return Payload.parseFrom(c.doFinal(data, NONCE_BYTES, data.length - NONCE_BYTES));
    } catch (GeneralSecurityException | InvalidProtocolBufferException e) {
      throw new PayloadCodecException("payload with key id " + id + " does not decrypt: wrong key or corrupt data", e);
    }
  }
}
