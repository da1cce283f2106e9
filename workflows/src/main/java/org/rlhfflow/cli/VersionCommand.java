package org.rlhfflow.cli;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** Prints the versions of the project, DJL/PyTorch and the Temporal SDK. */
@Command(name = "version", description = "Print the versions of rlhf-flow, DJL/PyTorch and the Temporal SDK.")
public final class VersionCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    for (String line : new Provider().getVersion()) {
      System.out.println(line);
    }
    return 0;
  }

  /** The versions pinned in pom.xml, as built into this jar. */
  public static Properties buildVersions() {
    Properties p = new Properties();
    try (InputStream in = VersionCommand.class.getResourceAsStream("version.properties")) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  /** Shared with {@code rlhf --version}. */
  public static final class Provider implements IVersionProvider {
    @Override
    public String[] getVersion() {
      Properties v = buildVersions();
      Engine engine = Engine.getInstance(); // loads the native library: the version shown is the one running
      return new String[] {
        "rlhf-flow " + v.getProperty("project"),
        "DJL " + Engine.getDjlVersion() + ", engine " + engine.getEngineName() + " " + engine.getVersion(),
        "Temporal Java SDK " + v.getProperty("temporal"),
        "Java " + System.getProperty("java.version"),
      };
    }
  }
}
