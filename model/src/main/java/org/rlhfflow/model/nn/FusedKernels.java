package org.rlhfflow.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Two fused libtorch kernels that DJL 0.32's JNI does not bind: {@code gelu(x, approximate="tanh")}
 * and {@code scaled_dot_product_attention}. Hugging Face's GPT-2 runs attention through the
 * latter (the CPU flash-attention kernel, forward and backward); op by op, the same attention
 * costs a (B, nh, T, S) score tensor per step plus a scale, a mask add, a softmax and their four
 * backward passes, and the tanh GELU costs nine element-wise passes over (B, T, 4C) forward and
 * as many backward. On NANO and TINY those passes were most of a training step (the PyTorch
 * profiler's self time, `rlhf bench model`).
 *
 * <p>How: libtorch runs TorchScript, its own IR, and DJL loads TorchScript modules and runs their
 * methods. This class writes a TorchScript archive (a zip holding the module's source and a
 * one-line pickle) from Java, loads it once per process and calls its methods. Autograd records
 * through them like any other op, and outside autograd ({@link org.rlhfflow.model.NoGrad}) they
 * record nothing. The kernels are deterministic on CPU for a given thread count, as every other
 * op here.
 *
 * <p>{@code RLHF_FUSED_KERNELS=0} (or {@code -Drlhf.fusedKernels=false}) turns them off, back to
 * the op-by-op formulas; their results agree to float rounding (see {@code FusedKernelsTest}), not
 * bit for bit, so a run's determinism holds for one setting.
 */
public final class FusedKernels {
  private static final String SOURCE =
      String.join(
          "\n",
          "class Kernels(Module):",
          "  __parameters__ = []",
          "  __buffers__ = []",
          "  training : bool",
          "  def forward(self: __torch__.Kernels,",
          "    x: Tensor) -> Tensor:",
          "    return x",
          "  def gelu_tanh(self: __torch__.Kernels,",
          "    x: Tensor) -> Tensor:",
          "    return torch.gelu(x, approximate=\"tanh\")",
          "  def attention(self: __torch__.Kernels,",
          "    q: Tensor,",
          "    k: Tensor,",
          "    v: Tensor,",
          "    bias: Tensor) -> Tensor:",
          "    return torch.scaled_dot_product_attention(q, k, v, bias)",
          "");

  /** pickle protocol 2 of a {@code __torch__.Kernels} object whose state is {training: False}. */
  private static final byte[] DATA_PKL = {
    (byte) 0x80, 0x02, 'c', '_', '_', 't', 'o', 'r', 'c', 'h', '_', '_', '\n',
    'K', 'e', 'r', 'n', 'e', 'l', 's', '\n', 'q', 0x00, ')', (byte) 0x81, '}', '(',
    'X', 0x08, 0x00, 0x00, 0x00, 't', 'r', 'a', 'i', 'n', 'i', 'n', 'g', 'q', 0x01,
    (byte) 0x89, 'u', 'b', 'q', 0x02, '.'
  };

  private static final byte[] CONSTANTS_PKL = {(byte) 0x80, 0x02, ')', '.'}; // an empty tuple

  private static final boolean ENABLED = enabledByEnvironment();

  private FusedKernels() {}

  /** Whether the fused kernels are in use in this process. */
  public static boolean enabled() {
    return ENABLED;
  }

  /** GELU with the tanh approximation, one kernel forward and one backward. */
  public static NDArray geluTanh(NDArray x) {
    return Holder.INSTANCE.run("gelu_tanh", x);
  }

  /**
   * softmax(q k^T / sqrt(hs) + bias) v for q (B, nh, T, hs), k and v (B, nh, S, hs) and an
   * additive bias broadcastable to (B, nh, T, S).
   */
  public static NDArray attention(NDArray q, NDArray k, NDArray v, NDArray bias) {
    return Holder.INSTANCE.run("attention", q, k, v, bias);
  }

  private static boolean enabledByEnvironment() {
    String p = System.getProperty("rlhf.fusedKernels");
    if (p != null) {
      return !p.equals("false") && !p.equals("0");
    }
    String e = System.getenv("RLHF_FUSED_KERNELS");
    return e == null || !(e.equals("0") || e.equals("false"));
  }

  /** The loaded module, created on first use (class initialisation is thread-safe). */
  private static final class Holder {
    static final Module INSTANCE = new Module();
  }

  private static final class Module {
    private final PtSymbolBlock block;
    private final long handle;
    private final MethodHandle runMethod;
    private final Object lib;
    private final Constructor<IValue> ivalue;

    Module() {
      try {
        // Never closed: the module lives as long as the process, on a manager of its own.
        PtNDManager manager = (PtNDManager) ai.djl.ndarray.NDManager.newBaseManager();
        block = JniUtils.loadModule(manager, new ByteArrayInputStream(archive()), false, false);
        handle = block.getHandle();
        // DJL's public runMethod always runs without autograd; the native call takes a flag.
        Class<?> libClass = Class.forName("ai.djl.pytorch.jni.PyTorchLibrary");
        Field libField = libClass.getDeclaredField("LIB");
        libField.setAccessible(true);
        lib = libField.get(null);
        Method m =
            libClass.getDeclaredMethod(
                "moduleRunMethod", long.class, String.class, long[].class, boolean.class, boolean.class);
        m.setAccessible(true);
        runMethod = MethodHandles.lookup().unreflect(m);
        ivalue = IValue.class.getDeclaredConstructor(long.class);
        ivalue.setAccessible(true);
      } catch (IOException | ReflectiveOperationException e) {
        throw new IllegalStateException("cannot load the fused TorchScript kernels: " + e, e);
      }
    }

    NDArray run(String method, NDArray... inputs) {
      IValue[] in = new IValue[inputs.length];
      long[] handles = new long[inputs.length];
      try {
        for (int i = 0; i < inputs.length; i++) {
          in[i] = IValue.from((PtNDArray) inputs[i]);
          handles[i] = in[i].getHandle();
        }
        // isTrain = true: no guard of DJL's, so the thread's own grad mode decides (NoGrad or not).
        long out = (long) runMethod.invoke(lib, handle, method, handles, true, false);
        try (IValue result = ivalue.newInstance(out)) {
          return result.toTensor((PtNDManager) inputs[0].getManager());
        }
      } catch (RuntimeException e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException("fused kernel " + method + " failed: " + e, e);
      } finally {
        for (IValue v : in) {
          if (v != null) {
            v.close();
          }
        }
      }
    }
  }

  /** The TorchScript archive: what torch.jit.save writes for {@link #SOURCE}, minus debug info. */
  static byte[] archive() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      stored(zip, "kernels/data.pkl", DATA_PKL);
      stored(zip, "kernels/code/__torch__.py", SOURCE.getBytes(StandardCharsets.UTF_8));
      stored(zip, "kernels/constants.pkl", CONSTANTS_PKL);
      stored(zip, "kernels/.data/version", "10\n".getBytes(StandardCharsets.US_ASCII));
      stored(zip, "kernels/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
    }
    return bytes.toByteArray();
  }

  private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
    ZipEntry e = new ZipEntry(name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(data.length);
    e.setCompressedSize(data.length);
    CRC32 crc = new CRC32();
    crc.update(data);
    e.setCrc(crc.getValue());
    e.setTime(0);
    zip.putNextEntry(e);
    zip.write(data);
    zip.closeEntry();
  }
}
