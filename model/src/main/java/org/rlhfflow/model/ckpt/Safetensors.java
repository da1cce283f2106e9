package org.rlhfflow.model.ckpt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors format (huggingface/safetensors): an 8-byte little-endian header length, a JSON
 * header {@code {"key": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}}
 * and the raw little-endian tensor bytes. F32, F64, I64 and I32 are read and written; BF16 and F16
 * (how Hugging Face ships most checkpoints) are read and widened to F32, which is exact.
 */
public final class Safetensors {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String METADATA = "__metadata__";

  private Safetensors() {}

  /** Writes {@code tensors} in iteration order; the header is space-padded to 8 bytes. */
  public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata)
      throws IOException {
    ObjectNode header = JSON.createObjectNode();
    if (metadata != null && !metadata.isEmpty()) {
      ObjectNode meta = header.putObject(METADATA);
      metadata.forEach(meta::put);
    }
    long offset = 0;
    for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
      NDArray a = e.getValue();
      long bytes = a.size() * Dtype.of(a.getDataType(), file, e.getKey()).size;
      ObjectNode t = header.putObject(e.getKey());
      t.put("dtype", Dtype.of(a.getDataType(), file, e.getKey()).name());
      ArrayNode shape = t.putArray("shape");
      for (long d : a.getShape().getShape()) {
        shape.add(d);
      }
      t.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] json = JSON.writeValueAsBytes(header);
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    head.putLong(padded).put(json);
    while (head.hasRemaining()) {
      head.put((byte) ' ');
    }
    head.flip();
    try (FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      writeFully(ch, head);
      for (NDArray a : tensors.values()) {
        writeFully(ch, Dtype.toBytes(a));
      }
    }
  }

  /** Reads every tensor onto {@code manager}, in header order. */
  public static LinkedHashMap<String, NDArray> read(Path file, NDManager manager)
      throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      JsonNode header = readHeader(ch, file);
      long dataStart = 8 + headerLength(ch, file);
      long dataLen = ch.size() - dataStart;
      LinkedHashMap<String, NDArray> out = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!METADATA.equals(e.getKey())) {
          out.put(e.getKey(), readTensor(ch, file, e.getKey(), e.getValue(), dataStart, dataLen, manager));
        }
      }
      return out;
    }
  }

  /** The {@code __metadata__} map, empty if absent. */
  public static Map<String, String> readMetadata(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      Map<String, String> out = new LinkedHashMap<>();
      readHeader(ch, file).path(METADATA).fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
      return out;
    }
  }

  private static long headerLength(FileChannel ch, Path file) throws IOException {
    ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    if (ch.read(len, 0) != 8) {
      throw new CheckpointException(file, null, "truncated: shorter than the 8-byte header length");
    }
    long n = len.flip().getLong();
    if (n < 2 || n > ch.size() - 8) {
      throw new CheckpointException(
          file, null, "truncated or corrupt: header length " + n + " but file has " + ch.size() + " bytes");
    }
    return n;
  }

  private static JsonNode readHeader(FileChannel ch, Path file) throws IOException {
    int n = Math.toIntExact(headerLength(ch, file));
    ByteBuffer buf = ByteBuffer.allocate(n);
    readFully(ch, buf, 8, file, null);
    try {
      JsonNode header = JSON.readTree(new String(buf.array(), StandardCharsets.UTF_8));
      if (header == null || !header.isObject()) {
        throw new CheckpointException(file, null, "header is not a JSON object");
      }
      return header;
    } catch (JsonProcessingException e) {
      throw new CheckpointException(file, null, "header is not valid JSON: " + e.getOriginalMessage());
    }
  }

  private static NDArray readTensor(
      FileChannel ch, Path file, String key, JsonNode t, long dataStart, long dataLen, NDManager m)
      throws IOException {
    Dtype dtype = Dtype.parse(t.path("dtype").asText(), file, key);
    long[] dims = new long[t.path("shape").size()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = t.path("shape").get(i).asLong();
    }
    Shape shape = new Shape(dims);
    long begin = t.path("data_offsets").path(0).asLong(-1);
    long end = t.path("data_offsets").path(1).asLong(-1);
    if (begin < 0 || end < begin || end - begin != shape.size() * dtype.size) {
      throw new CheckpointException(
          file, key, "data_offsets [" + begin + ", " + end + "] do not fit " + dtype + shape);
    }
    if (end > dataLen) {
      throw new CheckpointException(
          file, key, "truncated: tensor ends at byte " + end + " of a " + dataLen + "-byte data section");
    }
    ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(end - begin)).order(ByteOrder.LITTLE_ENDIAN);
    readFully(ch, buf, dataStart + begin, file, key);
    buf.flip();
    return dtype.create(m, buf, shape);
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long pos, Path file, String key)
      throws IOException {
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos + buf.position());
      if (n < 0) {
        throw new CheckpointException(file, key, "truncated: unexpected end of file");
      }
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
  }

  /** The safetensors dtypes we read and write, with their byte sizes. */
  enum Dtype {
    F32(4),
    F64(8),
    I64(8),
    I32(4),
    BF16(2),
    F16(2);

    final int size;

    Dtype(int size) {
      this.size = size;
    }

    static Dtype of(DataType t, Path file, String key) throws CheckpointException {
      switch (t) {
        case FLOAT32:
          return F32;
        case FLOAT64:
          return F64;
        case INT64:
          return I64;
        case INT32:
          return I32;
        default:
          throw new CheckpointException(file, key, "unsupported data type " + t);
      }
    }

    static Dtype parse(String s, Path file, String key) throws CheckpointException {
      try {
        return valueOf(s);
      } catch (IllegalArgumentException e) {
        throw new CheckpointException(file, key, "unsupported dtype '" + s + "'");
      }
    }

    static ByteBuffer toBytes(NDArray a) {
      ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(a.size() * 8)).order(ByteOrder.LITTLE_ENDIAN);
      switch (a.getDataType()) {
        case FLOAT32:
          b.asFloatBuffer().put(a.toFloatArray());
          b.limit(Math.toIntExact(a.size() * 4));
          break;
        case FLOAT64:
          b.asDoubleBuffer().put(a.toDoubleArray());
          break;
        case INT64:
          b.asLongBuffer().put(a.toLongArray());
          break;
        default:
          b.asIntBuffer().put(a.toIntArray());
          b.limit(Math.toIntExact(a.size() * 4));
      }
      return b;
    }

    NDArray create(NDManager m, ByteBuffer buf, Shape shape) {
      switch (this) {
        case F32:
          float[] f = new float[buf.remaining() / 4];
          buf.asFloatBuffer().get(f);
          return m.create(f, shape);
        case F64:
          double[] d = new double[buf.remaining() / 8];
          buf.asDoubleBuffer().get(d);
          return m.create(d, shape);
        case BF16:
          return m.create(halves(buf, true), shape);
        case F16:
          return m.create(halves(buf, false), shape);
        case I64:
          long[] l = new long[buf.remaining() / 8];
          buf.asLongBuffer().get(l);
          return m.create(l, shape);
        default:
          int[] i = new int[buf.remaining() / 4];
          buf.asIntBuffer().get(i);
          return m.create(i, shape);
      }
    }

    /** bf16 is the top half of an f32; f16 (IEEE binary16) is widened bit by bit. */
    static float[] halves(ByteBuffer buf, boolean bf16) {
      float[] out = new float[buf.remaining() / 2];
      for (int i = 0; i < out.length; i++) {
        int h = buf.getShort() & 0xffff;
        out[i] = bf16 ? Float.intBitsToFloat(h << 16) : f16(h);
      }
      return out;
    }

    static float f16(int h) {
      int sign = (h & 0x8000) << 16;
      int exp = (h >>> 10) & 0x1f;
      int mant = h & 0x3ff;
      if (exp == 0x1f) { // inf or NaN
        return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
      }
      if (exp == 0) { // zero or subnormal: mant * 2^-24
        float v = mant * 0x1p-24f;
        return sign == 0 ? v : -v;
      }
      return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
  }
}
