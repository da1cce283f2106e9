package org.rlhfflow.spec;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads an experiment spec from YAML. It composes SnakeYAML nodes rather than constructing
 * objects, so every error can name {@code file:line:column}, the key path and the expected type.
 *
 * <pre>{@code
 * ExperimentSpec spec = SpecLoader.load(Path.of("experiments/demo.yaml"));
 * }</pre>
 */
public final class SpecLoader {
  private SpecLoader() {}

  /** Loads and validates the spec file; unknown keys, wrong types and out-of-range values fail. */
  public static ExperimentSpec load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SpecException(file.toString(), 0, 0, "", "cannot read: " + e);
    }
    return parse(text, file.toString());
  }

  /**
   * Parses spec text.
   *
   * @param source file name used in error messages
   */
  public static ExperimentSpec parse(String yaml, String source) {
    Node root = compose(new StringReader(yaml), source);
    if (root == null) {
      throw new SpecException(source, 0, 0, "name", "the spec is empty; at least name is required");
    }
    return new SpecBinder(source).bind(ExperimentSpec.class, root, "");
  }

  private static Node compose(Reader reader, String source) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowRecursiveKeys(false);
    try {
      return new Yaml(options).compose(reader);
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String problem = "malformed YAML: " + e.getProblem() + (e.getContext() == null ? "" : " (" + e.getContext() + ")");
      int line = mark == null ? 0 : mark.getLine() + 1;
      int column = mark == null ? 0 : mark.getColumn() + 1;
      throw new SpecException(source, line, column, "", problem);
    } catch (YAMLException e) {
      throw new SpecException(source, 0, 0, "", "malformed YAML: " + e.getMessage());
    }
  }
}
